"""Compare formcheck's outputs between two checkouts (e.g. main and a refactor branch).

Runs ``formcheck analyze SAMPLES --no-annotate`` with each checkout's code (the same sample
paths, so the second run reuses the first run's landmark cache: the pose stage is the same code),
a few option variants on those cached landmarks, and every ``--help``, then diffs the JSON, CSV,
plot PNGs and terminal text byte for byte. Usage:

    .venv/bin/python tools/compare_outputs.py --base ../layout-base --head . [--work /tmp/cmp]
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

# Runs the CLI from ROOT's source tree, bypassing this venv's editable install of the package.
_RUNNER = (
    "import sys; root = sys.argv.pop(1); "
    "sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in repr(f)]; "
    "sys.path.insert(0, root); "
    "from formcheck.cli.app import main; sys.argv[0] = 'formcheck'; main()"
)
HELPS = ([], ["--help"], ["analyze", "--help"], ["live", "--help"], ["render", "--help"], ["profile", "--help"])
VARIANTS = (["--exercise", "glute-bridge"], ["--side", "right"], ["--exercise", "hip-thrust", "--side", "left"])


def run(root: Path, args: list[str]) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-c", _RUNNER, str(root), *args], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def outputs(root: Path, work: Path, samples: list[Path]) -> dict[str, str]:
    """Run every case with ``root``'s code; returns case -> exit code + terminal text."""
    texts: dict[str, str] = {}
    for h in HELPS:
        texts["help " + " ".join(h)] = "%d\n%s%s" % run(root, h)
    out = work / "default"
    code, so, se = run(root, ["analyze", *map(str, samples), "--no-annotate", "-q", "--out", str(out)])
    texts["analyze"] = f"{code}\n{so}"
    for k, v in enumerate(VARIANTS):
        npz = sorted(out.glob("*.landmarks.npz"))
        code, so, se = run(root, ["analyze", *map(str, npz), *v, "--no-annotate", "-q", "--out", str(work / f"v{k}")])
        texts["analyze " + " ".join(v)] = f"{code}\n{so}"
    return texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True, help="checkout of the reference commit")
    ap.add_argument("--head", type=Path, default=Path("."), help="checkout under test")
    ap.add_argument("--work", type=Path, default=Path("/tmp/formcheck-compare"))
    ap.add_argument("--pose-cache", type=Path, help="folder of NAME.landmarks.npz from an earlier run of these "
                    "samples (same paths): skips the pose model for both checkouts")
    ap.add_argument("samples", nargs="*", type=Path)
    a = ap.parse_args()
    samples = a.samples or sorted((a.head / "samples").resolve().glob("*.mp4"))
    shutil.rmtree(a.work, ignore_errors=True)
    base_dir, head_dir = a.work / "base", a.work / "head"
    if a.pose_cache:
        (base_dir / "default").mkdir(parents=True)
        for npz in a.pose_cache.glob("*.landmarks.npz"):
            shutil.copy2(npz, base_dir / "default" / npz.name)
    base = outputs(a.base.resolve(), base_dir, samples)
    (head_dir / "default").mkdir(parents=True)
    for npz in (base_dir / "default").glob("*.landmarks.npz"):  # same pose stage: reuse its cache
        shutil.copy2(npz, head_dir / "default" / npz.name)
    head = outputs(a.head.resolve(), head_dir, samples)
    bad = 0
    for case in base:
        # Paths in terminal text differ only by the work folder name.
        if base[case].replace(str(base_dir), "@") != head[case].replace(str(head_dir), "@"):
            print(f"DIFFERS: terminal text of `{case}`")
            bad += 1
    n = 0
    for f in sorted(base_dir.rglob("*")):
        if f.suffix not in (".json", ".csv", ".png"):
            continue
        g = head_dir / f.relative_to(base_dir)
        n += 1
        if not g.is_file() or not filecmp.cmp(f, g, shallow=False):
            print(f"DIFFERS: {f.relative_to(base_dir)}")
            bad += 1
    print(f"{n} JSON/CSV/PNG files and {len(base)} terminal texts compared; {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
