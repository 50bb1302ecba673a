"""The progress pages: an athlete's sets over time as charts, and the same as one HTML file."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from formcheck.web import access
from formcheck.web.deps import Caller, caller, db_session
from formcheck.web.models import utcnow
from formcheck.web.pages import render, templates
from formcheck.web.progress import MEASURES, Group, asymmetry, athlete_groups
from formcheck.web.progress_chart import ChartPoint, series_svg

router = APIRouter()
STATIC = Path(__file__).resolve().parent / "static"


def _title(exercise: str) -> str:
    return exercise.replace("-", " ").capitalize()


def _fmt(value: float | None, decimals: int) -> str:
    return "–" if value is None else f"{value:.{decimals}f}"


def _group_view(group: Group, base: str) -> dict:
    charts = []
    for name, title, unit, decimals, min_span in MEASURES:
        pts = [ChartPoint(p.recorded_at.strftime("%m-%d"), p.values[name], base + p.href,
                          f"{p.recorded_at:%Y-%m-%d %H:%M} UTC · {_fmt(p.values[name], decimals)} {unit} · "
                          f"{p.reps} reps") for p in group.points]
        css = "s-fault" if name == "faults_per_rep" else "s-hip"
        floor = 0.0 if name == "faults_per_rep" else None
        charts.append({"title": title, "unit": unit, "svg": series_svg(pts, unit, css, min_span, floor=floor),
                       "last": _fmt(group.points[-1].values[name], decimals)})
    side = "" if group.side == "both" else f" · {group.side} leg"
    return {"title": _title(group.exercise) + side, "sets": len(group.points), "charts": charts,
            "first": f"{group.points[0].recorded_at:%Y-%m-%d}", "last": f"{group.points[-1].recorded_at:%Y-%m-%d}"}


def progress_view(db: Session, athlete_id: str, base: str = "") -> list[dict]:
    """The page's sections: each exercise and side, then each exercise's left/right asymmetry."""
    groups = athlete_groups(db, athlete_id)
    sections = [_group_view(g, base) for g in groups]
    for exercise in dict.fromkeys(g.exercise for g in groups):
        points = asymmetry(groups, exercise)
        if not points:
            continue
        chart = [ChartPoint(p.day[5:], p.diff_deg, base + p.href,
                            f"{p.day} · left {p.left_deg:.0f}° − right {p.right_deg:.0f}° = {p.diff_deg:+.1f}°")
                 for p in points]
        sections.append({"title": f"{_title(exercise)} · left − right", "sets": len(points), "asymmetry": True,
                         "first": points[0].day, "last": points[-1].day,
                         "charts": [{"title": "Peak hip extension, left minus right", "unit": "deg",
                                     "svg": series_svg(chart, "deg", "s-asym", 6.0, zero_line=True),
                                     "last": f"{points[-1].diff_deg:+.1f}"}]})
    return sections


@router.get("/progress")
def my_progress(who: Caller = Depends(caller)) -> Response:
    target = f"/athletes/{who.user.id}/progress" if who.user.role == "athlete" else "/roster"
    return RedirectResponse(target, status_code=303)


@router.get("/athletes/{athlete_id}/progress", response_class=HTMLResponse)
def progress_page(athlete_id: str, request: Request, who: Caller = Depends(caller),
                  db: Session = Depends(db_session)) -> HTMLResponse:
    athlete = access.visible_athlete(db, who.user, athlete_id)
    return render(request, "progress.html", who=who, athlete=athlete, sections=progress_view(db, athlete.id))


@router.get("/athletes/{athlete_id}/progress.html")
def progress_export(athlete_id: str, request: Request, who: Caller = Depends(caller),
                    db: Session = Depends(db_session)) -> Response:
    """The progress page as one file: styles inside, no script, links back to the app's sets."""
    athlete = access.visible_athlete(db, who.user, athlete_id)
    base = str(request.base_url).rstrip("/")
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    body = templates.get_template("progress_export.html").render(
        athlete=athlete, sections=progress_view(db, athlete.id, base), css=css, base=base,
        exported=f"{utcnow():%Y-%m-%d %H:%M}")
    name = athlete.email.split("@")[0].replace('"', "") or "athlete"
    return HTMLResponse(body, headers={"Content-Disposition": f'attachment; filename="progress-{name}.html"'})
