"""The shape of the house: the analysis core stays pure numpy, MediaPipe lives in one adapter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "formcheck"
CORE = ["geometry", "smoothing", "kinematics", "measures", "view", "exercise", "reps", "faults",
        "analyzer", "profile", "report", "landmarks", "timeline", "summary", "errors",
        "synth.motion", "synth.camera", "synth.landmarks"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_neither_cv2_nor_mediapipe(module):
    code = (f"import sys, formcheck.{module}; "
            "bad = [m for m in ('cv2', 'mediapipe', 'matplotlib') if m in sys.modules]; "
            "print(', '.join(bad)); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, f"formcheck.{module} pulls in {res.stderr.strip() or res.stdout}"


def test_mediapipe_is_imported_only_by_the_pose_adapter():
    users = sorted(p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py") if "mediapipe" in _imports(p))
    assert users == ["pose.py"]


def test_no_thresholds_in_drawing_or_cli_code():
    # Renderers and CLI read thresholds from the profile: they never load the TOML themselves.
    for name in ("overlay.py", "plots.py", "cli.py", "summary.py"):
        text = (PKG / name).read_text()
        assert "fault_below_deg" not in text and "min_eccentric_s" not in text, name
