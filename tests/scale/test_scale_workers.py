"""Two worker processes on one Redis queue, PostgreSQL and an S3 store: nothing lost, nothing twice."""

from __future__ import annotations

import re
import shutil

import httpx


def test_two_workers_share_twenty_uploaded_clips_each_done_exactly_once(cluster, tiny_clip):
    cluster.start_server()
    workers = [cluster.start_worker("worker-a"), cluster.start_worker("worker-b")]
    client = cluster.athlete_client()
    ids = [cluster.upload(client, tiny_clip, f"set-{i:02d}.mp4") for i in range(20)]
    assert len(set(ids)) == 20

    rows = cluster.wait_finished(ids, timeout_s=900)
    assert all(w.poll() is None for w in workers), cluster.logs()
    assert {r["status"] for r in rows.values()} == {"done"}, rows
    assert all(r["attempts"] == 1 and r["runs_done"] == 1 and r["has_report"] for r in rows.values()), rows
    # Each clip's outputs are in the bucket under its own id, one JSON report each.
    for clip_id in ids:
        reports = [k for k in cluster.objects(f"out/{clip_id}/") if k.endswith(".json")]
        assert len(reports) == 1, reports
    # Both workers took part (they log each job they start).
    logs = [(cluster.tmp / f"{n}.log").read_text() for n in ("worker-a", "worker-b")]
    assert all(re.search(r"Executing \S*analyze_clip", log) for log in logs), cluster.logs()


def test_the_browser_gets_the_video_through_a_short_lived_signed_link(cluster, tiny_clip):
    cluster.start_server()
    cluster.start_worker("worker-a")
    client = cluster.athlete_client()
    clip_id = cluster.upload(client, tiny_clip, "one.mp4")
    cluster.wait_finished([clip_id], timeout_s=300)

    r = client.get(f"/api/clips/{clip_id}/video", follow_redirects=False)
    assert r.status_code == 307
    signed = r.headers["location"]
    assert signed.startswith(cluster.s3.endpoint_url) and "X-Amz-Expires=300" in signed
    part = httpx.get(signed, headers={"Range": "bytes=0-99"}, timeout=30)
    assert part.status_code == 206 and len(part.content) == 100
    # The bucket itself is private: the same object without a signature is refused.
    plain = signed.split("?", 1)[0]
    assert httpx.get(plain, timeout=30).status_code == 403
    # The review page embeds the set's HTML report, stored in the bucket by the worker, playing
    # the app's video route and naming the athlete's own file.
    assert f"out/{clip_id}/review.fragment.html" in cluster.objects(f"out/{clip_id}/")
    page = client.get(f"/clips/{clip_id}")
    assert page.status_code == 200 and "data-fcr" in page.text
    assert f'class="fcr-video" controls preload="metadata" playsinline src="/api/clips/{clip_id}/video"' in page.text
    assert '<p class="fcr-source">one.mp4</p>' in page.text


def test_submit_queues_a_folder_and_prints_progress_a_table_and_the_index(cluster, tiny_clip, tmp_path):
    cluster.start_worker("worker-a")
    folder = tmp_path / "sets"
    folder.mkdir()
    for name in ("monday.mp4", "tuesday set.mp4"):
        shutil.copy(tiny_clip, folder / name)
    (folder / "broken.mp4").write_bytes(tiny_clip.read_bytes()[:3000])  # an mp4 header, no video
    (folder / "notes.txt").write_text("not a video")

    out = tmp_path / "results"
    res = cluster.formcheck("submit", str(folder), *cluster.args(tmp_path / "submit-data"),
                            "--out", str(out), "--timeout-min", "10", timeout_s=900)
    # One clip cannot be analysed: the exit code says so, the others' results are all there.
    assert res.returncode == 2, res.stderr + cluster.logs()
    assert "queued 3 clip(s)" in res.stderr and "3/3 finished: 2 done, 1 failed" in res.stderr
    table = res.stdout.splitlines()
    assert table[0].split() == ["clip", "status", "reps", "flags", "note"]
    assert [line.split()[:2] for line in table[2:5]] == [["broken.mp4", "failed"], ["monday.mp4", "done"],
                                                          ["tuesday", "set.mp4"]]
    index = out / "index.html"
    assert f"summary page: {index}" in res.stdout
    # The HTML report's index: a row per analysed clip linking its page, the failure named below.
    page = index.read_text()
    assert "2 sets" in page and 'href="monday.html"' in page and 'href="tuesday_set.html"' in page
    assert "Not analysed" in page and "broken.mp4" in page
    assert sorted(p.name for p in out.glob("*.json")) == ["monday.json", "tuesday_set.json"]
    # Each clip's page plays its own copy of the annotated video and names the athlete's file,
    # not the random name it was stored under.
    for stem, shown in (("monday", "monday.mp4"), ("tuesday_set", "tuesday set.mp4")):
        clip_page = (out / f"{stem}.html").read_text()
        assert f'src="{stem}.annotated.mp4"' in clip_page and f'<p class="fcr-source">{shown}</p>' in clip_page
        assert (out / f"{stem}.annotated.mp4").stat().st_size > 1000
        assert not re.search(r"[0-9a-f]{32}", clip_page)
    # The worker's copies of the uploads left its disk once each job was done.
    cache = tmp_path / "worker-a-data" / "s3-cache"
    assert not [p for p in cache.rglob("uploads/*") if p.is_file()], list(cache.rglob("*"))


def test_submit_refuses_a_missing_folder_or_an_empty_one_in_one_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "empty").mkdir()
    for folder, message in ((tmp_path / "nope", "not a folder"), (tmp_path / "empty", "no videos")):
        res = subprocess.run([sys.executable, "-m", "formcheck.cli", "submit", str(folder), "--data", str(tmp_path / "d"),
                              "--queue", "redis://127.0.0.1:1/0"], capture_output=True, text=True, timeout=120)
        assert res.returncode == 2, res.stderr
        assert res.stderr.startswith("formcheck: error: ") and message in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
