"""The streaming segmenter on hip-angle traces with known reps (no landmarks involved)."""

import numpy as np
import pytest

from formcheck.core.profile import load_profile
from formcheck.core.reps import Segmenter

CFG = load_profile("single-leg-hip-thrust").reps


def trace(peaks, bottom=100.0, fps=30.0, up_s=1.0, hold_s=0.6, down_s=1.5, rest_s=0.8, lead_s=1.0):
    """A hip trace: rest at the bottom, then one cosine rise/hold/fall per peak."""
    parts = [np.full(int(lead_s * fps), bottom)]
    for p in peaks:
        u = (1 - np.cos(np.linspace(0, np.pi, int(up_s * fps)))) / 2
        d = (1 + np.cos(np.linspace(0, np.pi, int(down_s * fps)))) / 2
        parts += [bottom + (p - bottom) * u, np.full(int(hold_s * fps), p), bottom + (p - bottom) * d,
                  np.full(int(rest_s * fps), bottom)]
    x = np.concatenate(parts)
    return np.arange(x.size) / fps, x


def run(t, hip, knee=None):
    seg = Segmenter(CFG)
    knee = np.full(hip.size, 90.0) if knee is None else knee
    wins = []
    for i in range(t.size):
        _, closed, _ = seg.step(i, t[i], hip[i], knee[i])
        wins += closed
    wins += seg.finish()
    return wins


@pytest.mark.parametrize(
    "peaks, counted, partial",
    [
        ([180] * 5, 5, 0),
        ([180, 155, 180], 3, 0),  # short of lockout still counts (flagged later)
        ([180, 125, 180], 2, 1),  # a small lift is a partial
        ([], 0, 0),
    ],
)
def test_counts_and_partials(peaks, counted, partial):
    t, hip = trace(peaks)
    wins = run(t, hip)
    assert sum(w.counted for w in wins) == counted
    assert sum(not w.counted for w in wins) == partial


def test_no_double_counts_from_jitter_around_a_threshold():
    rng = np.random.default_rng(3)
    t, hip = trace([180] * 4)
    hip = hip + rng.normal(0, 3.0, hip.size)  # heavy jitter, no smoothing at all
    # and a long dwell oscillating around the middle of the range
    mid = np.full(90, 140.0) + 5 * np.sin(np.arange(90))
    hip = np.concatenate([hip, mid])
    t = np.arange(hip.size) / 30
    assert sum(w.counted for w in run(t, hip)) == 4


def test_straight_legs_at_the_top_is_not_a_rep():
    t, hip = trace([180, 180])
    knee = np.full(hip.size, 90.0)
    knee[: t.size // 2] = 178  # first 'rep' done lying flat with straight legs
    wins = run(t, hip, knee)
    assert sum(w.counted for w in wins) == 1


def test_clip_opening_at_the_top_counts_that_top():
    t, hip = trace([180] * 3)
    start = np.argmax(hip >= 179.9) + 5  # start mid-hold of the first rep
    wins = run(t[start:] - t[start], hip[start:])
    assert sum(w.counted for w in wins) == 3
    assert wins[0].opened_at_top


def test_long_gap_abandons_a_rising_rep():
    t, hip = trace([180] * 3)
    k = np.argmax(hip > 150)
    hip = hip.copy()
    hip[k: k + 60] = np.nan  # 2 s out of frame during the first rise
    wins = run(t, hip)
    assert sum(w.counted for w in wins) == 2


def test_clip_cut_mid_descent_leaves_the_descent_unjudged():
    t, hip = trace([180] * 2)
    peak2 = int(np.flatnonzero(hip >= 179.9)[-1])
    cut = peak2 + 12  # part-way down the second descent
    wins = run(t[:cut], hip[:cut])
    assert sum(w.counted for w in wins) == 2
    assert not wins[0].closed_at_top and wins[1].closed_at_top
