"""Who may see what: an athlete their own clips, a coach their own athletes' clips.

Every clip lookup goes through ``visible_clip``: a clip the caller may not see raises the same
NotFound as one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from formcheck.web.errors import Forbidden, NotFound
from formcheck.web.models import Clip, User


def visible_clips_query(user: User) -> Select:
    q = select(Clip).join(User, Clip.owner_id == User.id)
    if user.role == "coach":
        return q.where(User.coach_id == user.id)
    return q.where(Clip.owner_id == user.id)


def visible_clip(db: Session, user: User, clip_id: str) -> Clip:
    clip = db.scalar(visible_clips_query(user).where(Clip.id == clip_id))
    if clip is None:
        raise NotFound("no such clip")
    return clip


def reviewable_clip(db: Session, user: User, clip_id: str) -> Clip:
    """A clip the caller coaches (notes and verdicts are the coach's)."""
    clip = visible_clip(db, user, clip_id)
    if user.role != "coach":
        raise Forbidden("only the athlete's coach can review this clip")
    return clip


def own_athlete(db: Session, coach: User, athlete_id: str) -> User:
    athlete = db.get(User, athlete_id)
    if coach.role != "coach" or athlete is None or athlete.coach_id != coach.id:
        raise NotFound("no such athlete")
    return athlete


def athletes_of(db: Session, coach: User) -> list[User]:
    return list(db.scalars(select(User).where(User.coach_id == coach.id).order_by(User.email)))


def visible_athlete(db: Session, user: User, athlete_id: str) -> User:
    """An athlete whose progress the caller may see: themself, or one of the coach's athletes."""
    if user.role == "athlete":
        if athlete_id != user.id:
            raise NotFound("no such athlete")
        return user
    return own_athlete(db, user, athlete_id)
