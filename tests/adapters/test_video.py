"""formcheck.adapters.video: opening errors, container timestamps, rotation, truncation, atomic writing.

Every video here is made in tmp_path with cv2 (never committed). Variable frame rate and
rotation metadata are produced by editing the MP4 boxes of a cv2-written file: ``stts`` (per
frame durations) and the ``tkhd`` display matrix.
"""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.adapters import video as video
from formcheck.core.errors import InputError, VideoError
from formcheck.adapters.video import Frame, VideoWriter, list_videos, open_camera, open_video

W, H = 64, 48


def _frames(n: int, w: int = W, h: int = H) -> list[np.ndarray]:
    """Frames whose brightness encodes their index (10 * i), with a red block top-left."""
    out = []
    for i in range(n):
        f = np.full((h, w, 3), 10 * i, np.uint8)
        f[: h // 4, : w // 4] = (0, 0, 255)
        out.append(f)
    return out


def _write_cv(path: Path, fourcc: str, n: int = 10, fps: float = 25.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*fourcc), fps, (W, H))
    assert writer.isOpened()
    for f in _frames(n):
        writer.write(f)
    writer.release()
    return path


# -- minimal MP4 box editing -----------------------------------------------------------------
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


def _boxes(buf: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(type, offset, size) of every box, depth first."""
    end = len(buf) if end is None else end
    out, pos = [], start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", buf[pos:pos + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", buf[pos + 8:pos + 16])[0], 16
        out.append((kind, pos, size))
        if kind in _CONTAINERS:
            out.extend(_boxes(buf, pos + header, pos + size))
        pos += size
    return out


def _set_frame_durations(buf: bytes, deltas: list[int]) -> bytes:
    """Replace the single-entry stts with one entry per frame (moov follows mdat: no offsets move)."""
    boxes = _boxes(buf)
    _, pos, size = next(b for b in boxes if b[0] == b"stts")
    new = struct.pack(">I4sII", 16 + 8 * len(deltas), b"stts", 0, len(deltas))
    new += b"".join(struct.pack(">II", 1, d) for d in deltas)
    out = bytearray(buf[:pos] + new + buf[pos + size:])
    for kind, bpos, bsize in boxes:
        if kind in (b"moov", b"trak", b"mdia", b"minf", b"stbl") and bpos < pos < bpos + bsize:
            struct.pack_into(">I", out, bpos, bsize + len(new) - size)
    return bytes(out)


def _mdhd_timescale(buf: bytes) -> int:
    _, pos, _ = next(b for b in _boxes(buf) if b[0] == b"mdhd")
    assert buf[pos + 8] == 0  # version 0
    return struct.unpack(">I", buf[pos + 20:pos + 24])[0]


def _rotate_90(buf: bytes) -> bytes:
    """Set the video track's display matrix to a 90 degree clockwise rotation (phone portrait)."""
    _, pos, _ = next(b for b in _boxes(buf) if b[0] == b"tkhd")
    assert buf[pos + 8] == 0  # version 0 tkhd: matrix at byte 48 of the box
    out = bytearray(buf)
    struct.pack_into(">9i", out, pos + 48, 0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30)
    return bytes(out)


# -- opening errors ---------------------------------------------------------------------------
def test_missing_file_is_input_error_saying_not_found(tmp_path):
    with pytest.raises(InputError, match="not found") as info:
        open_video(tmp_path / "nope.mp4")
    assert not isinstance(info.value, VideoError)


def test_directory_is_input_error(tmp_path):
    with pytest.raises(InputError, match="directory"):
        open_video(tmp_path)


def test_empty_file_is_video_error(tmp_path):
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(VideoError, match=r"empty \(0 bytes\)"):
        open_video(path)


@pytest.mark.parametrize("name", ["notes.mp4", "notes.webm", "notes.mov"])
def test_text_file_renamed_as_video_is_one_line_video_error(tmp_path, name):
    path = tmp_path / name
    path.write_text("these are my training notes, not a video\n" * 50)
    with pytest.raises(VideoError) as info:
        open_video(path)
    message = str(info.value)
    assert name in message and "could not be opened as a video" in message
    assert "\n" not in message


def test_mp4_cut_before_its_index_cannot_be_opened(tmp_path):
    path = _write_cv(tmp_path / "clip.mp4", "mp4v", n=20)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cv2 writes moov last: it is gone
    with pytest.raises(VideoError, match="damaged/truncated"):
        open_video(path)


# -- reading --------------------------------------------------------------------------------
@pytest.mark.parametrize("ext,fourcc", [("mp4", "mp4v"), ("avi", "MJPG"), ("mkv", "MJPG"), ("webm", "VP80")])
def test_reads_every_frame_with_properties_and_container_times(tmp_path, ext, fourcc):
    src = open_video(_write_cv(tmp_path / f"clip.{ext}", fourcc, n=10, fps=25.0))
    assert (src.width, src.height) == (W, H)
    assert src.fps == pytest.approx(25.0)
    assert src.frame_count == 10
    assert src.duration == pytest.approx(0.4)
    frames = list(src)
    assert [f.index for f in frames] == list(range(10))
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(10) / 25.0, atol=1e-6)
    # content in order: the brightness of the bottom-right region encodes the index
    np.testing.assert_allclose([f.bgr[H // 2:, W // 2:].mean() for f in frames], 10 * np.arange(10), atol=4)
    assert src.frames_read == 10 and not src.truncated and src.warnings == []
    assert src.timestamps_from == "container"


def test_frames_unpack_as_index_time_image(tmp_path):
    src = open_video(_write_cv(tmp_path / "clip.avi", "MJPG", n=3))
    index, t_s, bgr = next(iter(src))
    assert (index, t_s) == (0, 0.0) and bgr.shape == (H, W, 3) and bgr.dtype == np.uint8
    assert isinstance(next(iter(src)), Frame)


def test_iterating_again_starts_from_the_first_frame(tmp_path):
    src = open_video(_write_cv(tmp_path / "clip.avi", "MJPG", n=6))
    first = [f.index for f in src]
    partial = []
    for f in src:
        partial.append(f.index)
        if f.index == 2:
            break
    assert first == list(range(6)) and partial == [0, 1, 2]
    assert [f.index for f in src] == list(range(6))


def test_variable_frame_rate_uses_container_timestamps(tmp_path):
    path = _write_cv(tmp_path / "vfr.mp4", "mp4v", n=10, fps=25.0)
    buf = path.read_bytes()
    scale = _mdhd_timescale(buf)
    step = scale // 25
    # 50 fps, 16.7 fps, bursts and a pause; total duration unchanged
    deltas = [step // 2, 3 * step // 2, step // 2, 3 * step // 2, step, step, 2 * step, step // 2, step // 2, step]
    assert sum(deltas) == 10 * step
    path.write_bytes(_set_frame_durations(buf, deltas))

    src = open_video(path)
    t_s = np.array([f.t_s for f in src])
    expected = np.concatenate([[0], np.cumsum(deltas[:-1])]) / scale
    np.testing.assert_allclose(t_s, expected, atol=1e-6)
    assert np.all(np.diff(t_s) > 0)
    assert not np.allclose(np.diff(t_s), 1 / 25)  # index/fps would have been wrong
    assert src.timestamps_from == "container" and src.warnings == []


def test_non_increasing_timestamps_fall_back_to_index_steps_with_warning(tmp_path):
    path = _write_cv(tmp_path / "dup.mp4", "mp4v", n=10, fps=25.0)
    buf = path.read_bytes()
    step = _mdhd_timescale(buf) // 25
    # frames 3 and 4 share one timestamp
    path.write_bytes(_set_frame_durations(buf, [step] * 3 + [0] + [step] * 5 + [2 * step]))

    src = open_video(path)
    t_s = np.array([f.t_s for f in src])
    assert len(t_s) == 10 and np.all(np.diff(t_s) > 0)
    np.testing.assert_allclose(t_s, np.arange(10) / 25.0, atol=1e-6)
    assert src.timestamps_from == "index"
    assert len(src.warnings) == 1 and "stop increasing at frame 4" in src.warnings[0]


def test_rotation_metadata_gives_upright_frames_and_rotated_size(tmp_path):
    path = _write_cv(tmp_path / "phone.mp4", "mp4v", n=5)
    path.write_bytes(_rotate_90(path.read_bytes()))
    src = open_video(path)
    assert src.rotation == 90
    assert (src.width, src.height) == (H, W)  # portrait after rotation
    frame = next(iter(src)).bgr
    assert frame.shape == (W, H, 3)
    red = (frame[:, :, 2] > 200) & (frame[:, :, 0] < 60)
    ys, xs = np.nonzero(red)
    # the block drawn top-left is top-right after a clockwise quarter turn
    assert xs.min() >= H - H // 4 - 2 and ys.max() <= W // 4 + 2


@pytest.mark.parametrize("ext,fourcc", [("avi", "MJPG"), ("webm", "VP80")])
def test_truncated_file_reports_frames_read_and_sets_flag(tmp_path, ext, fourcc):
    rng = np.random.default_rng(0)
    path = tmp_path / f"cut.{ext}"
    writer = cv2.VideoWriter(str(path), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*fourcc), 25, (W, H))
    for _ in range(50):  # noise, so every frame has about the same size
        writer.write(rng.integers(0, 255, (H, W, 3), dtype=np.uint8))
    writer.release()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    src = open_video(path)
    n = sum(1 for _ in src)
    assert 5 < n < 45
    assert src.frames_read == n and src.frame_count == 50
    assert src.truncated
    assert any(f"after {n} of about 50 frames" in w and "truncated" in w for w in src.warnings)


# -- folders and cameras ----------------------------------------------------------------------
def test_list_videos_sorted_by_name_by_extension_skipping_hidden(tmp_path):
    for name in ["b.MP4", "a.webm", "c.mov", "d.txt", "e.mkv", ".hidden.mp4", ".x.partial.webm", "f.avi"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.mp4").mkdir()
    assert [p.name for p in list_videos(tmp_path)] == ["a.webm", "b.MP4", "c.mov", "e.mkv", "f.avi"]


def test_list_videos_errors(tmp_path):
    with pytest.raises(InputError, match="folder not found"):
        list_videos(tmp_path / "missing")
    (tmp_path / "file.mp4").write_bytes(b"x")
    with pytest.raises(InputError, match="not a folder"):
        list_videos(tmp_path / "file.mp4")


def test_display_available_follows_the_x_display_on_linux(monkeypatch):
    monkeypatch.setattr(video.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert video.display_available() is False  # namedWindow would abort the process here
    monkeypatch.setenv("DISPLAY", ":99")
    assert video.display_available() is True


def test_absent_camera_is_video_error():
    with pytest.raises(VideoError, match="camera 97 could not be opened"):
        open_camera(97)


# -- writing --------------------------------------------------------------------------------
def test_writer_webm_reads_back_with_frame_count_and_content(tmp_path):
    out = tmp_path / "overlay.webm"
    frames = _frames(12, 96, 64)
    with VideoWriter(out, fps=30) as writer:
        for f in frames:
            writer.write(f)
        assert not out.exists()  # only the hidden partial exists until close
        assert writer.tmp_path.exists() and writer.tmp_path.name.startswith(".")
    assert out.is_file() and not writer.tmp_path.exists()
    cap = cv2.VideoCapture(str(out))
    assert cap.get(cv2.CAP_PROP_FOURCC) and cap.get(cv2.CAP_PROP_FPS) == pytest.approx(30)
    back = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        back.append(f)
    assert len(back) == 12 and back[0].shape == (64, 96, 3)
    np.testing.assert_allclose([b[32:, 48:].mean() for b in back], 10 * np.arange(12), atol=4)
    codec = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode(errors="replace")
    assert codec.upper().startswith("VP8")


def test_writer_removes_partial_on_exception_and_keeps_old_output(tmp_path):
    out = tmp_path / "overlay.webm"
    out.write_bytes(b"previous complete render")
    with pytest.raises(RuntimeError, match="boom"):
        with VideoWriter(out, fps=25) as writer:
            for f in _frames(5):
                writer.write(f)
            assert writer.tmp_path.exists()
            raise RuntimeError("boom")
    assert not writer.tmp_path.exists()
    assert out.read_bytes() == b"previous complete render"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overlay.webm"]


def test_writer_rejects_wrong_frame_size_and_leaves_nothing(tmp_path):
    out = tmp_path / "o.webm"
    with pytest.raises(VideoError, match="frame is 32x32, the video is 64x48"):
        with VideoWriter(out, fps=25) as writer:
            writer.write(_frames(1)[0])
            writer.write(np.zeros((32, 32, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_writer_with_no_frames_fails_and_leaves_nothing(tmp_path):
    with pytest.raises(VideoError, match="no frames"):
        with VideoWriter(tmp_path / "o.webm", fps=25, size=(W, H)):
            pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["o.avi", "o.mkv", "o.gif"])
def test_writer_refuses_formats_browsers_do_not_play(tmp_path, name):
    with pytest.raises(VideoError, match="browser-playable"):
        VideoWriter(tmp_path / name, fps=25)


def test_writer_mp4_without_imageio_ffmpeg_says_what_to_install(tmp_path, monkeypatch):
    from formcheck.adapters import video_writer

    monkeypatch.setattr(video_writer, "_ffmpeg_exe", lambda: None)
    with pytest.raises(VideoError, match="imageio-ffmpeg"):
        VideoWriter(tmp_path / "o.mp4", fps=25)


@pytest.mark.skipif(not video.ffmpeg_available(), reason="imageio-ffmpeg not installed")
def test_writer_mp4_is_h264_with_odd_size_padded(tmp_path):
    out = tmp_path / "o.mp4"
    with VideoWriter(out, fps=25) as writer:
        for f in _frames(8, 63, 47):
            writer.write(f)
    cap = cv2.VideoCapture(str(out))
    codec = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode(errors="replace")
    n = 0
    while cap.read()[0]:
        n += 1
    assert codec in ("avc1", "h264") and n == 8
    assert (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (64, 48)


# -- damaged middles and frame ranges ---------------------------------------------------------
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "slht_left_good.mp4"


def _damage_middle(path: Path, out: Path, n_bytes: int = 20_000) -> Path:
    data = bytearray(path.read_bytes())
    at = int(len(data) * 0.4)
    data[at:at + n_bytes] = bytes((j * 37 + 11) % 256 for j in range(n_bytes))
    out.write_bytes(bytes(data))
    return out


def test_a_damaged_middle_is_skipped_and_the_rest_of_the_clip_read(tmp_path):
    with open_video(SAMPLE) as clean:
        n_clean = sum(1 for _ in clean)
    with open_video(_damage_middle(SAMPLE, tmp_path / "damaged.mp4")) as src:
        frames = list(src)
    assert src.frames_lost > 0
    assert len(frames) + src.frames_lost >= n_clean - 2  # the frames after the damage are read
    assert frames[-1].t_s > 0.9 * (n_clean - 1) / src.fps
    lost = [w for w in src.warnings if "damaged frame(s) skipped after" in w]
    assert len(lost) >= 1 and not src.truncated
    assert np.all(np.diff([f.t_s for f in frames]) > 0)


def test_a_frame_range_is_exactly_that_part_of_a_full_pass(tmp_path):
    for path in (SAMPLE, _damage_middle(SAMPLE, tmp_path / "damaged.mp4")):
        with open_video(path) as src:
            full = [(f.index, f.t_s, f.bgr) for f in src]
            part = [(f.index, f.t_s, f.bgr) for f in src.frames(40, 90)]
            tail = [(f.index, f.t_s) for f in src.frames(len(full) - 5)]
        assert [(i, t) for i, t, _ in part] == [(i, t) for i, t, _ in full[40:90]]
        assert all(np.array_equal(a[2], b[2]) for a, b in zip(part, full[40:90]))
        assert tail == [(i, t) for i, t, _ in full[-5:]]


def test_high_frame_rates_feed_the_model_about_30_frames_a_second():
    from formcheck.adapters.video import model_step

    assert [model_step(f) for f in (24, 30, 44, 50, 60, 120, 240)] == [1, 1, 1, 2, 2, 4, 8]
    with open_video(SAMPLE) as src:
        full = [(f.index, f.t_s) for f in src]
        src.step = 4
        sampled = [(f.index, f.t_s) for f in src]  # iterating follows .step; times stay the clip's
    assert sampled == full[::4]
