"""The HTML pages (Jinja2). They read the same rows as the API; the review page's buttons call it."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from formcheck.core.profile import EXERCISES
from formcheck.web import access, auth
from formcheck.web.api import login_user, set_session_cookie
from formcheck.web.deps import Caller, caller, db_session
from formcheck.core.errors import FormcheckError
from formcheck.web.errors import Forbidden, NotAuthenticated, NotFound, RateLimited
from formcheck.web.models import Clip, User, utcnow
from formcheck.web.present import clip_detail, clip_summary
from formcheck.web.review import read_fragment, report_assets

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
LOGIN_CSRF_COOKIE = "fc_login_csrf"
RECENT_PER_ATHLETE = 5


def render(request: Request, name: str, status: int = 200, who: Caller | None = None, **ctx: object) -> HTMLResponse:
    ctx.update(user=who.user if who else None, csrf=who.session.csrf_token if who else "")
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


def _login_form(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status=status, error=error, login_csrf=token,
                      next=request.query_params.get("next", ""))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _login_form(request, status=401 if request.query_params.get("next") else 200)


@router.post("/login")
def login_post(request: Request, email: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
               next: str = Form(""), db: Session = Depends(db_session)) -> Response:
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        return _login_form(request, "The form expired: please sign in again.", status=403)
    try:
        token, _csrf, _user = login_user(request, db, email, password)
    except (NotAuthenticated, RateLimited) as exc:
        return _login_form(request, str(exc), status=429 if isinstance(exc, RateLimited) else 401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout_post(request: Request, csrf_token: str = Form(""), who: Caller = Depends(caller),
                db: Session = Depends(db_session)) -> Response:
    who.require_csrf(csrf_token)
    auth.end_session(db, request.cookies.get(auth.SESSION_COOKIE))
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(who: Caller = Depends(caller)) -> Response:
    return RedirectResponse("/roster" if who.user.role == "coach" else "/sets", status_code=303)


@router.get("/sets", response_class=HTMLResponse)
def sets_page(request: Request, who: Caller = Depends(caller), db: Session = Depends(db_session)) -> HTMLResponse:
    clips = db.scalars(access.visible_clips_query(who.user).order_by(Clip.created_at.desc()))
    return render(request, "sets.html", who=who, clips=[clip_summary(c) for c in clips])


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, who: Caller = Depends(caller)) -> HTMLResponse:
    if who.user.role != "athlete":
        raise Forbidden("only athletes upload clips")
    limit_mb = request.app.state.parts.settings.max_upload_bytes // 2**20
    return render(request, "upload.html", who=who, exercises=EXERCISES, limit_mb=limit_mb)


@router.get("/roster", response_class=HTMLResponse)
def roster_page(request: Request, who: Caller = Depends(caller), db: Session = Depends(db_session)) -> HTMLResponse:
    if who.user.role != "coach":
        raise Forbidden("the roster is the coach's page")
    seen = who.user.roster_seen_at
    rows = []
    for athlete in access.athletes_of(db, who.user):
        clips = list(db.scalars(select(Clip).where(Clip.owner_id == athlete.id)
                                .order_by(Clip.created_at.desc()).limit(RECENT_PER_ATHLETE)))
        new = [c.id for c in clips if seen is None or c.created_at > seen]
        rows.append({"athlete": athlete, "clips": [clip_summary(c) for c in clips], "new": set(new)})
    rows.sort(key=lambda r: -len(r["new"]))
    response = render(request, "roster.html", who=who, rows=rows, seen=seen)
    db.get(User, who.user.id).roster_seen_at = utcnow()
    db.commit()
    return response


@router.get("/clips/{clip_id}", response_class=HTMLResponse)
def review_page(clip_id: str, request: Request, who: Caller = Depends(caller),
                db: Session = Depends(db_session)) -> HTMLResponse:
    clip = access.visible_clip(db, who.user, clip_id)
    owner = db.get(User, clip.owner_id)
    fragment = read_fragment(request.app.state.parts.storage, clip.id) if clip.status == "done" else None
    return render(request, "review.html", who=who, clip=clip_detail(db, clip), athlete=owner,
                  is_coach=who.user.role == "coach", fragment=fragment,
                  assets=report_assets() if fragment else None)


@router.get("/invite/{token}", response_class=HTMLResponse, name="invite_page")
def invite_page(token: str, request: Request, db: Session = Depends(db_session)) -> HTMLResponse:
    invite = auth.find_invite(db, token)
    if invite is None:
        raise NotFound("this invite link is used up or expired: ask your coach for a new one")
    coach = db.get(User, invite.coach_id)
    return _invite_form(request, token, coach.email if coach else "")


def _invite_form(request: Request, token: str, coach_email: str, error: str = "", status: int = 200) -> HTMLResponse:
    csrf = secrets.token_urlsafe(24)
    response = render(request, "invite.html", status=status, token=token, coach_email=coach_email,
                      error=error, login_csrf=csrf)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/invite")
    return response


@router.post("/invite/{token}")
def invite_post(token: str, request: Request, email: str = Form(""), password: str = Form(""),
                csrf_token: str = Form(""), db: Session = Depends(db_session)) -> Response:
    invite = auth.find_invite(db, token)
    if invite is None:
        raise NotFound("this invite link is used up or expired: ask your coach for a new one")
    coach = db.get(User, invite.coach_id)
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        return _invite_form(request, token, coach.email, "The form expired: please try again.", 403)
    try:
        user = auth.add_user(db, email, password, "athlete", coach=coach)
    except FormcheckError as exc:
        return _invite_form(request, token, coach.email, str(exc), 400)
    invite.used_by = user.id
    session_token, _ = auth.start_session(db, user)
    db.commit()
    response = RedirectResponse("/sets", status_code=303)
    set_session_cookie(request, response, session_token)
    return response
