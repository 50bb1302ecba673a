"""Progress pages and keyframes against the real server: who sees what, the one-file export, and
the migration that adds their tables (up, down, up again, backfilling older finished sets)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, inspect, select, text

from test_web_postgres import postgres  # noqa: F401 - the fixture
from tests.support.servers import PostgresServer
from webapp import fake_report, seed_sets

T0 = datetime(2026, 9, 1, 9, 0)


def _seed(team, email: str = "a@example.com") -> list[str]:
    sets = [{"report": fake_report("single-leg-hip-thrust", "left" if i % 2 == 0 else "right", 5, 150 + i, faults=i % 2),
             "at": T0 + timedelta(days=i // 2, hours=i % 2)} for i in range(6)]
    sets.append({"report": fake_report("hip-thrust", "both", 8, 160.0), "at": T0 + timedelta(days=5)})
    return seed_sets(team.data, email, sets)


def _points(page: str) -> list[list[str]]:
    """The clip ids each chart's points link to, chart by chart."""
    return [re.findall(r'<a class="pt" href="/(?:clips/|compare\?a=)([^"&]+)', svg)
            for svg in re.findall(r"<svg.*?</svg>", page, re.S)]


def test_progress_pages_show_each_set_once_to_those_who_may_see_it(team):
    ids = _seed(team)
    a, b, c1, c2, d = (team.client(e) for e in ("a@example.com", "b@example.com", "c1@example.com",
                                                 "c2@example.com", "d@example.com"))
    a_id = a.get("/api/me").json()["id"]
    for path in (f"/athletes/{a_id}/progress", f"/athletes/{a_id}/progress.html"):
        for who, status in ((a, 200), (c1, 200), (b, 404), (c2, 404), (d, 404)):
            assert who.get(path).status_code == status, (path, status)
        anon = httpx.get(team.url + path)
        assert anon.status_code == 303 and anon.headers["location"].startswith("/login")
    assert b.get("/athletes/no-such-athlete/progress").text == b.get(f"/athletes/{a_id}/progress").text
    assert a.get("/progress").headers["location"] == f"/athletes/{a_id}/progress"

    page = c1.get(f"/athletes/{a_id}/progress").text
    charts = _points(page)
    left, right, both = ids[0:6:2], ids[1:6:2], ids[6:]
    # Five measures per exercise and side, oldest first; then the left-right line (3 days).
    assert charts[:5] == [both] * 5 and charts[5:10] == [left] * 5 and charts[10:15] == [right] * 5
    assert len(charts) == 16 and charts[15] == left and "left − right" in page  # each day's left set ...
    assert re.findall(r'compare\?a=[^&]+&amp;b=([^"]+)"', page) == right  # ... against its right set
    assert "Single leg hip thrust · left leg" in page and "Hip thrust" in page

    export = a.get(f"/athletes/{a_id}/progress.html")
    assert export.headers["content-disposition"].startswith("attachment;")
    body = export.text
    assert "<script" not in body and "<link" not in body and " src=" not in body
    assert "default-src 'none'" in body and "@media print" in body
    hrefs = re.findall(r'href="([^"]+)"', body)
    assert hrefs and all(h.startswith((team.url + "/clips/", team.url + "/compare?")) for h in hrefs)  # the app only
    assert sum(len(c) for c in _points(body.replace(team.url, ""))) == sum(len(c) for c in charts)


def test_keyframes_are_the_coachs_and_deleted_only_by_their_author(team):
    clip_id = _seed(team)[0]
    a, b, c1, c2 = (team.client(e) for e in ("a@example.com", "b@example.com", "c1@example.com", "c2@example.com"))
    path = f"/api/clips/{clip_id}/keyframes"
    body = {"t_s": 1.25, "title": "Lockout, rep 1"}
    assert a.post(path, json=body).status_code == 403  # the athlete sees it but does not mark it
    for other in (b, c2):
        assert other.post(path, json=body).status_code == 404
    forged = httpx.Client(base_url=team.url, cookies=c1.cookies)
    assert forged.post(path, json=body).status_code == 403  # no CSRF token
    assert c1.post(path, json={"t_s": -1, "title": "x"}).status_code == 422
    assert c1.post(path, json={"t_s": 1, "title": "   "}).status_code == 400
    made = c1.post(path, json=body)
    assert made.status_code == 201
    kf = made.json()
    assert a.get(f"/api/clips/{clip_id}").json()["keyframes"] == [kf]
    assert "Lockout, rep 1" in a.get(f"/clips/{clip_id}").text
    gone = f"{path}/{kf['id']}"
    assert c2.delete(gone).status_code == 404 and b.delete(gone).status_code == 404
    assert a.delete(gone).status_code == 403  # visible to the athlete, not theirs to delete
    assert forged.delete(gone).status_code == 403
    assert c1.delete(gone).status_code == 200
    assert c1.delete(gone).status_code == 404
    assert c1.get(f"/api/clips/{clip_id}").json()["keyframes"] == []


def _alembic(url: str, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from formcheck.web.db import MIGRATIONS

    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'f.db'}"
    if not PostgresServer.available():
        pytest.skip("PostgreSQL not installed")
    return request.getfixturevalue("postgres").url


def test_migration_adds_tables_backfills_done_sets_and_goes_back(db_url):
    url = db_url
    _alembic(url, "upgrade", "0002")
    engine = create_engine(url)
    report = fake_report("single-leg-hip-thrust", "left", 4, 155.0, faults=2)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, role, password_hash, created_at) "
                          "VALUES ('u1', 'a@x', 'athlete', 'h', '2026-09-01 09:00:00')"))
        for cid, status in (("done1", "done"), ("fail1", "failed")):
            conn.execute(text("INSERT INTO clips (id, owner_id, original_name, upload_key, exercise, side, status, "
                              "progress, report_json, attempts, runs_done, created_at, updated_at) VALUES "
                              "(:id, 'u1', 'x.mp4', 'k', 'auto', 'auto', :st, 100, :rj, 1, 1, "
                              "'2026-09-01 09:00:00', '2026-09-01 09:00:00')"),
                         {"id": cid, "st": status, "rj": json.dumps(report) if status == "done" else None})
    _alembic(url, "upgrade", "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT clip_id, side, reps, peak_hip_deg, faults FROM set_sides")).all()
    assert [tuple(r) for r in rows] == [("done1", "left", 4, pytest.approx(155.0 - 0.25), 2)]
    assert {"set_sides", "keyframes"} <= set(inspect(engine).get_table_names())
    _alembic(url, "downgrade", "0002")
    assert not {"set_sides", "keyframes"} & set(inspect(create_engine(url)).get_table_names())
    _alembic(url, "upgrade", "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM set_sides")).scalar() == 1


def test_compare_routes_answer_404_for_sets_the_caller_may_not_see(team):
    a_sets = _seed(team)
    d_set = seed_sets(team.data, "d@example.com", [{"report": fake_report("hip-thrust", "both", 5, 160.0), "at": T0}])[0]
    a, b, c1, c2 = (team.client(e) for e in ("a@example.com", "b@example.com", "c1@example.com", "c2@example.com"))
    x, y = a_sets[0], a_sets[1]
    for who, status in ((a, 409), (c1, 409), (b, 404), (c2, 404)):  # seeded sets: no video to line up
        for path in (f"/compare?a={x}&b={y}", f"/compare?a={x}&sides=1"):
            r = who.get(path)
            assert r.status_code == status
            assert ("Cannot compare these" in r.text) == (status == 409)  # the picker stays, with the reason
    assert a.get(f"/compare?a={x}").status_code == 200  # A chosen, B not yet: the picker
    for who in (b, c2):
        for path in (f"/compare/view?a={x}&b={y}", f"/compare/view?a={x}&sides=1", f"/compare/export?a={x}&b={y}",
                     f"/compare/export?a={x}&sides=1"):
            assert who.get(path).status_code == 404
    assert c1.get(f"/compare/export?a={x}&b={d_set}").status_code == 404  # another coach's athlete
    r = c1.get(f"/compare/export?a={x}&b={y}")  # visible, no video: a plain 409, nothing to download
    assert r.status_code == 409 and "attachment" not in r.headers.get("content-disposition", "")
    assert c1.get(f"/compare/view?a={x}&b={d_set}").status_code == 404  # another coach's athlete
    assert c2.get(f"/compare/view?a={d_set}&b={x}").status_code == 404
    # Seeded sets have no video: visible, but nothing to line up (a plain 409, not a traceback).
    r = c1.get(f"/compare/view?a={x}&b={y}")
    assert r.status_code == 409 and "no finished analysis with a video" in r.text
    picker = c1.get("/compare").text
    assert all(c in picker for c in a_sets) and d_set not in picker
    assert httpx.get(f"{team.url}/compare/view?a={x}&b={y}").status_code == 303  # no session: sign in
