"""Benchmark: the annotated video's H.264 encoder, x264 presets side by side on the same frames.

    .venv/bin/python benchmarks/bench_encoder.py [VIDEO] [--frames 150]

VIDEO defaults to ../shared/clips/bridge_side_2reps.mp4 (1280x720), else a bundled sample. Its
first ``--frames`` frames are analysed (pose model, one process) and drawn with the overlay exactly
as the annotated video draws them (band included), kept in memory, then piped to ffmpeg's
libx264 (crf 23, one thread, as each segment's encoder runs) once per preset. Printed per
preset: the encoder's CPU time a frame (its own, from wait4), the bytes a frame, and its peak
resident memory (VmHWM, read while it runs), plus the drawing's own time a frame in this process. The load average is
printed: ratios measured side by side in one run are what count.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = (ROOT.parent / "shared" / "clips" / "bridge_side_2reps.mp4", ROOT / "samples" / "slht_left_good.mp4")
PRESETS = ("veryfast", "superfast", "ultrafast")


def drawn_frames(clip: Path, n: int, tmp: Path) -> tuple[list, float]:
    """The first ``n`` frames of the annotated video, and the drawing's seconds a frame."""
    from formcheck.adapters.video import open_video
    from formcheck.core.analyzer import analyze_series
    from formcheck.core.timeline import replay
    from formcheck.outputs.annotated_video import clip_layout, draw_frame
    from formcheck.pipeline import landmarks_for_video

    series = landmarks_for_video(clip, model=None, cache=tmp / "lm.npz", progress=False, jobs=1)
    report = analyze_series(series)
    frames, draw_s = [], 0.0
    with open_video(clip) as video:
        layout = clip_layout(series, report, (video.width, video.height))
        for frame, result in zip(video.frames(0, n, 1), replay(report, report.targets_deg(), report.cue_s)):
            t0 = time.perf_counter()
            frames.append(draw_frame(frame.bgr, series, frame.index, result, report, layout))
            draw_s += time.perf_counter() - t0
    return frames, draw_s / max(1, len(frames))


def encode(frames: list, preset: str, out: Path) -> tuple[float, int, int]:
    """(CPU seconds, bytes, peak kB) of ffmpeg encoding ``frames`` with ``preset``."""
    from formcheck.adapters.video_writer import ffmpeg_exe

    h, w = frames[0].shape[:2]
    cmd = [ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
           "-s", f"{w}x{h}", "-r", "30", "-i", "-", "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
           "-c:v", "libx264", "-preset", preset, "-crf", "23", "-pix_fmt", "yuv420p", "-threads", "1", str(out)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    peak_kb = 0
    for frame in frames:
        proc.stdin.write(frame.tobytes())
        peak_kb = max(peak_kb, _hwm_kb(proc.pid))
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)  # its own CPU time (its maxrss would count this process's)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"ffmpeg failed with {preset}")
    return usage.ru_utime + usage.ru_stime, out.stat().st_size, peak_kb


def _hwm_kb(pid: int) -> int:
    """The child's own peak resident memory so far (VmHWM), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    from formcheck.adapters.stdio import route_native_stderr

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("video", nargs="?", type=Path, default=next((p for p in DEFAULTS if p.is_file()), DEFAULTS[-1]))
    ap.add_argument("--frames", type=int, default=150)
    args = ap.parse_args()
    route_native_stderr()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        frames, draw_s = drawn_frames(args.video, args.frames, tmp)
        h, w = frames[0].shape[:2]
        print(f"{args.video.name}: {len(frames)} annotated frames of {w}x{h}; drawing {1000 * draw_s:.1f} ms a frame")
        rows = [(p, *encode(frames, p, tmp / f"{p}.mp4")) for p in PRESETS]
    base_cpu = rows[0][1]
    for preset, cpu_s, size, peak_kb in rows:
        print(f"  {preset:10s} encoder {1000 * cpu_s / len(frames):5.1f} ms a frame ({cpu_s / base_cpu:.2f}x veryfast), "
              f"{size / len(frames) / 1024:5.1f} KB a frame ({8 * 30 * size / len(frames) / 1e6:.1f} Mbit/s at 30 fps), "
              f"peak {peak_kb / 1024:.0f} MB")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
