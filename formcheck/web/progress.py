"""An athlete's progress: per-set summaries stored when a job finishes, read back as series.

The progress page must not open every report, so each finished set leaves one ``set_sides`` row
per side it worked (means over its counted reps). The same ``side_rows`` fills the rows at job
end and in the migration's backfill of older sets.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from formcheck.web.models import Clip, SetSide

# The measures the page charts: column, title, unit, decimals, the least span a chart's axis shows
# (a flat series reads as flat, not as noise blown up to fill the chart).
MEASURES: tuple[tuple[str, str, str, int, float], ...] = (
    ("peak_hip_deg", "Peak hip extension", "deg", 0, 6.0),
    ("knee_top_deg", "Knee at the top", "deg", 0, 6.0),
    ("hold_s", "Top hold", "s", 1, 0.6),
    ("descent_s", "Descent", "s", 1, 0.6),
    ("faults_per_rep", "Faults per rep", "per rep", 2, 1.0),
)


def _mean(values: list) -> float | None:
    ok = [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    return round(fmean(ok), 3) if ok else None


def side_rows(clip_id: str, owner_id: str, recorded_at: datetime, report_json: str | dict) -> list[dict]:
    """One summary per side of a finished set's report (counted reps only; none: no row)."""
    report = json.loads(report_json) if isinstance(report_json, str) else report_json
    reps = [r for r in report.get("reps", []) if r.get("counted", True)]
    rows = []
    for side in sorted({str(r.get("side", "both")) for r in reps}):
        mine = [r for r in reps if str(r.get("side", "both")) == side]
        rows.append({
            "clip_id": clip_id, "side": side, "owner_id": owner_id,
            "exercise": str(report.get("exercise", "")), "recorded_at": recorded_at, "reps": len(mine),
            "peak_hip_deg": _mean([r.get("peak_hip_extension_deg") for r in mine]),
            "knee_top_deg": _mean([r.get("knee_at_top_deg") for r in mine]),
            "hold_s": _mean([r.get("hold_s") for r in mine]),
            "descent_s": _mean([r.get("eccentric_s") for r in mine]),
            "faults": sum(len(r.get("faults", [])) for r in mine)})
    return rows


def store_side_rows(db: Session, clip: Clip) -> None:
    """Replace a clip's summaries (a job run twice leaves one set of rows)."""
    db.execute(delete(SetSide).where(SetSide.clip_id == clip.id))
    if clip.report_json:
        for row in side_rows(clip.id, clip.owner_id, clip.created_at, clip.report_json):
            db.add(SetSide(**row))


@dataclass
class Point:
    """One set on one side: what a chart point shows and where it leads."""

    clip_id: str
    recorded_at: datetime
    reps: int
    values: dict[str, float | None]

    @property
    def href(self) -> str:
        return f"/clips/{self.clip_id}"


@dataclass
class Group:
    """The sets of one exercise on one side, oldest first."""

    exercise: str
    side: str
    points: list[Point] = field(default_factory=list)


@dataclass
class AsymmetryPoint:
    """Left minus right peak hip extension on one day both sides were worked."""

    day: str
    left_deg: float
    right_deg: float
    href: str

    @property
    def diff_deg(self) -> float:
        return round(self.left_deg - self.right_deg, 1)


def _point(row: SetSide) -> Point:
    values = {m: getattr(row, m) for m, *_ in MEASURES if m != "faults_per_rep"}
    values["faults_per_rep"] = round(row.faults / row.reps, 3) if row.reps else None
    return Point(row.clip_id, row.recorded_at, row.reps, values)


def athlete_groups(db: Session, athlete_id: str) -> list[Group]:
    """Every (exercise, side) the athlete has finished sets of, each a time series of sets."""
    rows = db.scalars(select(SetSide).where(SetSide.owner_id == athlete_id)
                      .order_by(SetSide.exercise, SetSide.side, SetSide.recorded_at, SetSide.clip_id))
    groups: dict[tuple[str, str], Group] = {}
    for row in rows:
        groups.setdefault((row.exercise, row.side), Group(row.exercise, row.side)).points.append(_point(row))
    return list(groups.values())


def asymmetry(groups: list[Group], exercise: str) -> list[AsymmetryPoint]:
    """Per day with both legs worked: left minus right peak hip, rep-weighted, linked to a compare."""
    by_side = {g.side: g for g in groups if g.exercise == exercise}
    if "left" not in by_side or "right" not in by_side:
        return []

    def per_day(group: Group) -> dict[str, list[Point]]:
        days: dict[str, list[Point]] = {}
        for p in group.points:
            if p.values["peak_hip_deg"] is not None:
                days.setdefault(p.recorded_at.date().isoformat(), []).append(p)
        return days

    left, right = per_day(by_side["left"]), per_day(by_side["right"])
    out = []
    for day in sorted(left.keys() & right.keys()):
        lp, rp = left[day], right[day]
        a, b = lp[-1].clip_id, rp[-1].clip_id
        href = f"/compare?a={a}&sides=1" if a == b else f"/compare?a={a}&b={b}"
        out.append(AsymmetryPoint(day, _weighted(lp), _weighted(rp), href))
    return out


def _weighted(points: list[Point]) -> float:
    total = sum(p.reps for p in points)
    return sum(p.values["peak_hip_deg"] * p.reps for p in points) / total
