"""Plain-text set summary for the terminal (reads only the SetReport)."""

from __future__ import annotations

import math

from formcheck.core.report import SetReport
from formcheck.core.vocab import VIEW_WORDS, Severity


def _num(v: float, fmt: str = "{:.0f}") -> str:
    return "-" if v is None or not math.isfinite(v) else fmt.format(v)


def format_summary(report: SetReport) -> str:
    title = report.exercise.replace("-", " ")  # as Exercise.words, for any name a report may carry
    how = "recognised" if report.exercise_source == "auto" else "as given"
    lines = [
        f"{report.source or 'set'}: {title} ({how}), camera {VIEW_WORDS.get(report.view, report.view)}",
    ]
    by_side = report.reps_by_side
    sides = ", ".join(f"{k} {v}" for k, v in sorted(by_side.items())) if by_side else "none"
    lines.append(f"Reps: {report.rep_count} ({sides})"
                 + (f"; {len(report.partials)} partial (not counted)" if report.partials else ""))
    if report.reps:
        lines.append("")
        lines.append(f"{'rep':>3}  {'side':<5} {'top s':>6} {'hip':>5} {'knee':>5} {'hold s':>6} "
                     f"{'up s':>5} {'down s':>6}  faults")
        for r in report.reps:
            faults = "; ".join(f"{f.code}{' (warn)' if f.severity == Severity.WARN else ''}" for f in r.faults) or "ok"
            lines.append(
                f"{r.index:>3}  {r.side:<5} {_num(r.top_s, '{:.1f}'):>6} {_num(r.peak_hip_extension_deg):>5} "
                f"{_num(r.knee_at_top_deg):>5} {_num(r.hold_s, '{:.1f}'):>6} {_num(r.concentric_s, '{:.1f}'):>5} "
                f"{_num(r.eccentric_s, '{:.1f}'):>6}  {faults}"
            )
        cues: dict[str, str] = {}
        for r in report.reps:
            for f in r.faults:
                cues.setdefault(f.code, f.cue)
        if cues:
            lines.append("")
            lines.append("What to fix:")
            for code, cue in cues.items():
                n = sum(1 for r in report.reps if any(f.code == code for f in r.faults))
                lines.append(f"  - {cue} ({code}, {n} of {report.rep_count} reps)")
    if report.not_assessed:
        lines.append("")
        lines.append("Not judged from this video:")
        by_reason: dict[str, list[str]] = {}
        for na in report.not_assessed:
            by_reason.setdefault(na.reason, []).append(na.code)
        for reason, codes in by_reason.items():
            lines.append(f"  - {', '.join(codes)}: {reason}")
        for advice in report.camera_advice:
            lines.append(f"  Next time: {advice}")
    if report.warnings:
        lines.append("")
        for w in report.warnings:
            lines.append(f"Note: {w}")
    return "\n".join(lines)
