"""Who sees what, against the real server: athletes, coaches, no session, forged requests."""

from __future__ import annotations

import re

import httpx


def test_authorization_matrix(team, short_clip):
    a, b, c1, c2 = (team.client(e) for e in ("a@example.com", "b@example.com", "c1@example.com", "c2@example.com"))
    up = a.upload(short_clip)
    assert up.status_code == 202 and up.json()["status"] == "queued"
    clip_id = up.json()["id"]
    assert len(clip_id) >= 20 and not clip_id.isdigit()
    assert a.wait(clip_id)["status"] == "done"

    missing = b.get("/api/clips/no-such-clip-id-000000")
    assert missing.status_code == 404
    for other in (b, c2):
        assert other.get("/api/clips").json() == []
        for path in (f"/api/clips/{clip_id}", f"/api/clips/{clip_id}/video", f"/clips/{clip_id}"):
            r = other.get(path)
            assert r.status_code == 404, path
        r = other.get(f"/api/clips/{clip_id}")
        assert r.json() == missing.json()  # exactly like a clip that does not exist
        assert other.post(f"/api/clips/{clip_id}/notes", json={"text": "hi", "rep": 1}).status_code == 404
        assert other.post(f"/api/clips/{clip_id}/verdicts", json={"rep": 1, "missed": "neck"}).status_code == 404
    athlete_a = c1.get("/api/clips").json()[0]
    assert athlete_a["id"] == clip_id and athlete_a["athlete"] == "a@example.com"
    a_id = a.get("/api/me").json()["id"]
    assert c2.get(f"/api/athletes/{a_id}/export").status_code == 404
    assert b.get(f"/api/athletes/{a_id}/export").status_code == 404

    # The athlete cannot review their own clip; the coach can, and the athlete sees it.
    assert a.post(f"/api/clips/{clip_id}/notes", json={"text": "self"}).status_code == 403
    assert c1.post(f"/api/clips/{clip_id}/notes", json={"text": "Squeeze at the top", "t_s": 0.5}).status_code == 201
    assert c1.post(f"/api/clips/{clip_id}/verdicts", json={"rep": 1, "missed": "neck"}).status_code == 200
    seen = a.get(f"/api/clips/{clip_id}").json()
    assert [n["text"] for n in seen["notes"]] == ["Squeeze at the top"]
    assert seen["verdicts"][0]["missed"] == "neck"
    export = c1.get(f"/api/athletes/{a_id}/export").json()
    assert export["athlete"] == "a@example.com" and export["clips"][0]["verdicts"][0]["missed"] == "neck"


def test_no_session_and_forged_requests(team):
    anon = httpx.Client(base_url=team.url)
    assert anon.get("/api/clips").status_code == 401
    assert anon.post("/api/clips", files={"file": ("x.mp4", b"x")}).status_code == 401
    page = anon.get("/sets", follow_redirects=True)
    assert page.status_code == 401 and 'action="/login"' in page.text

    a = team.client("a@example.com")
    forged = httpx.Client(base_url=team.url, cookies=a.cookies)  # the cookie, but no CSRF token
    assert forged.post("/api/logout").status_code == 403
    assert forged.post("/api/clips", files={"file": ("x.mp4", b"\0\0\0\x18ftypmp42" + b"\0" * 100)}).status_code == 403
    assert forged.post("/logout", data={"csrf_token": "guess"}).status_code == 403
    assert forged.get("/api/clips").status_code == 200  # the session itself is still good
    # The login form refuses a post without the token it handed out.
    assert anon.post("/login", data={"email": "a@example.com", "password": "correct-horse-42"}).status_code == 403


def test_login_attempts_are_limited(team):
    c = team.client()
    codes = [c.login("a@example.com", "wrong-password").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert c.login("a@example.com").status_code == 429  # even the right password waits
    assert team.client().login("b@example.com").status_code == 200


def test_coach_invite_link_makes_their_athlete_once(team):
    c2 = team.client("c2@example.com")
    assert team.client("a@example.com").post("/api/invites").status_code == 403  # athletes cannot invite
    url = c2.post("/api/invites").json()["url"]
    path = httpx.URL(url).path
    joiner = httpx.Client(base_url=team.url)
    form = joiner.get(path)
    assert form.status_code == 200 and "c2@example.com" in form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    joined = joiner.post(path, data={"email": "new@example.com", "password": "a-long-password", "csrf_token": token})
    assert joined.status_code == 303 and joined.headers["location"] == "/sets"
    assert joiner.get("/api/me").json()["email"] == "new@example.com"
    new_id = joiner.get("/api/me").json()["id"]
    assert c2.get(f"/api/athletes/{new_id}/export").json()["athlete"] == "new@example.com"
    assert team.client("c1@example.com").get(f"/api/athletes/{new_id}/export").status_code == 404
    assert httpx.get(team.url + path).status_code == 404  # used up


def test_review_page_embeds_the_sets_report_or_says_it_is_missing(team, short_clip):
    a, c1 = team.client("a@example.com"), team.client("c1@example.com")
    clip_id = a.upload(short_clip).json()["id"]
    assert a.wait(clip_id)["status"] == "done"
    page = c1.get(f"/clips/{clip_id}")
    assert page.status_code == 200 and page.text.count("data-fcr") >= 1
    assert f'src="/api/clips/{clip_id}/video"' in page.text and 'id="coach"' in page.text
    # A set analysed before the app kept the report's section: the page still serves its
    # video and verdicts, and says why the report is not there.
    (team.data / "files" / "out" / clip_id / "review.fragment.html").unlink()
    page = c1.get(f"/clips/{clip_id}")
    assert page.status_code == 200 and "data-fcr" not in page.text
    assert "analysed before the app kept its full report" in page.text and 'id="coach"' in page.text
