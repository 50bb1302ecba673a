"""The reaper and the heart-beat on the embedded parts (SQLite database, SQLite huey queue):
a job whose worker vanished runs again, and fails after its worker vanished MAX_ATTEMPTS times."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

pytest.importorskip("sqlalchemy")
from formcheck.web.config import Settings  # noqa: E402 - after the skip
from formcheck.web.jobs import CRASHED, MAX_ATTEMPTS, build_parts, release_dead_worker, worker_id  # noqa: E402
from formcheck.web.liveness import heartbeat, reap_stale  # noqa: E402
from formcheck.web.models import Clip, User, utcnow  # noqa: E402


@pytest.fixture
def parts(tmp_path):
    return build_parts(Settings(data_dir=tmp_path / "data"))


def _running(parts, attempts: int, age_s: float, worker: str = "gone-host:1") -> str:
    """A clip row as a worker leaves it: running, last touched ``age_s`` ago."""
    with parts.db.session() as s:
        user = s.query(User).first()
        if user is None:
            user = User(email="a@example.org", role="athlete", password_hash="!")
            s.add(user)
            s.flush()
        clip = Clip(owner_id=user.id, original_name="set.mp4", upload_key="uploads/x.mp4", status="running",
                    attempts=attempts, worker=worker, updated_at=utcnow() - timedelta(seconds=age_s))
        s.add(clip)
        s.commit()
        return clip.id


def _row(parts, clip_id: str) -> Clip:
    with parts.db.session() as s:
        return s.get(Clip, clip_id)


def test_a_stale_job_is_queued_again_then_fails_after_max_attempts(parts):
    fresh = _running(parts, attempts=1, age_s=1)
    once = _running(parts, attempts=1, age_s=120)
    twice = _running(parts, attempts=MAX_ATTEMPTS, age_s=120)
    before = parts.queue.pending()

    assert reap_stale(parts, stale_s=30) == 1
    assert _row(parts, fresh).status == "running"  # still heart-beating: left alone
    again = _row(parts, once)
    assert (again.status, again.error, again.progress) == ("queued", None, 0)
    gone = _row(parts, twice)
    assert (gone.status, gone.error) == ("failed", CRASHED)
    assert parts.queue.pending() == before + 1  # only the retried job is delivered again
    # A second pass finds nothing: each stale row is reaped once.
    assert reap_stale(parts, stale_s=30) == 0 and parts.queue.pending() == before + 1


def test_a_dead_supervised_worker_releases_its_job_then_fails_it(parts):
    me = worker_id(4242)
    first = _running(parts, attempts=1, age_s=0, worker=me)
    last = _running(parts, attempts=MAX_ATTEMPTS, age_s=0, worker=me)
    other = _running(parts, attempts=1, age_s=0, worker=worker_id(4243))
    assert release_dead_worker(parts, 4242) == [first]
    assert _row(parts, first).status == "queued"
    assert (_row(parts, last).status, _row(parts, last).error) == ("failed", CRASHED)
    assert _row(parts, other).status == "running"  # another worker's job is not touched


def test_the_heartbeat_keeps_a_long_job_fresh(parts):
    clip_id = _running(parts, attempts=1, age_s=120)
    with heartbeat(parts, clip_id, every_s=0.05):
        time.sleep(0.5)
        assert reap_stale(parts, stale_s=30) == 0
    assert _row(parts, clip_id).status == "running"
