"""One storage suite, run against the local folder and against an S3 endpoint (moto) alike."""

from __future__ import annotations

import httpx
import pytest

from formcheck.core.errors import ConfigError
from formcheck.web.config import Settings
from formcheck.web.storage import LocalStorage, make_storage


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return make_storage(Settings(data_dir=tmp_path / "data"))
    s3 = request.getfixturevalue("s3_server")
    return make_storage(Settings(data_dir=tmp_path / "data", storage_url=f"s3://fc-suite-{tmp_path.name[-8:].lower().replace('_', '-')}/team-a",
                                 s3_endpoint_url=s3.endpoint_url))


def _put(store, key: str, data: bytes) -> None:
    pending = store.open_write(key)
    pending.write(data[:3])
    pending.write(data[3:])
    assert pending.size_bytes == len(data)
    pending.commit()


def test_a_written_file_appears_whole_and_reads_back(store):
    key = store.new_key("uploads", ".mp4")
    assert key.startswith("uploads/") and key.endswith(".mp4") and not store.exists(key)
    _put(store, key, b"0123456789" * 1000)
    assert store.exists(key)
    assert store.local_path(key).read_bytes() == b"0123456789" * 1000


def test_releasing_a_local_copy_keeps_the_stored_object(store):
    """A worker drops its copy of an upload after the job; the store itself keeps the object."""
    key = store.new_key("uploads", ".mp4")
    _put(store, key, b"abc" * 100)
    copy = store.local_path(key)
    store.release(key)
    assert store.exists(key)
    assert copy.exists() is isinstance(store, LocalStorage)  # an object store's copy is gone; a folder is the store
    assert store.local_path(key).read_bytes() == b"abc" * 100  # fetched again when needed


def test_a_discarded_write_leaves_nothing(store):
    key = store.new_key("uploads", ".mp4")
    pending = store.open_write(key)
    pending.write(b"half a video")
    pending.discard()
    assert not store.exists(key)


def test_a_job_writes_the_same_keys_every_run(store):
    keys = []
    for run in range(2):
        folder = store.work_dir("clip123")
        (folder / "set.json").write_text(f'{{"run": {run}}}')
        store.publish("clip123")
        keys.append(store.key_for(folder / "set.json"))
    assert keys[0] == keys[1] == "out/clip123/set.json"
    assert store.exists("out/clip123/set.json")
    assert store.local_path("out/clip123/set.json").read_text() == '{"run": 1}'  # the second run's


def test_delete_removes_a_job_folder(store):
    folder = store.work_dir("clip9")
    (folder / "a.json").write_text("{}")
    store.publish("clip9")
    assert store.exists("out/clip9/a.json")
    store.delete("out/clip9")
    assert not store.exists("out/clip9/a.json")


def test_keys_cannot_leave_the_store(store):
    with pytest.raises(ValueError):
        store.open_write("../outside.mp4")


def test_the_video_link_is_signed_and_short_lived_or_served_by_the_app(store):
    key = "out/clip1/set.annotated.mp4"
    _put(store, key, bytes(range(256)) * 40)
    url = store.presigned_url(key)
    if url is None:  # the local folder: the app serves the file itself (with Range)
        assert store.local_path(key).stat().st_size == 10240
        return
    assert "X-Amz-Expires=300" in url and "X-Amz-Signature=" in url
    part = httpx.get(url, headers={"Range": "bytes=10-19"}, timeout=30)
    assert part.status_code == 206 and part.content == bytes(range(10, 20))
    assert httpx.get(url.split("?", 1)[0], timeout=30).status_code == 403  # no public bucket


def test_a_storage_url_that_is_not_a_bucket_is_a_one_line_config_error(tmp_path):
    with pytest.raises(ConfigError, match="s3://BUCKET"):
        make_storage(Settings(data_dir=tmp_path, storage_url="s3://"))


def test_links_are_signed_for_the_name_browsers_use(tmp_path, s3_server):
    store = make_storage(Settings(data_dir=tmp_path, storage_url="s3://fc-public-name",
                                  s3_endpoint_url=s3_server.endpoint_url, s3_public_url="https://files.example.org"))
    _put(store, "out/c/v.mp4", b"x" * 10)  # through the servers' own endpoint
    assert store.presigned_url("out/c/v.mp4").startswith("https://files.example.org/fc-public-name/out/c/v.mp4?")


def test_the_review_page_reads_a_rerun_jobs_page_not_an_old_copy(store, tmp_path):
    """A job run again on another worker rewrites its stored page: the server sees the new one."""
    from formcheck.web.review import FRAGMENT_NAME, read_fragment

    if isinstance(store, LocalStorage):
        server = LocalStorage(store.root)  # a shared folder
    else:  # the server's own cache of the same bucket, as on another machine
        server = make_storage(Settings(data_dir=tmp_path / "server", storage_url=f"s3://{store.bucket}/{store.prefix}",
                                       s3_endpoint_url=store.client.meta.endpoint_url))
    assert read_fragment(server, "clip1") is None
    for text in ("<section>first run</section>", "<section>second run</section>"):
        (store.work_dir("clip1") / FRAGMENT_NAME).write_text(text)
        store.publish("clip1")
        assert read_fragment(server, "clip1") == text
