"""Uploads and jobs against the real server: bad files, a killed server, 20 uploads at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from webapp import SAMPLES, stored_files


def _clip_rows(data) -> list[tuple]:
    with sqlite3.connect(data / "formcheck.db") as db:
        return db.execute("SELECT id, status, attempts, runs_done, report_json IS NOT NULL FROM clips").fetchall()


def _athlete(server):
    """A coach and their athlete on ``server``; the athlete's signed-in client."""
    server.add_user("c@example.com", "coach")
    server.add_user("a@example.com", "athlete", coach="c@example.com")
    return server.client("a@example.com")


def _job_under_way(server):
    """A whole sample uploaded and its analysis past 10 %: the moment to kill something."""
    a = _athlete(server)
    clip_id = a.upload(SAMPLES / "slht_fast_descent.mp4").json()["id"]
    deadline = time.monotonic() + 120
    while a.get(f"/api/clips/{clip_id}").json()["progress"] < 10:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.2)
    return a, clip_id


BOUNDARY = "fcboundary1234"


def _chunked_form(payload: bytes):
    """A multipart body sent in chunks with no Content-Length (as a phone may stream it)."""
    yield f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n\r\n".encode()
    for i in range(0, len(payload), 256 * 1024):
        yield payload[i:i + 256 * 1024]
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_bad_uploads_answer_plainly_and_leave_nothing(make_server, short_clip, empty_scene_clip):
    server = make_server(max_upload_mb=1).start()
    a = _athlete(server)
    sample = (SAMPLES / "slht_fast_descent.mp4").read_bytes()

    text = a.upload(name="notes.mp4", data=b"just some text, not a video\n" * 20)
    assert text.status_code == 415 and "not a video" in text.json()["error"]
    empty = a.upload(name="empty.mp4", data=b"")
    assert empty.status_code == 400 and "empty" in empty.json()["error"]
    big = a.upload(name="big.mp4", data=sample[:64] + b"\0" * (2 * 2**20))
    assert big.status_code == 413 and "1 MB" in big.json()["error"]  # refused from its declared length
    streamed = a.post("/api/clips", content=_chunked_form(sample[:64] + b"\0" * (2 * 2**20)),
                      headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert streamed.status_code == 413  # no length declared: stopped at the limit while streaming
    assert stored_files(server.data) == [] and _clip_rows(server.data) == []  # nothing queued or kept

    truncated = a.upload(name="../../x.mp4", data=sample[: len(sample) // 3])
    nobody = a.upload(empty_scene_clip)
    assert truncated.status_code == nobody.status_code == 202
    bad_cut, no_person = a.wait(truncated.json()["id"]), a.wait(nobody.json()["id"])
    # As with `formcheck analyze`: the frames before the cut are analysed, and the report says so.
    assert bad_cut["status"] == "done" and bad_cut["report"]["frames"]["total"] < 100
    assert any(w.startswith("x.mp4: decoding stopped") and "truncated" in w for w in bad_cut["report"]["warnings"])
    assert no_person["status"] == "failed" and "person" in no_person["error"] and no_person["report"] is None
    assert bad_cut["name"] == "x.mp4"
    assert not list(server.data.parent.glob("x.mp4")) and all(".." not in str(p) for p in stored_files(server.data))
    assert a.get(f"/api/clips/{no_person['id']}/video").status_code == 404

    # A failed job keeps its upload and runs again on request; the server still serves.
    again = a.post(f"/api/clips/{no_person['id']}/rerun")
    assert again.status_code == 202
    assert a.wait(no_person["id"])["error"] == no_person["error"]
    good = a.upload(short_clip)
    assert a.wait(good.json()["id"])["status"] == "done"


def test_sigkill_mid_job_then_restart_finishes_it(make_server):
    server = make_server().start()
    a, clip_id = _job_under_way(server)
    server.kill()
    assert _clip_rows(server.data)[0][1] == "running"
    time.sleep(1.5)  # its worker is gone too (parent-death signal): nothing finishes it meanwhile
    assert _clip_rows(server.data)[0][1] == "running"

    server.start()
    a = server.client("a@example.com")
    done = a.wait(clip_id)
    assert done["status"] == "done" and done["report"]["rep_count"] == 3
    (row,) = _clip_rows(server.data)
    assert row[2:] == (2, 1, 1)  # claimed twice (before and after the kill), finished once


def test_a_worker_killed_mid_job_is_replaced_and_the_job_runs_again(make_server):
    server = make_server().start()
    a, clip_id = _job_under_way(server)
    with sqlite3.connect(server.data / "formcheck.db") as db:
        (worker,) = db.execute("SELECT worker FROM clips").fetchone()
    os.kill(int(worker.rsplit(":", 1)[1]), signal.SIGKILL)
    done = a.wait(clip_id)
    assert done["status"] == "done" and done["report"]["rep_count"] == 3
    assert _clip_rows(server.data)[0][2:] == (2, 1, 1)
    assert a.get("/healthz").status_code == 200


def test_twenty_uploads_at_once_each_analysed_exactly_once(make_server, short_clip):
    server = make_server().start()
    cookies_csrf = _athlete(server)

    def upload(i: int) -> str:
        with httpx.Client(base_url=server.url, cookies=cookies_csrf.cookies, timeout=60) as c:
            r = c.post("/api/clips", files={"file": (f"set{i}.mp4", short_clip.read_bytes(), "video/mp4")},
                       headers={"X-CSRF-Token": cookies_csrf.csrf})
            assert r.status_code == 202, r.text
            return r.json()["id"]

    with ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(upload, range(20)))
    assert len(set(ids)) == 20
    for clip_id in ids:
        assert cookies_csrf.wait(clip_id, timeout_s=600)["status"] == "done"
    rows = _clip_rows(server.data)
    assert len(rows) == 20 and {r[1:] for r in rows} == {("done", 1, 1, 1)}
    uploads = [p for p in stored_files(server.data) if p.parent.name == "uploads"]
    assert len(uploads) == 20
    listed = cookies_csrf.get("/api/clips").json()
    assert sorted(c["name"] for c in listed) == sorted(f"set{i}.mp4" for i in range(20))
