"""The app's errors (part of the one formcheck hierarchy) and their HTTP statuses, in one place."""

from __future__ import annotations

from formcheck.core.errors import (ConfigError, FormcheckError, InputError, ModelError, NoPersonError,
                                   VideoError)


class WebError(FormcheckError):
    """An app request that cannot be served; ``str()`` is the message the client sees."""


class NotAuthenticated(WebError):
    """No session, or an expired one."""


class Forbidden(WebError):
    """Signed in, but this role may not do this (CSRF refused, an athlete posting a verdict)."""


class NotFound(WebError):
    """Missing, or not the caller's to see: the two answer alike."""


class TooLarge(WebError):
    """An upload over the size limit."""


class UnsupportedMedia(WebError):
    """An upload whose bytes are not a video container we read."""


class RateLimited(WebError):
    """Too many failed logins."""


class Unavailable(WebError):
    """A part the app needs (the database) cannot be reached right now: try again shortly."""


class Conflict(WebError):
    """The request clashes with the current state (an email taken, a re-run of a running job)."""


# Most specific first: the first class an error is an instance of gives its status.
HTTP_STATUS: tuple[tuple[type[FormcheckError], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TooLarge, 413),
    (UnsupportedMedia, 415),
    (RateLimited, 429),
    (Unavailable, 503),
    (NoPersonError, 422),
    (VideoError, 422),
    (ConfigError, 400),
    (InputError, 400),
    (ModelError, 503),
    (FormcheckError, 400),
)


def http_status(exc: FormcheckError) -> int:
    for cls, status in HTTP_STATUS:
        if isinstance(exc, cls):
            return status
    return 500
