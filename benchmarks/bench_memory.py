"""Benchmark: resident memory of `formcheck analyze` on a long 1080p clip (goal: under 1 GB).

    .venv/bin/python benchmarks/bench_memory.py [--clip LONG.mp4 | --source SHORT.mp4] [--minutes 10] [--jobs N] [--annotate]
        [--out DIR] [--stop-after SECONDS]

Without ``--clip``, a 1920x1080 30 fps clip of ``--minutes`` is made in a temporary folder from
``--source`` (default ../shared/clips/bridge_side_2reps.mp4, else samples/slht_left_good.mp4; a
clip made by ``formcheck render`` does as well): 20 s encoded by the ffmpeg of imageio-ffmpeg,
repeated by stream copy (never committed). ``--keep DIR`` makes it there and keeps it. `formcheck analyze` runs on it as a separate process; every
0.25 s the memory of it and all its children (pose workers, ffmpeg) is read from /proc and summed
(Pss, which counts a shared library's pages once, and plain RSS, which counts them in every
process). Printed: the peaks of both sums, the main process's own peak, and the time taken.
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


def _status_kb(pid: int) -> tuple[int, int, int]:
    """(parent pid, VmRSS, Pss) of ``pid`` in kB; Pss shares each shared page among its users."""
    base = Path(f"/proc/{pid}")
    fields = dict(line.split(":", 1) for line in (base / "status").read_text().splitlines() if ":" in line)
    rss = int(fields["VmRSS"].split()[0]) if "VmRSS" in fields else 0
    pss = 0
    try:
        for line in (base / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return int(fields.get("PPid", "0").strip()), rss, pss


def tree_memory_kb(pid: int) -> tuple[int, int, int]:
    """(sum of VmRSS, sum of Pss) over ``pid`` and its descendants, and VmRSS of ``pid``, in kB."""
    info: dict[int, tuple[int, int, int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                info[int(entry.name)] = _status_kb(int(entry.name))
            except (OSError, ValueError, KeyError):
                continue
    tree, todo = {pid}, [pid]
    while todo:
        p = todo.pop()
        for kid, (parent, _, _) in info.items():
            if parent == p and kid not in tree:
                tree.add(kid)
                todo.append(kid)
    found = [info[p] for p in tree if p in info]
    return sum(r for _, r, _ in found), sum(s for _, _, s in found), info.get(pid, (0, 0, 0))[1]


def make_clip(out: Path, minutes: float, source: Path | None = None) -> Path:
    """20 s of 1080p30 encoded once (a source looped), then joined end to end by stream copy."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    src = source or next(p for p in SOURCES if p.is_file())
    part = out.with_name("part20s.mp4")
    subprocess.run([ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-stream_loop", "-1", "-i", str(src),
                    "-t", "20", "-an", "-vf", "scale=1920:1080,fps=30", "-c:v", "libx264", "-preset",
                    "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", str(part)], check=True)
    listing = out.with_name("parts.txt")
    listing.write_text(f"file '{part.name}'\n" * max(1, round(minutes * 3)))
    subprocess.run([ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0",
                    "-i", str(listing), "-c", "copy", str(out)], check=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clip", type=Path)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--annotate", action="store_true")
    ap.add_argument("--source", type=Path, help="the short clip to loop (default: a real clip or a sample)")
    ap.add_argument("--keep", type=Path, help="make the long clip in this folder and keep it")
    ap.add_argument("--out", type=Path, help="analyze's --out, kept, with its landmark cache (default: none, --no-cache)")
    ap.add_argument("--stop-after", type=float, help="stop formcheck (SIGTERM) after this many seconds: the "
                    "peaks of a steady state without waiting for the end")
    ap.add_argument("extra", nargs="*", help="more analyze options, after --, e.g. -- --no-html")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        place = args.keep or Path(tmp)
        clip = args.clip or make_clip(place / f"long{args.minutes:g}min1080.mp4", args.minutes, args.source)
        cmd = [sys.executable, "-m", "formcheck.cli", "analyze", str(clip), "--out", str(args.out or Path(tmp) / "out"),
               *([] if args.out else ["--no-cache"]), "-q", "--annotate" if args.annotate else "--no-annotate",
               *args.extra]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak_rss = peak_pss = peak_parent = 0
        peak_at = 0.0
        stopped = False
        while proc.poll() is None:
            if args.stop_after and not stopped and time.perf_counter() - t0 > args.stop_after:
                proc.terminate()
                stopped = True
            rss, pss, parent = tree_memory_kb(proc.pid)
            if rss > peak_rss:
                peak_at = time.perf_counter() - t0
            peak_rss, peak_pss, peak_parent = max(peak_rss, rss), max(peak_pss, pss), max(peak_parent, parent)
            time.sleep(0.25)
        out, err = proc.communicate()
        took = time.perf_counter() - t0
    print(f"{clip.name}: {'stopped' if stopped else 'exit'} {proc.returncode} in {took:.0f} s; peak resident memory of formcheck and its "
          f"children: {peak_pss / 1024:.0f} MB proportional (Pss: shared pages counted once), "
          f"{peak_rss / 1024:.0f} MB summed RSS (shared libraries counted in each process); "
          f"{peak_parent / 1024:.0f} MB in the main process; summed RSS peaked {peak_at:.0f} s in")
    if proc.returncode and not stopped:
        print(err.strip())
    else:
        print(out.strip().splitlines()[1] if out.strip() else "")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
