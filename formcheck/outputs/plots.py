"""Angle-over-time plot of a set (matplotlib, Agg backend), from ``SetReport.frames_table``.

No thresholds live here: horizontal target lines come from the thresholds carried by the
report's faults, or from a ``targets_deg`` mapping the caller passes (e.g. the profile's
``{"hip_top": 180, "hip_min_top": 165}``). Matplotlib is imported lazily so that importing
formcheck never pulls it in.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from formcheck.core.atomic import atomic_open
from formcheck.core.errors import InputError
from formcheck.core.report import Fault, SetReport
from formcheck.core.view import view_family
from formcheck.core.vocab import END_ON_FAMILIES, Severity, Side, ViewFamily

__all__ = ["plot_angles", "plotted_series", "PLOT_SIZE_IN", "PLOT_DPI"]

PLOT_SIZE_IN = (14.0, 8.5)
PLOT_DPI = 100  # a 1400 x 850 px PNG

# Which plotted series a fault code's measured value and threshold belong to. A mapping of names,
# not of numbers: a fault whose code is not here is still marked, on the hip panel's top edge.
_FAULT_SERIES = {
    "incomplete_hip_extension": "hip_deg",
    "back_hyperextension": "hip_deg",
    "neck_hyperextension": "neck_deg",
    "foot_placement": "knee_deg",
    "unlevel_hips": "pelvis_deg",
}
_SERIES_STYLE = {  # column: (label, colour)
    "hip_deg": ("hip extension", "#1f5fbf"),
    "knee_deg": ("knee", "#d9730d"),
    "neck_deg": ("neck", "#7b3fb5"),
    "pelvis_deg": ("pelvis tilt", "#8d6e63"),
}
_SIDE_SHORT = {Side.LEFT: "L", Side.RIGHT: "R", Side.BOTH: "both"}
_TARGET_COLOUR = "#2e7d32"
_FAULT_COLOUR = "#c0392b"
_WARN_COLOUR = "#e67e22"


def _column(table: dict, name: str, n: int) -> np.ndarray | None:
    """A numeric column, or None when it is missing, the wrong length or holds nothing finite."""
    if name not in table:
        return None
    try:
        col = np.asarray(table[name], dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if col.shape != (n,) or not np.any(np.isfinite(col)):
        return None
    return col


def _series_for_target(key: str) -> str | None:
    """Which panel series a ``targets_deg`` key belongs to, by its prefix ("hip_top" -> hip)."""
    for prefix, col in (("hip", "hip_deg"), ("knee", "knee_deg"), ("neck", "neck_deg"), ("pelvis", "pelvis_deg")):
        if key.startswith(prefix):
            return col
    return None


def _target_lines(report: SetReport, targets_deg: dict[str, float] | None) -> list[tuple[str, float, str, str]]:
    """(column, value, label, kind) for every horizontal line; kind: "target", "fault" or "warn"."""
    lines: list[tuple[str, float, str, str]] = []
    seen: set[tuple[str, float]] = set()
    for key, value in (targets_deg or {}).items():
        col = _series_for_target(key)
        if col is None or value is None or not math.isfinite(float(value)):
            continue
        seen.add((col, round(float(value), 3)))
        lines.append((col, float(value), key.replace("_", " "), "target"))
    for rep in (*report.reps, *report.partials):
        for f in rep.faults:
            col = _FAULT_SERIES.get(f.code)
            if col is None or f.unit != "deg" or not math.isfinite(float(f.threshold)):
                continue
            k = (col, round(float(f.threshold), 3))
            if k in seen:
                continue
            seen.add(k)
            kind = "fault" if f.severity == "fault" else "warn"
            lines.append((col, float(f.threshold), f"{f.code} {f.severity}", kind))
    return lines


def _value_at(t: np.ndarray, y: np.ndarray, t0: float) -> float:
    ok = np.isfinite(t) & np.isfinite(y)
    if not np.any(ok):
        return float("nan")
    return float(np.interp(t0, t[ok], y[ok]))


def plotted_series(report: SetReport) -> tuple[dict[str, np.ndarray | None], np.ndarray | None]:
    """The angle columns to plot, and the hips' lift when it replaces them.

    From the feet or the head the angles point at the camera (20-65 deg off on rendered clips) and
    none is judged: the plot shows the signal the reps were counted on instead, and no angle at
    all, so that nothing on the page reads as a verdict.
    """
    table = report.frames_table or {}
    n = np.asarray(table.get("t_s", ()), dtype=np.float64).size
    lift = _column(table, "hip_lift_sw", n)
    if view_family(report.view) in END_ON_FAMILIES and lift is not None:
        return {name: None for name in _SERIES_STYLE}, lift
    return {name: _column(table, name, n) for name in _SERIES_STYLE}, None


def plot_angles(report: SetReport, path: str | Path, *, targets_deg: dict[str, float] | None = None) -> Path:
    """Write a PNG of the set's angles over time; return its path.

    Top panel: hip extension with each counted rep shaded and labelled (index and side), partial
    reps hatched, each rep's top marked, fault markers with their code, and horizontal lines from
    ``targets_deg`` and the faults' thresholds. Bottom panel: knee and neck (and pelvis tilt when
    present). The file is written atomically (temporary file, then rename).

    Raises ``InputError`` when the report has no per-frame table or no ``t_s`` column.
    """
    table = report.frames_table or {}
    if not table or "t_s" not in table:
        raise InputError("this report carries no per-frame table with a t_s column: nothing to plot")
    t = np.asarray(table["t_s"], dtype=np.float64)
    if t.ndim != 1:
        raise InputError(f"frames_table['t_s'] must be one-dimensional, got shape {t.shape}")
    n = t.size
    cols, lift = plotted_series(report)

    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        # Headless by default. If the caller already uses pyplot, leave its backend alone:
        # switching would close the caller's open figures, and we never need pyplot anyway.
        matplotlib.use("Agg")
    from matplotlib.figure import Figure  # Figure, not pyplot: no global state, nothing to close

    fig = Figure(figsize=PLOT_SIZE_IN, dpi=PLOT_DPI, layout="constrained")
    ax_hip, ax_low = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    for ax in (ax_hip, ax_low):
        ax.tick_params(labelsize=13)
        ax.grid(True, alpha=0.3)

    _title(fig, report)

    legend_extra = _shade_reps(ax_hip, ax_low, report)

    hip = _draw_series(ax_hip, ax_low, report, t, cols, lift)

    _target_and_threshold_lines(ax_hip, ax_low, report, targets_deg, cols)

    ymax_hip = np.nanmax(hip) if hip is not None else 200.0
    legend_extra += _mark_tops(ax_hip, report, t, hip)

    legend_extra += _mark_faults(ax_hip, ax_low, report, t, hip, cols)

    if n:
        finite_t = t[np.isfinite(t)]
        if finite_t.size:
            ax_hip.set_xlim(float(finite_t.min()), float(finite_t.max()) if finite_t.size > 1 else float(finite_t.min()) + 1.0)
    if hip is not None and math.isfinite(ymax_hip):
        lo, hi = ax_hip.get_ylim()
        ax_hip.set_ylim(lo, hi + 0.12 * (hi - lo))  # room for the rep labels

    # One legend for both panels, outside the axes so it never hides the data.
    handles = ax_hip.get_legend_handles_labels()[0] + ax_low.get_legend_handles_labels()[0] + legend_extra
    if handles:
        fig.legend(handles=handles, loc="outside lower center", fontsize=13, frameon=False,
                   ncol=min(len(handles), 8))

    path = Path(path)
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=PLOT_DPI)
    return path


def _title(fig, report: SetReport) -> None:
    """Source, exercise, view and rep count."""
    by_side = report.reps_by_side
    side_text = ", ".join(f"{_SIDE_SHORT.get(k, k)} {v}" for k, v in sorted(by_side.items()) if k != Side.BOTH)
    count = f"{report.rep_count} rep{'s' if report.rep_count != 1 else ''}" + (f" ({side_text})" if side_text else "")
    if report.partials:
        count += f", {len(report.partials)} partial"
    exercise = report.exercise.replace("_", " ")
    source = Path(report.source).name if report.source else "unknown source"
    fig.suptitle(f"{source}\n{exercise}, {report.view} view: {count}", fontsize=17, fontweight="bold")


def _shade_reps(ax_hip, ax_low, report: SetReport) -> list:
    """Counted reps shaded, partials hatched (drawn first, so curves sit on top); legend entries."""
    from matplotlib.patches import Patch

    legend_extra = []
    for rep in report.reps:
        ax_hip.axvspan(rep.start_s, rep.end_s, color="#4caf50", alpha=0.14, lw=0)
        ax_low.axvspan(rep.start_s, rep.end_s, color="#4caf50", alpha=0.10, lw=0)
    if report.reps:
        legend_extra.append(Patch(facecolor="#4caf50", alpha=0.25, label="counted rep"))
    for rep in report.partials:
        ax_hip.axvspan(rep.start_s, rep.end_s, facecolor="none", edgecolor="#888888", hatch="//", lw=0)
        ax_low.axvspan(rep.start_s, rep.end_s, facecolor="none", edgecolor="#bbbbbb", hatch="//", lw=0)
    if report.partials:
        legend_extra.append(Patch(facecolor="white", edgecolor="#888888", hatch="//", label="partial (not counted)"))
    return legend_extra


def _target_and_threshold_lines(ax_hip, ax_low, report: SetReport, targets_deg: dict[str, float] | None,
                                 cols: dict) -> None:
    """Target and threshold lines, each on the panel that shows its series."""
    line_styles = {"target": ("-", 1.8), "warn": ("--", 1.6), "fault": (":", 2.2)}
    for col, value, label, kind in _target_lines(report, targets_deg):
        ax = ax_hip if col == "hip_deg" else ax_low
        if cols.get(col) is None:
            continue
        ls, lw = line_styles[kind]
        colour = _TARGET_COLOUR if kind == "target" else _FAULT_COLOUR
        ax.axhline(value, color=colour, ls=ls, lw=lw, zorder=1)
        # Targets labelled on the left, fault thresholds on the right, so close lines stay legible.
        left = kind == "target"
        ax.annotate(f"{label} {value:g}", xy=(0.0 if left else 1.0, value), xycoords=("axes fraction", "data"),
                    xytext=(4 if left else -4, 2), textcoords="offset points", ha="left" if left else "right",
                    va="bottom", fontsize=12, color=colour,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))


def _mark_tops(ax_hip, report: SetReport, t: np.ndarray, hip: np.ndarray | None) -> list:
    """Each rep's top marked and labelled (index and side), partials labelled; legend entries."""
    from matplotlib.lines import Line2D

    legend_extra = []
    for rep in report.reps:
        peak = rep.peak_hip_extension_deg
        if not math.isfinite(peak) and hip is not None:
            peak = _value_at(t, hip, rep.top_s)
        if math.isfinite(peak):
            ax_hip.plot([rep.top_s], [peak], marker="v", ms=11, color="#1b5e20", mec="white", mew=1.2, zorder=5)
        ax_hip.annotate(f"{rep.index} {_SIDE_SHORT.get(rep.side, rep.side)}",
                        xy=((rep.start_s + rep.end_s) / 2, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, -4), textcoords="offset points", ha="center", va="top",
                        fontsize=14, fontweight="bold", color="#1b5e20")
    for rep in report.partials:
        ax_hip.annotate("partial", xy=((rep.start_s + rep.end_s) / 2, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, -4), textcoords="offset points", ha="center", va="top",
                        fontsize=11, color="#666666")
    if report.reps:
        legend_extra.append(Line2D([], [], marker="v", ls="", ms=10, color="#1b5e20", label="top of rep"))
    return legend_extra


def _mark_faults(ax_hip, ax_low, report: SetReport, t: np.ndarray, hip: np.ndarray | None, cols: dict) -> list:
    """Fault markers at their time, on the panel of their measure, staggered to limit overlap."""
    from matplotlib.lines import Line2D

    legend_extra = []
    faults: list[Fault] = [f for r in (*report.reps, *report.partials) for f in r.faults]
    faults.sort(key=lambda f: f.t_s)
    for i, f in enumerate(faults):
        col = _FAULT_SERIES.get(f.code)
        ax = ax_low if col in ("knee_deg", "neck_deg", "pelvis_deg") and cols.get(col) is not None else ax_hip
        colour = _FAULT_COLOUR if f.severity == Severity.FAULT else _WARN_COLOUR
        ax.axvline(f.t_s, color=colour, lw=1.2, alpha=0.6, ls="-")
        y = None
        if col is not None and f.unit == "deg" and math.isfinite(f.value) and (col == "hip_deg" or ax is ax_low):
            y = f.value
        elif ax is ax_hip and hip is not None:
            y = _value_at(t, hip, f.t_s)
        if y is not None and math.isfinite(y):
            ax.plot([f.t_s], [y], marker="X", ms=11, color=colour, mec="white", mew=1.0, zorder=6)
        below = True
        if y is not None and math.isfinite(y):
            xy, coords = (f.t_s, y), "data"
            lo, hi = ax.get_ylim()
            below = y > (lo + hi) / 2  # label on the side of the marker with more room
        else:
            xy, coords = (f.t_s, 0.5), ("data", "axes fraction")
        dy = 16 + 14 * (i % 2)
        ax.annotate(f.code, xy=xy, xycoords=coords,
                    xytext=(9, -dy if below else dy), textcoords="offset points", ha="left",
                    va="top" if below else "bottom",
                    fontsize=11, color=colour, zorder=7,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=colour, lw=0.6, alpha=0.85))
    if faults:
        legend_extra.append(Line2D([], [], marker="X", ls="", ms=10, color=_FAULT_COLOUR, label="fault"))
        if any(f.severity != Severity.FAULT for f in faults):
            legend_extra.append(Line2D([], [], marker="X", ls="", ms=10, color=_WARN_COLOUR, label="warning"))
    return legend_extra


def _draw_series(ax_hip, ax_low, report: SetReport, t: np.ndarray, cols: dict, lift: np.ndarray | None):
    """The hip curve (or the hips' lift from the feet or the head) on top, knee, neck and pelvis
    below; returns the top panel's series."""
    edge_on = lift is not None
    hip = lift if edge_on else cols["hip_deg"]
    if hip is not None:
        label, colour = ("hips above the knees", _SERIES_STYLE["hip_deg"][1]) if edge_on else _SERIES_STYLE["hip_deg"]
        ax_hip.plot(t, hip, color=colour, lw=2.4, label=label)
    else:
        ax_hip.text(0.5, 0.5, "no hip angle in this report", transform=ax_hip.transAxes,
                    ha="center", va="center", fontsize=15, color="#888888")
    ax_hip.set_ylabel("hip lift (shoulder widths)" if edge_on else "hip extension (deg)", fontsize=14)

    lower = [c for c in ("knee_deg", "neck_deg", "pelvis_deg") if cols[c] is not None]
    for c in lower:
        label, colour = _SERIES_STYLE[c]
        ax_low.plot(t, cols[c], color=colour, lw=2.0, label=label)
    if edge_on:
        ax_low.text(0.5, 0.5, f"Seen from the {'feet' if view_family(report.view) == ViewFamily.FRONT else 'head'}: "
                    "reps are counted, angles are not judged.\nFilm side-on to judge them (see the report).",
                    transform=ax_low.transAxes, ha="center", va="center", fontsize=15, color="#555555")
        ax_low.set_yticks([])
    elif not lower:
        ax_low.text(0.5, 0.5, "no knee or neck angle in this report", transform=ax_low.transAxes,
                    ha="center", va="center", fontsize=15, color="#888888")
    ax_low.set_ylabel("" if edge_on else "angle (deg)", fontsize=14)
    ax_low.set_xlabel("time (s)", fontsize=14)
    return hip
