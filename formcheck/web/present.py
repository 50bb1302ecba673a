"""Rows as JSON: the API's answers, the export, and what the page templates read."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from formcheck.web.models import Clip, Keyframe, Note, User, Verdict


def _iso(t: Any) -> str | None:
    return t.isoformat(timespec="seconds") + "Z" if t else None


def report_of(clip: Clip) -> dict | None:
    return json.loads(clip.report_json) if clip.status == "done" and clip.report_json else None


def clip_summary(clip: Clip, owner: User | None = None) -> dict:
    """One line of a list: what the athlete's sets page and the roster show."""
    report = report_of(clip) or {}
    reps = [r for r in report.get("reps", []) if r.get("counted", True)]
    faults = sorted({f["code"] for r in reps for f in r.get("faults", [])})
    return {"id": clip.id, "name": clip.original_name, "status": clip.status, "progress": clip.progress,
            "error": clip.error, "created_at": _iso(clip.created_at),
            "exercise": report.get("exercise", clip.exercise), "reps": len(reps) if report else None,
            "faults": faults, "athlete": owner.email if owner else None}


def note_json(n: Note) -> dict:
    return {"id": n.id, "rep": n.rep, "t_s": n.t_s, "text": n.text, "created_at": _iso(n.created_at)}


def keyframe_json(k: Keyframe) -> dict:
    return {"id": k.id, "t_s": k.t_s, "title": k.title, "author_id": k.author_id, "created_at": _iso(k.created_at)}


def verdict_json(v: Verdict) -> dict:
    return {"rep": v.rep, "code": v.code or None, "agree": v.agree, "missed": v.missed or None,
            "created_at": _iso(v.created_at)}


def clip_detail(db: Session, clip: Clip) -> dict:
    notes = db.scalars(select(Note).where(Note.clip_id == clip.id).order_by(Note.t_s, Note.created_at))
    verdicts = db.scalars(select(Verdict).where(Verdict.clip_id == clip.id).order_by(Verdict.rep, Verdict.code))
    keyframes = db.scalars(select(Keyframe).where(Keyframe.clip_id == clip.id).order_by(Keyframe.t_s))
    return {"id": clip.id, "status": clip.status, "progress": clip.progress, "error": clip.error,
            "report": report_of(clip), "name": clip.original_name, "exercise": clip.exercise, "created_at": _iso(clip.created_at),
            "has_video": bool(clip.video_key), "notes": [note_json(n) for n in notes],
            "verdicts": [verdict_json(v) for v in verdicts], "keyframes": [keyframe_json(k) for k in keyframes]}


def athlete_export(db: Session, athlete: User) -> dict:
    """Every set of one athlete with the coach's corrections: labelled data for the rules."""
    clips = db.scalars(select(Clip).where(Clip.owner_id == athlete.id).order_by(Clip.created_at))
    return {"athlete": athlete.email, "clips": [clip_detail(db, c) for c in clips]}
