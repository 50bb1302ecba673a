"""A folder's annotated videos are drawn in the pose pool's workers (not one after another in
the main process), follow-ups run before the clips not started yet, and a clip whose video
cannot be drawn fails alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from formcheck.adapters.pose_pool import Task, WorkerPool, run_tasks
from formcheck.core.errors import FormcheckError, InputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _echo(x: object) -> object:
    if x == "bad":
        raise InputError("bad task")
    return x


def test_follow_ups_run_before_the_tasks_not_started_yet():
    done: list[object] = []

    def then(res: object) -> list[Task] | None:
        done.append(res)
        if res in (1, 2):  # a finished clip's video
            return [Task(_echo, (f"video{res}",), then)]
        return None

    with WorkerPool(1) as pool:  # one worker: the order is the order of submission
        run_tasks(pool, [Task(_echo, (k,), then) for k in (1, 2, "bad", 3)])
    assert done[:4] == [1, "video1", 2, "video2"]
    assert isinstance(done[4], FormcheckError) and done[5] == 3


def _short(sample: str, out: Path, seconds: float = 4.0) -> Path:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(SAMPLES / sample),
                    "-t", str(seconds), "-vf", "scale=320:240", "-an", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


@pytest.mark.mediapipe
def test_a_folders_videos_are_drawn_in_the_pool_fresh_and_from_the_cache(tmp_path, monkeypatch):
    import formcheck.outputs.annotated_parallel as ap
    import formcheck.outputs.annotated_video as av
    from formcheck.adapters.video import open_video
    from formcheck.pipeline import analyze_paths

    def not_here(*_a: object, **_k: object) -> None:
        raise AssertionError("the annotated video was drawn in the main process")

    # Workers are spawned, so these patches reach this process only.
    monkeypatch.setattr(ap, "write_annotated_parallel", not_here)
    monkeypatch.setattr(av, "write_annotated", not_here)
    clips = [_short("slht_left_good.mp4", tmp_path / "a.mp4"), _short("glute_bridge_good.mp4", tmp_path / "b.mp4"),
             _short("slht_right_good.mp4", tmp_path / "c.mp4")]
    for run in ("fresh", "cached"):  # the second run takes the landmarks from the cache
        got: dict[Path, object] = {}
        analyze_paths(clips, lambda p, r: got.__setitem__(p, r), jobs=2, out_dir=tmp_path / "out")
        assert set(got) == set(clips), run
        for clip in clips:
            result = got[clip]
            assert not isinstance(result, Exception), (run, result)
            video = result.outputs["video"]
            with open_video(video) as v:
                n = sum(1 for _ in v)
            card = int(av.END_CARD_S * 30)
            assert n == len(result.series) + card, (run, clip.name, n)
            html = result.outputs["html"].read_text()
            assert video.name in html  # the page plays the video drawn in the pool
            assert result.outputs["json"].is_file()


@pytest.mark.mediapipe
def test_a_clip_whose_video_cannot_be_drawn_fails_alone(tmp_path):
    from formcheck.core.errors import VideoError
    from formcheck.pipeline import analyze_paths

    out = tmp_path / "out"
    good = _short("slht_left_good.mp4", tmp_path / "a.mp4")
    other = _short("glute_bridge_good.mp4", tmp_path / "b.mp4")
    analyze_paths([good, other], lambda p, r: None, jobs=2, out_dir=out, annotate=False)
    # The clip changes size after its landmarks were cached: its video cannot be drawn from them.
    import imageio_ffmpeg

    bigger = tmp_path / "big.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(other),
                    "-vf", "scale=640:480", "-an", "-c:v", "libx264", "-preset", "veryfast", str(bigger)], check=True)
    cache = out / "b.landmarks.npz"
    from formcheck.core.landmarks import LandmarkSeries
    from formcheck.pipeline import _file_key

    series = LandmarkSeries.load_npz(cache)
    bigger.replace(other)
    series.meta["cache_key"] = _file_key(other, None)  # as if cached from the new file
    series.save_npz(cache)
    got: dict[Path, object] = {}
    analyze_paths([good, other], lambda p, r: got.__setitem__(p, r), jobs=2, out_dir=out)
    assert isinstance(got[other], VideoError) and "frame size changed" in str(got[other])
    assert got[good].outputs["video"].is_file()
    assert not (out / "b.annotated.mp4").exists()
