"""Accounts: argon2 password hashes, server-side sessions, CSRF tokens, a login rate limit.

The session cookie carries a random token; the database keeps only its SHA-256, so a leaked
database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from formcheck.core.errors import ConfigError
from formcheck.web.errors import Conflict, NotAuthenticated, RateLimited
from formcheck.web.models import ROLES, Invite, User, WebSession, utcnow

SESSION_COOKIE = "fc_session"
SESSION_DAYS = 14
INVITE_DAYS = 7
MIN_PASSWORD_CHARS = 8

_hasher = PasswordHasher()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"password too short: at least {MIN_PASSWORD_CHARS} characters")
    return _hasher.hash(password)


def add_user(db: Session, email: str, password: str, role: str, coach: User | None = None) -> User:
    """Create an account (the `users add` command and invite links both end here)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise ConfigError(f"not an email address: {email!r}")
    if role not in ROLES:
        raise ConfigError(f"role must be one of {', '.join(ROLES)}")
    if coach is not None and (role != "athlete" or coach.role != "coach"):
        raise ConfigError("only an athlete has a coach, and the coach must have the coach role")
    if db.scalar(select(User).where(User.email == email)):
        raise Conflict(f"a user with email {email} exists already")
    user = User(email=email, role=role, password_hash=hash_password(password),
                coach_id=coach.id if coach else None)
    db.add(user)
    db.flush()
    return user


def check_password(db: Session, email: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        if user is not None and _hasher.verify(user.password_hash, password):
            return user
    except (VerificationError, InvalidHashError):
        pass
    if user is None:
        _hasher.hash(password)  # spend the same time as a wrong password: no user enumeration
    return None


def start_session(db: Session, user: User) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                     expires_at=utcnow() + timedelta(days=SESSION_DAYS))
    db.add(row)
    return token, row


def load_session(db: Session, token: str | None) -> tuple[User, WebSession]:
    if not token:
        raise NotAuthenticated("sign in first")
    row = db.get(WebSession, _digest(token))
    if row is None or row.expires_at < utcnow():
        raise NotAuthenticated("your session has ended: sign in again")
    user = db.get(User, row.user_id)
    if user is None:
        raise NotAuthenticated("sign in first")
    return user, row


def end_session(db: Session, token: str | None) -> None:
    if token:
        row = db.get(WebSession, _digest(token))
        if row is not None:
            db.delete(row)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def new_invite(db: Session, coach: User) -> str:
    token = secrets.token_urlsafe(24)
    db.add(Invite(token_hash=_digest(token), coach_id=coach.id,
                  expires_at=utcnow() + timedelta(days=INVITE_DAYS)))
    return token


def find_invite(db: Session, token: str) -> Invite | None:
    invite = db.get(Invite, _digest(token))
    if invite is None or invite.used_by or invite.expires_at < utcnow():
        return None
    return invite


class LoginLimiter:
    """Failed logins in the last ``window_s``: at most ``per_email`` for one account and
    ``per_address`` from one client address (several people may share an address)."""

    def __init__(self, per_email: int = 5, per_address: int = 30, window_s: float = 300.0) -> None:
        self.limits = {"email": per_email, "ip": per_address}
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def check(self, *keys: str) -> None:
        """Keys are "email:..." or "ip:..."; raises RateLimited when one is over its limit."""
        now = time.monotonic()
        with self._lock:
            if any(len(self._recent(k, now)) >= self.limits[k.split(":", 1)[0]] for k in keys):
                raise RateLimited("too many failed sign-ins: wait a few minutes and try again")

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)
