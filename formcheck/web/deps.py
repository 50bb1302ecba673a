"""Request-scoped pieces the routes share: the app's parts, a database session, the caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from formcheck.web.auth import SESSION_COOKIE, csrf_ok, load_session
from formcheck.web.errors import Forbidden
from formcheck.web.jobs import AppParts
from formcheck.web.models import User, WebSession

CSRF_HEADER = "X-CSRF-Token"


def parts(request: Request) -> AppParts:
    return request.app.state.parts


def db_session(request: Request) -> Iterator[Session]:
    with parts(request).db.session() as s:
        yield s


@dataclass
class Caller:
    user: User
    session: WebSession

    def require_csrf(self, given: str | None) -> None:
        if not csrf_ok(self.session.csrf_token, given):
            raise Forbidden("missing or wrong CSRF token: reload the page and try again")


def caller(request: Request, db: Session = Depends(db_session)) -> Caller:
    user, row = load_session(db, request.cookies.get(SESSION_COOKIE))
    return Caller(user, row)


def caller_csrf(request: Request, who: Caller = Depends(caller)) -> Caller:
    """The caller of a state-changing JSON call: the X-CSRF-Token header must match."""
    who.require_csrf(request.headers.get(CSRF_HEADER))
    return who
