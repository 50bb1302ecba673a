"""End-on, offline: a dip during a held top is folded into its rep, a real new rep is not."""

from __future__ import annotations

import numpy as np

from formcheck.core.profile import load_profile
from formcheck.core.reps import RepWindow, Segmenter
from formcheck.core.signals import reps_config
from formcheck.core.top_dips import merge_top_dips

FPS = 30.0


def _ramp(a: float, b: float, s: float) -> np.ndarray:
    return np.linspace(a, b, int(s * FPS), endpoint=False)


def _lift(dip_to: float) -> np.ndarray:
    """Two reps of the body's lift (sw); the second's top dips to ``dip_to`` and climbs back."""
    parts = [np.zeros(15), _ramp(0, 0.55, 1), np.full(30, 0.55), _ramp(0.55, 0, 1.5), np.zeros(15),
             _ramp(0, 0.55, 1), np.full(10, 0.55), _ramp(0.55, dip_to, 0.4), _ramp(dip_to, 0.55, 0.4),
             np.full(10, 0.55), _ramp(0.55, 0, 1.5), np.zeros(15)]
    return np.concatenate(parts)


def _windows(lift: np.ndarray, view: str) -> list[RepWindow]:
    profile = load_profile("hip-thrust")
    seg = Segmenter(reps_config(profile, view, offline=True))
    out: list[RepWindow] = []
    for i, v in enumerate(lift):
        out.extend(seg.step(i, i / FPS, float(v), 90.0)[1])
    return out + seg.finish()


def _table(lift: np.ndarray) -> dict[str, np.ndarray]:
    return {"body_lift_sw": lift, "hip_lift_sw": lift}


def test_a_dip_during_a_top_is_the_same_rep_end_on() -> None:
    lift = _lift(dip_to=0.3)
    split = _windows(lift, "front")
    assert sum(w.counted for w in split) == 3  # the segmenter alone reads the climb back as a rep
    merged = merge_top_dips(split, _table(lift), load_profile("hip-thrust"), "front")
    assert [w.counted for w in merged] == [True, True]
    assert merged[1].start_frame == split[1].start_frame and merged[1].end_frame == split[2].end_frame


def test_a_return_to_the_bottom_is_a_new_rep_and_side_views_are_untouched() -> None:
    lift = _lift(dip_to=0.02)  # back to the bottom: a rep of its own
    wins = _windows(lift, "back")
    assert sum(w.counted for w in wins) == 3
    assert merge_top_dips(wins, _table(lift), load_profile("hip-thrust"), "back") == wins
    dipped = _lift(dip_to=0.3)
    side = _windows(dipped, "back")
    assert merge_top_dips(side, _table(dipped), load_profile("hip-thrust"), "side_head_left") == side
