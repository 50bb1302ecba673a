"""Per-frame FrameResults replayed from a finished SetReport (for annotated videos).

The annotated video shows the offline-refined analysis: the angles of the report's frame table,
the rep counter stepping at each counted top, and each fault's cue from the moment it happened.
"""

from __future__ import annotations

from collections.abc import Iterator

from formcheck.core.report import FrameResult, SetReport
from formcheck.core.stats import count_by_side
from formcheck.core.vocab import Severity
from formcheck.core.view import shown_angles


def replay(report: SetReport, targets_deg: dict[str, float], cue_s: float) -> Iterator[FrameResult]:
    """Yield one FrameResult per frame of the report's table."""
    table = report.frames_table
    t = table["t_s"]
    tops = sorted(report.reps, key=lambda r: r.top_frame)
    cue_events = sorted(((f.t_s, f.cue) for r in report.reps for f in r.faults if f.severity == Severity.FAULT))
    keys = [k for k in shown_angles(report.view) if k in table]
    k = 0
    counts: dict[str, int] = {}
    for i in range(t.size):
        if k < len(tops) and tops[k].top_frame <= i:
            while k < len(tops) and tops[k].top_frame <= i:
                k += 1
            counts = count_by_side(tops[:k])
        now = float(t[i])
        cues = tuple(dict.fromkeys(c for ts, c in cue_events if ts <= now < ts + cue_s))
        angles = {key: float(table[key][i]) for key in keys}
        yield FrameResult(
            frame=i, t_s=now, person=bool(table["person"][i]), phase=str(table["phase"][i]),
            angles_deg=angles, rep_count=sum(counts.values()), reps_by_side=dict(counts),
            working_side=report.working_side, view=report.view, cues=cues,
            new_rep=tops[k - 1] if k and tops[k - 1].top_frame == i else None,
            targets_deg=targets_deg, cue_severity=("fault",) * len(cues),
        )
