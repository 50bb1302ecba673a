"""The shape of the house, one test per folder rule.

core/ is pure numpy and imports nothing outside core; MediaPipe lives in one adapter; adapters,
draw and outputs never import a face (cli, live, web); web never imports live or cli.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "formcheck"
FACES = {"cli", "live", "web"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports (relative imports resolved), as dotted names."""
    tree = ast.parse(path.read_text())
    here = path.relative_to(PKG.parent).with_suffix("").parts
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level])
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names.add(mod)
            names.update(f"{mod}.{a.name}" for a in node.names)
    return names


def _package_imports(path: Path) -> set[str]:
    """The formcheck folders (second name) a file imports from."""
    return {n.split(".")[1] for n in _imports(path)
            if n.startswith("formcheck.") and not n.split(".")[1].startswith("__")}


def _files(folder: str) -> list[Path]:
    return sorted((PKG / folder).rglob("*.py"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(PKG).as_posix() for p in paths]


CORE_FILES = _files("core")


@pytest.mark.parametrize("path", CORE_FILES, ids=_ids(CORE_FILES))
def test_core_imports_only_core_and_the_standard_library(path):
    outside = _package_imports(path) - {"core"}
    third_party = {n.split(".")[0] for n in _imports(path)} - {"formcheck", "numpy"}
    third_party -= set(sys.stdlib_module_names)
    assert not outside, f"{path.name} imports formcheck.{outside}"
    assert not third_party, f"{path.name} imports {third_party}"


@pytest.mark.parametrize("module", [p.stem for p in CORE_FILES if p.stem != "__init__"])
def test_core_module_loads_neither_cv2_nor_mediapipe(module):
    # Run in a fresh interpreter: a transitive import would show up in sys.modules.
    code = (f"import sys, formcheck.core.{module}; "
            "bad = [m for m in ('cv2', 'mediapipe', 'matplotlib') if m in sys.modules]; "
            "print(', '.join(bad)); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, f"formcheck.core.{module} pulls in {res.stderr.strip() or res.stdout}"


def test_mediapipe_is_imported_only_by_the_pose_adapter():
    users = sorted(p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py")
                   if any(n.split(".")[0] == "mediapipe" for n in _imports(p)))
    assert users == ["adapters/pose.py"]


@pytest.mark.parametrize("folder", ["adapters", "draw", "outputs", "synth"])
def test_libraries_never_import_a_face(folder):
    for path in _files(folder):
        assert not (_package_imports(path) & FACES), f"{path.relative_to(PKG)} imports a face"


def test_adapters_import_only_core_and_adapters():
    for path in _files("adapters"):
        assert _package_imports(path) <= {"core", "adapters"}, path.relative_to(PKG)


def test_web_never_imports_live_or_cli():
    for path in _files("web"):
        assert not (_package_imports(path) & {"live", "cli"}), path.relative_to(PKG)


def test_the_folder_rules_can_fail():
    # The checker itself must see a violation: parse a file that breaks the core rule.
    bad = PKG / "core" / "_architecture_probe.py"
    bad.write_text("from formcheck.adapters import pose\nimport cv2\n")
    try:
        assert _package_imports(bad) == {"adapters"}
        assert "cv2" in {n.split(".")[0] for n in _imports(bad)}
    finally:
        bad.unlink()


def test_no_thresholds_in_drawing_or_cli_code():
    # Renderers and CLI read thresholds from the profile: they never load the TOML themselves.
    for path in [*_files("draw"), *_files("outputs"), *_files("cli")]:
        text = path.read_text()
        assert "fault_below_deg" not in text and "min_eccentric_s" not in text, path.name
