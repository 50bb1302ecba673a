"""The same app on PostgreSQL (`--db URL`): migrations, accounts, a job, notes and access rules."""

from __future__ import annotations

import pytest

from tests.support.servers import PostgresServer

pytestmark = pytest.mark.skipif(not PostgresServer.available(), reason="PostgreSQL not installed")


@pytest.fixture
def postgres():
    pytest.importorskip("psycopg")
    server = PostgresServer().start()
    yield server
    server.close()


def test_app_on_postgresql(make_server, postgres, short_clip):
    server = make_server(db=postgres.url).start()
    server.add_user("c@example.com", "coach")
    server.add_user("a@example.com", "athlete", coach="c@example.com")
    server.add_user("b@example.com", "athlete")
    a, b, c = (server.client(e) for e in ("a@example.com", "b@example.com", "c@example.com"))
    clip_id = a.upload(short_clip).json()["id"]
    assert a.wait(clip_id)["status"] == "done"
    assert c.post(f"/api/clips/{clip_id}/verdicts", json={"rep": 1, "missed": "neck"}).status_code == 200
    assert a.get(f"/api/clips/{clip_id}").json()["verdicts"][0]["missed"] == "neck"
    assert b.get(f"/api/clips/{clip_id}").status_code == 404
    assert not (server.data / "formcheck.db").exists()  # everything went to PostgreSQL
