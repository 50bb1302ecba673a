"""The JSON API the pages use and scripts can use too. Routes parse, authorize, call, answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from formcheck.core.errors import ConfigError
from formcheck.core.profile import EXERCISES
from formcheck.web import access, auth
from formcheck.web.deps import CSRF_HEADER, Caller, caller, caller_csrf, db_session, parts
from formcheck.web.errors import Conflict, Forbidden, NotAuthenticated, NotFound, TooLarge
from formcheck.web.models import Clip, Keyframe, Note, User, Verdict, utcnow
from formcheck.web.present import athlete_export, clip_detail, clip_summary, keyframe_json, note_json, verdict_json
from formcheck.web.upload import receive_upload, too_large_message

router = APIRouter(prefix="/api")
SIDES = ("auto", "left", "right")
FORM_OVERHEAD_BYTES = 64 * 1024  # multipart headers and the small fields around the file


class LoginIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    rep: int | None = Field(default=None, ge=1, le=1000)
    t_s: float | None = Field(default=None, ge=0, le=36000)


class KeyframeIn(BaseModel):
    t_s: float = Field(ge=0, le=36000)
    title: str = Field(min_length=1, max_length=200)


class VerdictIn(BaseModel):
    rep: int = Field(ge=1, le=1000)
    code: str | None = Field(default=None, max_length=64)
    agree: bool | None = None
    missed: str | None = Field(default=None, max_length=255)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(auth.SESSION_COOKIE, token, max_age=auth.SESSION_DAYS * 86400, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def login_user(request: Request, db: Session, email: str, password: str) -> tuple[str, str, User]:
    """Check the rate limit and the password; the new session's token and CSRF token."""
    limiter: auth.LoginLimiter = request.app.state.login_limiter
    keys = (f"email:{email.strip().lower()}", f"ip:{request.client.host if request.client else '-'}")
    limiter.check(*keys)
    user = auth.check_password(db, email, password)
    if user is None:
        limiter.failed(*keys)
        raise NotAuthenticated("wrong email or password")
    token, row = auth.start_session(db, user)
    db.commit()
    return token, row.csrf_token, user


@router.post("/login")
def api_login(body: LoginIn, request: Request, db: Session = Depends(db_session)) -> JSONResponse:
    token, csrf, user = login_user(request, db, body.email, body.password)
    response = JSONResponse({"csrf_token": csrf, "user": {"id": user.id, "email": user.email, "role": user.role}})
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def api_logout(request: Request, who: Caller = Depends(caller_csrf), db: Session = Depends(db_session)) -> JSONResponse:
    auth.end_session(db, request.cookies.get(auth.SESSION_COOKIE))
    db.commit()
    response = JSONResponse({"ok": True})
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@router.get("/me")
def api_me(who: Caller = Depends(caller)) -> dict:
    return {"id": who.user.id, "email": who.user.email, "role": who.user.role, "csrf_token": who.session.csrf_token}


@router.post("/clips", status_code=202)
async def api_upload(request: Request, who: Caller = Depends(caller), db: Session = Depends(db_session)) -> Response:
    if who.user.role != "athlete":
        raise Forbidden("only athletes upload clips")
    app = parts(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > app.settings.max_upload_bytes + FORM_OVERHEAD_BYTES:
        raise TooLarge(too_large_message(app.settings.max_upload_bytes))
    header = request.headers.get(CSRF_HEADER)
    up = await receive_upload(request.headers.get("content-type", ""), request.stream(), app.storage,
                              app.settings.max_upload_bytes,
                              lambda field: auth.csrf_ok(who.session.csrf_token, header or field))
    exercise, side = up.fields.get("exercise") or "auto", up.fields.get("side") or "auto"
    if exercise not in ("auto", *EXERCISES) or side not in SIDES:
        app.storage.delete(up.key)
        raise ConfigError(f"exercise must be auto or one of {', '.join(EXERCISES)}; side auto, left or right")
    clip = Clip(owner_id=who.user.id, original_name=up.filename, upload_key=up.key, exercise=exercise, side=side)
    db.add(clip)
    db.commit()
    app.queue.enqueue(clip.id)
    if "text/html" in request.headers.get("accept", "") and not header:
        return RedirectResponse(f"/clips/{clip.id}", status_code=303)
    return JSONResponse({"id": clip.id, "status": clip.status}, status_code=202)


@router.get("/clips")
def api_clips(who: Caller = Depends(caller), db: Session = Depends(db_session)) -> list[dict]:
    rows = db.execute(access.visible_clips_query(who.user).add_columns(User).order_by(Clip.created_at.desc()))
    return [clip_summary(clip, owner) for clip, owner in rows]


@router.get("/clips/{clip_id}")
def api_clip(clip_id: str, who: Caller = Depends(caller), db: Session = Depends(db_session)) -> dict:
    return clip_detail(db, access.visible_clip(db, who.user, clip_id))


@router.get("/clips/{clip_id}/video")
def api_video(clip_id: str, request: Request, who: Caller = Depends(caller),
              db: Session = Depends(db_session)) -> Response:
    clip = access.visible_clip(db, who.user, clip_id)
    if clip.status != "done" or not clip.video_key:
        raise NotFound("this clip has no annotated video (yet)")
    signed = parts(request).storage.presigned_url(clip.video_key)
    if signed:  # an object store: a short-lived link, the store answers Range itself
        return RedirectResponse(signed, status_code=307)
    return FileResponse(parts(request).storage.local_path(clip.video_key), media_type="video/mp4")


@router.post("/clips/{clip_id}/rerun", status_code=202)
def api_rerun(clip_id: str, request: Request, who: Caller = Depends(caller_csrf),
              db: Session = Depends(db_session)) -> dict:
    clip = access.visible_clip(db, who.user, clip_id)
    if clip.status != "failed":
        raise Conflict(f"only a failed clip can be run again (this one is {clip.status})")
    clip.status, clip.error, clip.progress, clip.updated_at = "queued", None, 0, utcnow()
    db.commit()
    parts(request).queue.enqueue(clip.id)
    return {"id": clip.id, "status": clip.status}


@router.get("/clips/{clip_id}/notes")
def api_notes(clip_id: str, who: Caller = Depends(caller), db: Session = Depends(db_session)) -> list[dict]:
    return clip_detail(db, access.visible_clip(db, who.user, clip_id))["notes"]


@router.post("/clips/{clip_id}/notes", status_code=201)
def api_add_note(clip_id: str, body: NoteIn, who: Caller = Depends(caller_csrf),
                 db: Session = Depends(db_session)) -> dict:
    clip = access.reviewable_clip(db, who.user, clip_id)
    note = Note(clip_id=clip.id, author_id=who.user.id, rep=body.rep, t_s=body.t_s, text=body.text.strip())
    db.add(note)
    db.commit()
    return note_json(note)


@router.post("/clips/{clip_id}/keyframes", status_code=201)
def api_add_keyframe(clip_id: str, body: KeyframeIn, who: Caller = Depends(caller_csrf),
                     db: Session = Depends(db_session)) -> dict:
    """The coach marks a moment of the set's video (the report video's clock) with a title."""
    clip = access.reviewable_clip(db, who.user, clip_id)
    title = body.title.strip()
    if not title:
        raise ConfigError("a keyframe needs a title")
    row = Keyframe(clip_id=clip.id, author_id=who.user.id, t_s=round(body.t_s, 3), title=title)
    db.add(row)
    db.commit()
    return keyframe_json(row)


@router.delete("/clips/{clip_id}/keyframes/{keyframe_id}")
def api_delete_keyframe(clip_id: str, keyframe_id: str, who: Caller = Depends(caller_csrf),
                        db: Session = Depends(db_session)) -> dict:
    clip = access.visible_clip(db, who.user, clip_id)
    row = db.get(Keyframe, keyframe_id)
    if row is None or row.clip_id != clip.id:
        raise NotFound("no such keyframe")
    if row.author_id != who.user.id:
        raise Forbidden("only the coach who marked a keyframe can delete it")
    db.delete(row)
    db.commit()
    return {"ok": True}


@router.post("/clips/{clip_id}/verdicts")
def api_verdict(clip_id: str, body: VerdictIn, who: Caller = Depends(caller_csrf),
                db: Session = Depends(db_session)) -> dict:
    """Agree/disagree with a flag (``code``), or say what a rep's flags missed (no ``code``)."""
    clip = access.reviewable_clip(db, who.user, clip_id)
    code = body.code or ""
    if code and body.agree is None:
        raise ConfigError("a verdict on a flag says agree true or false")
    row = db.scalar(select(Verdict).where(Verdict.clip_id == clip.id, Verdict.rep == body.rep, Verdict.code == code))
    if row is None:
        row = Verdict(clip_id=clip.id, author_id=who.user.id, rep=body.rep, code=code)
        db.add(row)
    row.agree, row.missed, row.author_id, row.created_at = body.agree, (body.missed or "").strip(), who.user.id, utcnow()
    db.commit()
    return verdict_json(row)


@router.post("/invites", status_code=201)
def api_invite(request: Request, who: Caller = Depends(caller_csrf), db: Session = Depends(db_session)) -> dict:
    if who.user.role != "coach":
        raise Forbidden("only coaches invite athletes")
    token = auth.new_invite(db, who.user)
    db.commit()
    return {"url": str(request.url_for("invite_page", token=token))}


@router.get("/athletes/{athlete_id}/export")
def api_export(athlete_id: str, who: Caller = Depends(caller), db: Session = Depends(db_session)) -> dict:
    return athlete_export(db, access.own_athlete(db, who.user, athlete_id))
