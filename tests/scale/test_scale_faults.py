"""Faults for real: a worker SIGKILLed mid-job, Redis restarted mid-queue, PostgreSQL restarted."""

from __future__ import annotations

import signal
import time


def _wait_status(cluster, clip_id: str, status: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while cluster.rows([clip_id]).get(clip_id, {}).get("status") != status:
        assert time.monotonic() < deadline, f"{clip_id} never {status}\n" + cluster.logs()
        time.sleep(0.2)


def test_a_worker_killed_mid_job_its_job_is_finished_by_the_other_with_one_report(cluster, tiny_clip):
    cluster.start_server()
    first = cluster.start_worker("worker-a")
    client = cluster.athlete_client()
    clip_id = cluster.upload(client, tiny_clip, "killed.mp4")
    _wait_status(cluster, clip_id, "running", timeout_s=300)
    cluster.start_worker("worker-b")
    first.send_signal(signal.SIGKILL)
    first.wait(10)

    row = cluster.wait_finished([clip_id], timeout_s=300)[clip_id]
    assert row["status"] == "done" and row["has_report"], row
    assert row["attempts"] == 2 and row["runs_done"] == 1, row  # claimed twice, finished once
    reports = [k for k in cluster.objects(f"out/{clip_id}/") if k.endswith(".json")]
    assert len(reports) == 1, reports
    assert "queued again" in cluster.logs()


def test_restarting_redis_and_postgres_loses_no_job_and_the_server_answers_503_meanwhile(cluster, tiny_clip):
    cluster.start_server()
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    client = cluster.athlete_client()
    ids = [cluster.upload(client, tiny_clip, f"before-{i}.mp4") for i in range(4)]
    cluster.redis.restart()  # mid-queue: most of the four are still waiting

    cluster.wait_finished(ids, timeout_s=600)
    cluster.pg.stop()  # between jobs
    try:
        api = client.get("/api/clips")
        assert api.status_code == 503, api.text
        assert api.json() == {"error": "the database is unavailable right now; try again in a moment"}
        sets = client.get("/sets", headers={"accept": "text/html"})
        assert sets.status_code == 503 and "Traceback" not in sets.text
        assert "database is unavailable" in sets.text
    finally:
        cluster.pg.start()
    ids += [cluster.upload(client, tiny_clip, f"after-{i}.mp4") for i in range(2)]

    rows = cluster.wait_finished(ids, timeout_s=600)
    assert {r["status"] for r in rows.values()} == {"done"}, rows
    assert all(r["runs_done"] >= 1 and r["has_report"] for r in rows.values())
    for clip_id in ids:
        assert len([k for k in cluster.objects(f"out/{clip_id}/") if k.endswith(".json")]) == 1
