"""Compare in the app: two sets the caller may see (or one set's left leg against its right),
lined up rep by rep by the compare page of ``formcheck/outputs/html/compare.py``.

``/compare`` is the app's page: a set picker, then the compare page's section (its style and
script in the app page, as the review page embeds the set's report); ``/compare/view`` is the
same comparison as a page of its own; ``/compare/export`` the same page as one file to download,
the two annotated videos inside it (no request to any host, printable). All are built from the two stored reports, their
per-frame tables (the CSV the job stored beside the video) and the coach's keyframes, with the
app's video route.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from formcheck.core.errors import FormcheckError, InputError
from formcheck.core.report import SetReport, read_frames_csv
from formcheck.outputs.html.compare import (CompareSide, Keymark, compare_assets, render_compare_html,
                                             video_data_uri, video_time_of)
from formcheck.web import access
from formcheck.web.deps import Caller, caller, db_session, parts
from formcheck.web.errors import Conflict, TooLarge, http_status
from formcheck.web.models import Clip, Keyframe, SetSide, User
from formcheck.web.pages import render
from formcheck.web.review import video_url as app_video_url

router = APIRouter()
PICKER_LIMIT = 200  # the newest finished sets offered in each picker
EXPORT_MAX_BYTES = 100 * 1024 * 1024  # both videos inside one file: past this a browser struggles


def _frames_key(video_key: str) -> str:
    """The per-frame CSV the analysis wrote beside the annotated video (same stem)."""
    for suffix in (".annotated.mp4", ".annotated.webm"):
        if video_key.endswith(suffix):
            return video_key[: -len(suffix)] + ".csv"
    return video_key.rsplit(".", 1)[0] + ".csv"


def _stored_report(request: Request, clip: Clip) -> SetReport:
    if clip.status != "done" or not clip.report_json or not clip.video_key:
        raise Conflict(f"{clip.original_name} has no finished analysis with a video to compare yet")
    storage = parts(request).storage
    key = _frames_key(clip.video_key)
    if not storage.exists(key):
        raise Conflict(f"{clip.original_name} was analysed before the app kept its per-frame table: "
                       "it cannot be lined up")
    try:
        frames = read_frames_csv(storage.local_path(key))
    finally:
        storage.release(key)  # as the review page's section: never a stale local copy of a re-run
    return SetReport.from_dict(json.loads(clip.report_json), frames)


def _keymarks(db: Session, clip: Clip, report: SetReport) -> tuple[Keymark, ...]:
    """The coach's keyframes, from the video's clock (where they were marked) to the report's."""
    rows = list(db.scalars(select(Keyframe).where(Keyframe.clip_id == clip.id).order_by(Keyframe.t_s)))
    if not rows:
        return ()
    t = np.asarray(report.frames_table["t_s"], dtype=float)
    _fps, clock = video_time_of(report)
    on_video = np.asarray(clock(t), dtype=float)
    return tuple(Keymark(float(np.interp(k.t_s, on_video, t)), k.title) for k in rows)


def _video_inline(request: Request, clip: Clip, budget: list[int]) -> str:
    """The clip's annotated video as a data URI (the export carries its videos inside)."""
    storage = parts(request).storage
    try:
        path = storage.local_path(clip.video_key)
        budget[0] -= path.stat().st_size
        if budget[0] < 0:
            raise TooLarge(f"the two videos are over {EXPORT_MAX_BYTES // (1024 * 1024)} MB together: "
                           "too large for one file; use the page of its own")
        return video_data_uri(path)
    finally:
        storage.release(clip.video_key)


def compare_html(db: Session, request: Request, user: User, a: str, b: str, sides: bool, fragment: bool,
                 inline_videos: bool = False) -> str:
    """The compare page (or its section alone) for A against B, or for A's left reps against its right.
    ``inline_videos``: the videos inside the page (the export), not the app's video route."""
    clip_a = access.visible_clip(db, user, a)
    clip_b = None if sides else access.visible_clip(db, user, b)  # both looked up before any work
    opts = {"fragment": True, "inline_assets": False} if fragment else {}
    budget = [EXPORT_MAX_BYTES]

    def video_url(clip: Clip) -> str:
        return _video_inline(request, clip, budget) if inline_videos else app_video_url(clip.id)

    report_a = _stored_report(request, clip_a)
    marks_a = _keymarks(db, clip_a, report_a)
    name_a = clip_a.original_name
    if sides:
        left = tuple(r for r in report_a.reps if r.side == "left")
        right = tuple(r for r in report_a.reps if r.side == "right")
        if not left or not right:
            raise InputError(f"{name_a}: left against right needs reps on both legs "
                             f"(left {len(left)}, right {len(right)})")
        # One video on both sides: its keyframes once, on the left.
        one = video_url(clip_a)
        return render_compare_html(CompareSide(report_a, "L", one, left, marks_a, name_a),
                                   CompareSide(report_a, "R", one, right, (), name_a),
                                   same_side=False, title=f"{name_a}: left leg against right", **opts)
    report_b = _stored_report(request, clip_b)
    if report_a.exercise != report_b.exercise:
        words = [r.exercise.replace("-", " ") for r in (report_a, report_b)]
        raise InputError(f"A is a {words[0]} set, B a {words[1]} set: compare two sets of one exercise")
    return render_compare_html(
        CompareSide(report_a, "A", video_url(clip_a), (), marks_a, name_a),
        CompareSide(report_b, "B", video_url(clip_b), (), _keymarks(db, clip_b, report_b), clip_b.original_name),
        **opts)


def _choices(db: Session, user: User) -> list[dict]:
    """The newest finished sets the caller may see, named by athlete, date and recognised exercise."""
    rows = list(db.execute(access.visible_clips_query(user).add_columns(User.email).where(Clip.status == "done")
                           .order_by(Clip.created_at.desc()).limit(PICKER_LIMIT)))
    ids = [c.id for c, _ in rows]
    pairs = db.execute(select(SetSide.clip_id, SetSide.exercise).where(SetSide.clip_id.in_(ids))) if ids else []
    recognised = {clip_id: exercise for clip_id, exercise in pairs}
    who = (lambda email: f"{email.split('@')[0]} · ") if user.role == "coach" else (lambda _email: "")
    return [{"id": c.id, "label": f"{who(email)}{c.created_at:%m-%d %H:%M} · {c.original_name} · "
                                  f"{recognised.get(c.id, c.exercise).replace('-', ' ')}"} for c, email in rows]


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, a: str = "", b: str = "", sides: bool = False, who: Caller = Depends(caller),
                 db: Session = Depends(db_session)) -> HTMLResponse:
    """The set picker and, once two sets (or one for left against right) are chosen, the comparison.
    A choice that cannot be compared keeps the picker and says why, with the error's status."""
    for clip_id in (a, b if not sides else ""):
        if clip_id:
            access.visible_clip(db, who.user, clip_id)  # a set the caller may not see: 404 here too
    section, error, status = "", "", 200
    if a and (b or sides):
        try:
            section = compare_html(db, request, who.user, a, b, sides, fragment=True)
        except FormcheckError as exc:
            error, status = str(exc), http_status(exc)
    query = f"a={a}&b={b}&sides={'1' if sides else '0'}"
    view = f"/compare/view?{query}" if section else ""
    export = f"/compare/export?{query}" if section else ""
    return render(request, "compare.html", status=status, who=who, choices=_choices(db, who.user), a=a, b=b,
                  sides=sides, section=section, error=error, view=view, export=export,
                  assets=compare_assets() if section else None)


@router.get("/compare/view", response_class=HTMLResponse)
def compare_view(request: Request, a: str, b: str = "", sides: bool = False, who: Caller = Depends(caller),
                 db: Session = Depends(db_session)) -> HTMLResponse:
    page = compare_html(db, request, who.user, a, b, sides, fragment=False)
    return HTMLResponse(allow_store_media(page, parts(request).storage.presigned_url("probe")))


def allow_store_media(page: str, signed_url: str | None) -> str:
    """With an object store the video route redirects to the store: the page's content security
    policy (media from its own origin only) must name the store's origin too, or nothing plays."""
    if not signed_url:
        return page
    url = urlsplit(signed_url)
    return page.replace("media-src 'self'", f"media-src 'self' {url.scheme}://{url.netloc}", 1)


@router.get("/compare/export")
def compare_export(request: Request, a: str, b: str = "", sides: bool = False, who: Caller = Depends(caller),
                   db: Session = Depends(db_session)) -> Response:
    """The comparison as one file to keep or send: page, style, script and both videos inside."""
    page = compare_html(db, request, who.user, a, b, sides, fragment=False, inline_videos=True)
    name = f"compare-{a[:8]}-{'sides' if sides else b[:8]}.html"
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
