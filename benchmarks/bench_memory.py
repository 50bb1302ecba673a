"""Benchmark: resident memory of `formcheck analyze` on a long 1080p clip (goal: under 1 GB).

    .venv/bin/python benchmarks/bench_memory.py [--clip LONG.mp4] [--minutes 10] [--jobs N] [--annotate]

Without ``--clip``, a 1920x1080 30 fps clip of ``--minutes`` is made in a temporary folder by
looping ../shared/clips/bridge_side_2reps.mp4 (or samples/slht_left_good.mp4) with the ffmpeg of
imageio-ffmpeg (never committed). `formcheck analyze` runs on it as a separate process; every
0.25 s the resident set sizes of it and all its children (pose workers, ffmpeg) are read from
/proc and summed. Printed: the peak of that sum, the parent's own peak, and the time taken.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT.parent / "shared" / "clips" / "bridge_side_2reps.mp4", ROOT / "samples" / "slht_left_good.mp4")


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """(sum of VmRSS over ``pid`` and its descendants, VmRSS of ``pid``) in kB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree, todo = {pid}, [pid]
    while todo:
        p = todo.pop()
        for kid, parent in parents.items():
            if parent == p and kid not in tree:
                tree.add(kid)
                todo.append(kid)
    return sum(rss.get(p, 0) for p in tree), rss.get(pid, 0)


def make_clip(out: Path, minutes: float) -> Path:
    import imageio_ffmpeg

    src = next(p for p in SOURCES if p.is_file())
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-stream_loop", "-1",
                    "-i", str(src), "-t", f"{minutes * 60}", "-an", "-vf", "scale=1920:1080,fps=30",
                    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clip", type=Path)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--annotate", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = args.clip or make_clip(Path(tmp) / "long1080.mp4", args.minutes)
        cmd = [sys.executable, "-m", "formcheck.cli", "analyze", str(clip), "--out", str(Path(tmp) / "out"),
               "--no-cache", "-q", "--annotate" if args.annotate else "--no-annotate"]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak_tree = peak_parent = 0
        while proc.poll() is None:
            tree, parent = tree_rss_kb(proc.pid)
            peak_tree, peak_parent = max(peak_tree, tree), max(peak_parent, parent)
            time.sleep(0.25)
        out, err = proc.communicate()
        took = time.perf_counter() - t0
    print(f"{clip.name}: exit {proc.returncode} in {took:.0f} s; peak resident memory {peak_tree / 1024:.0f} MB "
          f"for formcheck and its children ({peak_parent / 1024:.0f} MB in the main process)")
    if proc.returncode:
        print(err.strip())
    else:
        print(out.strip().splitlines()[1] if out.strip() else "")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
