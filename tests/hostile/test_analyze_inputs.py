"""Hostile inputs to ``formcheck analyze``: each a real process, judged on its exit code, its one
line of stderr and the output folder. Landmark files and tiny clips: no pose model needed."""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from formcheck.core.errors import ConfigError, InputError, NoPersonError, VideoError
from formcheck.core.npz_limits import MAX_FRAMES

from hostile_probe import assert_failed, assert_nothing_complete, formcheck, npy_bytes, npz_bomb, tiny_video, write_npz


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path, dict], str]  # (folder, good arrays) -> the input path, relative to folder
    code: int
    says: str | None = None


def _arrays(**changes):
    """An input built from the good arrays with some keys changed (None drops the key)."""
    def make(folder: Path, good: dict) -> str:
        arrays = dict(good)
        for k, v in changes.items():
            if v is None:
                arrays.pop(k, None)
            else:
                arrays[k] = v(good) if callable(v) else v
        write_npz(folder / "clip.npz", arrays)
        return "clip.npz"
    return make


def _bytes(name: str, data: bytes | Callable[[dict], bytes]):
    def make(folder: Path, good: dict) -> str:
        (folder / name).write_bytes(data(good) if callable(data) else data)
        return name
    return make


def _good_npz_bytes(good: dict) -> bytes:
    import io

    buf = io.BytesIO()
    np.savez_compressed(buf, **good)
    return buf.getvalue()


class _Evil:
    """Unpickling this would create a file: it must never happen."""

    def __reduce__(self):
        return (os.system, ("touch PICKLE_RAN",))


def _pickled(folder: Path, good: dict) -> str:
    arrays = dict(good)
    arrays["image"] = np.array([_Evil()], dtype=object)
    np.savez(folder / "clip.npz", **arrays)  # allow_pickle is the writer's default
    return "clip.npz"


def _fifo(name: str):
    def make(folder: Path, good: dict) -> str:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        os.mkfifo(folder / name)
        return name
    return make


def _link(target: str):
    def make(folder: Path, good: dict) -> str:
        (folder / "clip.npz").symlink_to(target)
        return "clip.npz"
    return make


def _zip_members(members: dict[str, bytes]):
    def make(folder: Path, good: dict) -> str:
        import zipfile

        with zipfile.ZipFile(folder / "clip.npz", "w") as zf:
            for k in ("t_s", "image", "image_size"):
                zf.writestr(f"{k}.npy", npy_bytes(good[k]))
            for k, v in members.items():
                zf.writestr(k, v)
        return "clip.npz"
    return make


def _many_members(folder: Path, good: dict) -> str:
    return _zip_members({f"x{i}.npy": npy_bytes(np.zeros(1)) for i in range(60)})(folder, good)


def _one_frame(folder: Path, good: dict) -> str:
    arrays = dict(good, t_s=good["t_s"][100:101], image=good["image"][100:101])
    arrays.pop("world", None)
    write_npz(folder / "clip.npz", arrays)
    return "clip.npz"


def _frames(n: int, nan: bool = False):
    def make(folder: Path, good: dict) -> str:
        image = good["image"][:n].copy()
        if nan:
            image[:] = np.nan
        arrays = dict(good, t_s=good["t_s"][:n], image=image)
        arrays.pop("world", None)
        write_npz(folder / "clip.npz", arrays)
        return "clip.npz"
    return make


T = "T"
CASES = [
    Case("missing file", lambda f, g: "nothere.npz", InputError.exit_code, "file not found"),
    Case("missing video", lambda f, g: "nothere.mp4", InputError.exit_code, "file not found"),
    Case("fifo named mp4", _fifo("clip.mp4"), InputError.exit_code, "FIFO"),
    Case("fifo named npz", _fifo("clip.npz"), InputError.exit_code, "FIFO"),
    Case("dev zero", lambda f, g: "/dev/zero", InputError.exit_code, "device"),
    Case("dev null", lambda f, g: "/dev/null", InputError.exit_code, "device"),
    Case("dangling symlink", _link("gone.npz"), InputError.exit_code, "not found"),
    Case("symlink to dev zero", _link("/dev/zero"), InputError.exit_code, "device"),
    Case("text file", _bytes("notes.txt", b"hello"), InputError.exit_code, "not a video"),
    Case("no extension", _bytes("clip", b"\x00" * 100), InputError.exit_code, "not a video"),
    Case("empty npz", _bytes("clip.npz", b""), InputError.exit_code, "not a readable landmark file"),
    Case("random npz", _bytes("clip.npz", os.urandom(4096)), InputError.exit_code, "not a readable"),
    Case("truncated npz", _bytes("clip.npz", lambda g: _good_npz_bytes(g)[:20000]), InputError.exit_code,
         "not a readable"),
    Case("npz missing image", _arrays(image=None), InputError.exit_code, "missing image"),
    Case("npz missing t_s", _arrays(t_s=None), InputError.exit_code, "missing t_s"),
    Case("npz 0-d image_size", _arrays(image_size=np.array(640)), InputError.exit_code, "image_size"),
    Case("npz 3 image_size", _arrays(image_size=np.array([640, 480, 3])), InputError.exit_code, "image_size"),
    Case("npz negative image_size", _arrays(image_size=np.array([-640, 480])), InputError.exit_code, "positive"),
    Case("npz text image_size", _arrays(image_size=np.array(["a", "b"])), InputError.exit_code, "image_size"),
    Case("npz image 17 landmarks", _arrays(image=lambda g: g["image"][:, :17]), InputError.exit_code, "shape"),
    Case("npz image 2-d", _arrays(image=lambda g: g["image"][:, :, 0]), InputError.exit_code, "shape"),
    Case("npz image text", _arrays(image=np.array("x")), InputError.exit_code, "image"),
    Case("npz image complex", _arrays(image=lambda g: g["image"].astype(np.complex64)), InputError.exit_code,
         "dtype"),
    Case("npz world wrong frames", _arrays(world=lambda g: np.zeros((3, 33, 4), np.float32)),
         InputError.exit_code, "frames"),
    Case("npz t_s short", _arrays(t_s=lambda g: g["t_s"][:-5]), InputError.exit_code, "frames"),
    Case("npz t_s 2-d", _arrays(t_s=lambda g: g["t_s"][:, None]), InputError.exit_code, "t_s"),
    Case("npz t_s decreasing", _arrays(t_s=lambda g: g["t_s"][::-1].copy()), InputError.exit_code, "increasing"),
    Case("npz t_s nan", _arrays(t_s=lambda g: np.where(np.arange(g["t_s"].size) == 3, np.nan, g["t_s"])),
         InputError.exit_code, "NaN"),
    Case("npz format version 99", _arrays(format_version=np.array(99)), InputError.exit_code, "version 99"),
    Case("npz bad meta json", _arrays(meta_json=np.array("{not json")), InputError.exit_code, "not a readable"),
    Case("npz pickled object", _pickled, InputError.exit_code, "objects"),
    Case("npz bomb", lambda f, g: npz_bomb(f / "clip.npz", g, 2 * MAX_FRAMES).name, InputError.exit_code,
         f"limit is {MAX_FRAMES:,}"),
    Case("npz bomb in world", lambda f, g: npz_bomb(f / "clip.npz", g, MAX_FRAMES + 1, key="world").name,
         InputError.exit_code, "limit"),
    Case("npz huge text", _zip_members({"meta_json.npy": npy_bytes(np.array("x" * (5 << 20)))}),
         InputError.exit_code, "text"),
    Case("npz huge stray array", _zip_members({"junk.npy": npy_bytes(np.zeros(300_000))}),
         InputError.exit_code, "unexpected array"),
    Case("npz stray non-npy member", _zip_members({"readme.txt": b"hello"}), InputError.exit_code,
         "not a readable"),
    Case("npz 60 members", _many_members, InputError.exit_code, "members"),
    Case("npz all frames empty", _frames(200, nan=True), NoPersonError.exit_code, "no person detected"),
    Case("npz zero frames", _frames(0), NoPersonError.exit_code, "no person"),
    Case("npz one frame with a person", _one_frame, NoPersonError.exit_code, "too short"),
    Case("npz three frames", _frames(3), NoPersonError.exit_code, "too short"),
    Case("npz inf landmarks", _arrays(image=lambda g: np.full_like(g["image"], np.inf)), NoPersonError.exit_code,
         "no person"),
    Case("empty mp4", _bytes("clip.mp4", b""), VideoError.exit_code, None),
    Case("random mp4", _bytes("clip.mp4", os.urandom(20000)), VideoError.exit_code, None),
    Case("text as mp4", _bytes("clip.mp4", b"not a video\n" * 100), VideoError.exit_code, None),
    Case("npz as mp4", _bytes("clip.mp4", _good_npz_bytes), VideoError.exit_code, None),
    Case("truncated mp4", lambda f, g: _truncated_video(f), VideoError.exit_code, None),
]


def _truncated_video(folder: Path) -> str:
    data = tiny_video(folder / "whole.mp4").read_bytes()
    (folder / "clip.mp4").write_bytes(data[:200])
    (folder / "whole.mp4").unlink()
    return "clip.mp4"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_and_its_code(case: Case, tmp_path, good_arrays):
    arg = case.make(tmp_path, good_arrays)
    run = formcheck("analyze", arg, "--out", "out", "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, case.code, says=case.says)
    assert not (tmp_path / "PICKLE_RAN").exists()
    assert_nothing_complete(tmp_path / "out", Path(arg).name.split(".")[0])


def test_npz_bomb_is_refused_from_the_headers_quickly_and_without_the_memory(tmp_path, good_arrays):
    npz_bomb(tmp_path / "clip.npz", good_arrays, 2_500_000)  # 1.3 GB of float32 in ~1.3 MB
    assert (tmp_path / "clip.npz").stat().st_size < 2 << 20
    run = formcheck("analyze", "clip.npz", "--out", "out", cwd=tmp_path, timeout=60)
    assert_failed(run, InputError.exit_code, says="limit")
    assert run.max_rss_mb < 600, f"peak memory {run.max_rss_mb:.0f} MB: the arrays were read"


def test_folder_of_hostile_files_reports_each_and_keeps_the_good_one(tmp_path, good_npz):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(good_npz, folder / "a.npz")
    (folder / "b.npz").write_bytes(b"junk")
    (folder / "c.mp4").write_bytes(b"")
    run = formcheck("analyze", "in", "--out", "out", "-q", cwd=tmp_path)
    assert_failed(run, InputError.exit_code, lines=2)  # first failure's code, one line each
    assert (tmp_path / "out" / "a.json").is_file()
    assert_nothing_complete(tmp_path / "out", "b")
    assert_nothing_complete(tmp_path / "out", "c")


def test_empty_folder(tmp_path):
    (tmp_path / "in").mkdir()
    assert_failed(formcheck("analyze", "in", cwd=tmp_path), InputError.exit_code, says="no videos")


def test_folder_with_a_fifo_video(tmp_path):
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "x.mp4")
    assert_failed(formcheck("analyze", "in", "--out", "out", cwd=tmp_path, timeout=60), InputError.exit_code,
                  says="FIFO")


def test_pickle_never_runs(tmp_path, good_arrays):
    _pickled(tmp_path, good_arrays)
    run = formcheck("analyze", "clip.npz", cwd=tmp_path)
    assert_failed(run, InputError.exit_code)
    assert not (tmp_path / "PICKLE_RAN").exists()


def test_unreadable_file(tmp_path, good_npz):
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 file")
    shutil.copy(good_npz, tmp_path / "clip.npz")
    (tmp_path / "clip.npz").chmod(0)
    assert_failed(formcheck("analyze", "clip.npz", cwd=tmp_path), InputError.exit_code)


assert len(CASES) >= 45 and ConfigError.exit_code == 5
