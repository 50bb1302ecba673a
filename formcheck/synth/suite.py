"""Score an analysis against a rendered clip's ground truth. Pure Python + numpy.

The truth is the dict of a ``NAME.truth.json`` (see :func:`formcheck.synth.render.truth_dict`),
the analysis a :class:`formcheck.core.report.SetReport` or its ``to_dict()`` (the JSON that
``formcheck analyze`` writes). Reps are matched one to one by the time of their top: a
detected rep matches the true rep whose top window (``top_start_s`` .. ``top_end_s``, widened
by ``tol_s``) holds its peak, nearest to the window's middle first. Faults are compared per
matched rep, only for the codes the profile judges in the clip's view family; a fault on an
unmatched detected rep is a false positive, an expected fault on a missed rep a false negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FAULT_CODES = (
    "incomplete_hip_extension", "back_hyperextension", "neck_hyperextension", "unlevel_hips",
    "elbow_push", "no_top_hold", "foot_placement", "free_leg_position", "fast_descent",
)


@dataclass
class ClipScore:
    name: str
    view_family: str
    detected_view: str
    true_reps: int
    detected_reps: int
    matched: list[tuple[int, int]]                   # (true rep index, detected rep index)
    # per code: [tp, fp, fn]
    counts: dict[str, list[int]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    @property
    def reps_exact(self) -> bool:
        return self.true_reps == self.detected_reps

    @property
    def faults_exact(self) -> bool:
        return all(c[1] == 0 and c[2] == 0 for c in self.counts.values())


def _report_dict(report: Any) -> dict:
    return report if isinstance(report, dict) else report.to_dict()


def match_reps(true_reps: list[dict], det_reps: list[dict], tol_s: float = 0.6) -> list[tuple[int, int]]:
    """One-to-one (true index, detected index) pairs by top time."""
    cands = []
    for tr in true_reps:
        lo, hi = tr["top_start_s"] - tol_s, tr["top_end_s"] + tol_s
        mid = 0.5 * (tr["top_start_s"] + tr["top_end_s"])
        for dr in det_reps:
            if lo <= dr["top_s"] <= hi:
                cands.append((abs(dr["top_s"] - mid), tr["index"], dr["index"]))
    used_t: set[int] = set()
    used_d: set[int] = set()
    out = []
    for _, ti, di in sorted(cands):
        if ti in used_t or di in used_d:
            continue
        used_t.add(ti)
        used_d.add(di)
        out.append((ti, di))
    return sorted(out)


def score_clip(report: Any, truth: dict, *, tol_s: float = 0.6, codes: list[str] | None = None) -> ClipScore:
    """Compare one analysis with one clip's truth (see the module doc)."""
    rd = _report_dict(report)
    judged = list(codes) if codes is not None else list(truth["judged_in_view"])
    exp = {int(k): set(v) & set(judged) for k, v in truth["expected"]["faults_by_rep"].items()}
    det_reps = rd["reps"]
    det = {int(r["index"]): {f["code"] for f in r["faults"] if f["severity"] == "fault"} & set(judged)
           for r in det_reps}
    pairs = match_reps(truth["reps"], det_reps, tol_s)
    sc = ClipScore(truth.get("name", ""), truth["view_family"], rd.get("view", ""), len(truth["reps"]),
                   len(det_reps), pairs, {c: [0, 0, 0] for c in judged})
    mt = {t for t, _ in pairs}
    md = {d for _, d in pairs}
    for ti, di in pairs:
        for c in judged:
            e, d = c in exp.get(ti, set()), c in det.get(di, set())
            if e and d:
                sc.counts[c][0] += 1
            elif d:
                sc.counts[c][1] += 1
                sc.mismatches.append(f"rep {ti}: {c} reported, not injected")
            elif e:
                sc.counts[c][2] += 1
                sc.mismatches.append(f"rep {ti}: {c} injected, not reported")
    for ti, codes_ in exp.items():
        if ti not in mt:
            sc.mismatches.append(f"true rep {ti} not found")
            for c in codes_:
                sc.counts[c][2] += 1
    tops = {int(r["index"]): float(r["top_s"]) for r in det_reps}
    for di, codes_ in det.items():
        if di not in md:
            sc.mismatches.append(f"reported rep {di} (top {tops[di]:.1f} s) is not a true rep")
            for c in codes_:
                sc.counts[c][1] += 1
    return sc


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    return p, r


__all__ = ["ClipScore", "FAULT_CODES", "match_reps", "precision_recall", "score_clip"]
