"""Pose extraction on every core: chunk planning, chunks against one serial pass, the --jobs
option over a folder, and a pool that stops cleanly (no orphans) on SIGINT and SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.adapters.pose_pool import SEGMENT_MIN_FRAMES, plan_chunks, plan_pool, seam_frames

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _restarts(chunks) -> list[int]:
    """Every frame where a landmarker starts, whichever chunk holds it."""
    return sorted({c.start for c in chunks if c.start} | {f for c in chunks for f in c.seams})


def test_seams_are_fixed_by_the_clip_whatever_the_number_of_processes():
    assert seam_frames(1000) == [250, 500, 750]  # 4 segments of at least 180 frames
    for parts in (1, 2, 3, 4, 8):
        chunks = plan_chunks(Path("c.mp4"), 1000, parts, 30.0)
        assert _restarts(chunks) == [250, 500, 750], parts
        assert [c.stop for c in chunks[:-1]] == [c.start for c in chunks[1:]] and chunks[-1].stop is None
    two = plan_chunks(Path("c.mp4"), 1000, 2, 30.0)
    assert [(c.start, c.stop, c.seams) for c in two] == [(0, 500, (250,)), (500, None, (750,))]
    assert two[0].warm == 0 and two[1].warm == 500 - 30  # one second before its seam
    assert len(seam_frames(10 ** 7)) == 15  # at most 16 segments


def test_short_or_unknown_length_clips_stay_in_one_chunk():
    assert len(plan_chunks(Path("c.mp4"), 2 * SEGMENT_MIN_FRAMES - 1, 2, 30.0)) == 1
    assert len(plan_chunks(Path("c.mp4"), None, 2, 30.0)) == 1
    one = plan_chunks(Path("c.mp4"), 10_000, 1, 30.0)
    assert len(one) == 1 and one[0].seams == tuple(seam_frames(10_000))


@pytest.mark.mediapipe
def test_split_landmarks_are_bit_for_bit_those_of_one_process():
    from formcheck.adapters.pose_pool import run_chunk, stitch
    from formcheck.adapters.video import open_video

    path = SAMPLES / "slht_left_good.mp4"
    with open_video(path) as video:
        n, fps = video.frame_count, video.fps
    one = plan_chunks(path, n, 1, fps, min_chunk_frames=60)  # seams forced into a short sample
    two = plan_chunks(path, n, 2, fps, min_chunk_frames=60)
    assert len(one) == 1 and len(one[0].seams) == 3 and len(two) == 2
    serial = stitch([run_chunk(one[0], None)])
    split = stitch([run_chunk(c, None) for c in reversed(two)])  # any order of arrival
    assert np.array_equal(serial.t_s, split.t_s)
    assert np.array_equal(serial.image, split.image, equal_nan=True)
    assert np.array_equal(serial.world, split.world, equal_nan=True)
    assert serial.meta == split.meta and serial.meta["seams"] == list(one[0].seams)


def _formcheck(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "formcheck.cli", "analyze", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.mediapipe
def test_a_folder_with_jobs_reports_every_clip_and_stays_quiet(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    for name in ("slht_left_good", "slht_right_good", "glute_bridge_good"):
        (clips / f"{name}.mp4").symlink_to(SAMPLES / f"{name}.mp4")
    (clips / "broken.mp4").write_text("not a video\n" * 20)
    proc = _formcheck(str(clips), "--out", str(tmp_path / "out"), "--jobs", "2", "--no-annotate", "-q")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 3, err  # the broken clip's code; the others analysed
    assert err.strip().splitlines() == [err.strip().splitlines()[0]]
    assert "broken.mp4" in err and "Traceback" not in err
    for name in ("slht_left_good", "slht_right_good", "glute_bridge_good"):
        assert (tmp_path / "out" / f"{name}.json").is_file()
        assert f"{name}.mp4:" in out
    assert out.count("Reps: 3") == 3


def _children(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (from /proc)."""
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for kid in kids.get(todo.pop(), []):
            found.add(kid)
            todo.append(kid)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory) -> Path:
    """A 30 s clip (a sample looped), long enough to be split and still running when signalled."""
    import imageio_ffmpeg

    out = tmp_path_factory.mktemp("long") / "long.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-stream_loop", "3",
                    "-i", str(SAMPLES / "slht_left_good.mp4"), "-c", "copy", str(out)], check=True)
    return out


@pytest.mark.mediapipe
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_pool_with_no_orphans(long_clip, tmp_path, sig):
    proc = _formcheck(str(long_clip), "--out", str(tmp_path), "--jobs", "2", "--no-cache", "-q",
                      start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = _alive(_children(proc.pid))
        assert len(workers) >= 2, "the pool did not start"
        time.sleep(1.0)
        os.killpg(proc.pid, sig)  # as a terminal's Ctrl-C (or a service manager) would
        out, err = proc.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers), "worker processes outlived formcheck"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and err.strip() == "formcheck: interrupted"
    assert "Traceback" not in err
    assert not list(tmp_path.glob("*.json"))


@pytest.mark.mediapipe
def test_a_damaged_middle_is_reported_and_the_reps_after_it_counted(tmp_path):
    from formcheck.pipeline import analyze_path

    data = bytearray((SAMPLES / "slht_left_good.mp4").read_bytes())
    at = int(len(data) * 0.4)
    data[at:at + 5_000] = bytes((j * 37 + 11) % 256 for j in range(5_000))  # 3 frames at 4.4 s
    clip = tmp_path / "damaged.mp4"
    clip.write_bytes(bytes(data))
    result = analyze_path(clip, out_dir=tmp_path / "out", annotate=False, use_cache=False, jobs=1)
    lost = [w for w in result.report.warnings if "damaged frame(s) skipped after" in w]
    assert len(lost) >= 1
    assert result.report.rep_count == 3  # the reps after the damage are still there


def test_chunks_of_a_sampled_clip_start_on_sampled_frames():
    chunks = plan_chunks(Path("c.mp4"), 4800, 2, 120.0, step=4)
    assert len(chunks) == 2 and all(c.step == 4 for c in chunks)
    assert all(c.start % 4 == 0 and c.warm % 4 == 0 and all(f % 4 == 0 for f in c.seams) for c in chunks)
    assert chunks[1].start - chunks[1].warm == 30 * 4  # one second of model frames


def test_a_folder_runs_whole_clips_and_splits_the_last_ones_at_their_seams():
    clips = [(Path(f"c{i}.mp4"), 900, 30.0) for i in range(3)]  # 30 s each: 4 segments
    chunks = plan_pool(clips, 2)
    by_clip = {p: [c for c in chunks if c.path == p] for p, _, _ in clips}
    assert [len(by_clip[p]) for p, _, _ in clips] == [1, 1, 2]  # 3 % 2: the last one split in two
    assert [c.path for c in chunks][:2] == [Path("c0.mp4"), Path("c1.mp4")]  # whole clips first
    for path, n, fps in clips:
        assert _restarts(by_clip[path]) == seam_frames(n)  # the clip's own seams, split or not
    assert [len([c for c in plan_pool(clips[:1], 4) if c.path == clips[0][0]])] == [4]
    short = [(Path("s.mp4"), 200, 30.0)]  # no seam: never split
    assert len(plan_pool(short, 2)) == 1
