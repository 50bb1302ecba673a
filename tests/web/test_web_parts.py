"""The app's small parts on their own: container sniffing, upload names, storage keys, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.core.errors import NoPersonError, VideoError
from formcheck.web.errors import HTTP_STATUS, NotFound, TooLarge, UnsupportedMedia, http_status
from formcheck.web.storage import LocalStorage
from formcheck.web.upload import display_name, sniff_container

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.parametrize("head, suffix", [
    (SAMPLES.joinpath("slht_fast_descent.mp4").read_bytes()[:64], ".mp4"),
    (b"\0\0\0\x14ftypqt  " + b"\0" * 52, ".mov"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm" + b"\0" * 30, ".webm"),
    (b"\x1aE\xdf\xa3" + b"\0" * 60, ".mkv"),
    (b"RIFF\0\0\0\0AVI LIST" + b"\0" * 48, ".avi"),
    (b"just some text named .mp4, not a video" + b"\0" * 30, None),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 56, None),
    (b"", None),
])
def test_sniff_container_reads_the_bytes_not_the_name(head, suffix):
    assert sniff_container(head) == suffix


@pytest.mark.parametrize("name, shown", [
    ("../../x.mp4", "x.mp4"), ("..\\..\\evil.mov", "evil.mov"), ("/etc/passwd", "passwd"),
    ("set 1.mp4", "set 1.mp4"), ("..", "clip"), ("<script>.mp4", "script.mp4"), ("a" * 300, "a" * 120),
])
def test_display_name_is_a_label_never_a_path(name, shown):
    assert display_name(name) == shown


def test_storage_keys_are_random_and_stay_inside(tmp_path):
    store = LocalStorage(tmp_path)
    keys = {store.new_key("uploads", ".mp4") for _ in range(100)}
    assert len(keys) == 100 and all(k.startswith("uploads/") and k.endswith(".mp4") for k in keys)
    with pytest.raises(ValueError):
        store.local_path("../outside.mp4")
    pending = store.open_write("uploads/a.mp4")
    pending.write(b"abc")
    assert not store.exists("uploads/a.mp4")  # not there until complete
    pending.commit()
    assert store.local_path("uploads/a.mp4").read_bytes() == b"abc"
    half = store.open_write("uploads/b.mp4")
    half.write(b"ab")
    half.discard()
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["a.mp4"]


def test_every_error_maps_to_one_status():
    assert http_status(NotFound("x")) == 404 and http_status(TooLarge("x")) == 413
    assert http_status(UnsupportedMedia("x")) == 415
    assert http_status(NoPersonError("x")) == 422 and http_status(VideoError("x")) == 422
    # More specific classes come before their bases, or they would never be reached.
    for i, (cls, _status) in enumerate(HTTP_STATUS):
        assert not any(issubclass(cls, base) for base, _ in HTTP_STATUS[:i]), cls


@pytest.mark.parametrize("db_url, says", [
    ("nonsense", "not a database URL"),
    ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot open the database"),
])
def test_a_bad_database_url_is_one_line_and_exit_5(tmp_path, db_url, says):
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "formcheck.cli", "users", "add", "x@example.com", "--role", "coach",
                          "--data", str(tmp_path), "--db", db_url, "--password-stdin"],
                         input="long-enough-pw\n", text=True, capture_output=True, timeout=120)
    assert res.returncode == 5 and says in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_compare_page_may_play_videos_from_the_object_store():
    from formcheck.web.pages_compare import allow_store_media

    page = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; media-src 'self' file: blob:\">"
    signed = "http://minio-host:9000/clips/out/x/a.annotated.mp4?X-Amz-Signature=abc"
    assert "media-src 'self' http://minio-host:9000 file:" in allow_store_media(page, signed)
    assert allow_store_media(page, None) == page  # a folder: the app serves the video itself
