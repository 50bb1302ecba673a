"""core/align: anchors of a rep, which reps pair, and the piecewise-linear map between clocks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.core.align import build_time_map, normalised_curve, pair_reps, rep_anchors
from formcheck.core.report import Rep


def rep(index: int, start: float, up: float, top: float, down: float, side: str = "left", fps: float = 30.0) -> Rep:
    """A rep starting at ``start`` s: ``up`` s rise, ``top`` s at the top, ``down`` s descent."""
    end = start + up + top + down
    return Rep(index=index, start_s=start, top_s=start + up + top / 2, end_s=end, side=side, variation="single_leg",
               peak_hip_extension_deg=180.0, knee_at_top_deg=90.0, hold_s=top, concentric_s=up, eccentric_s=down,
               start_frame=round(start * fps), top_frame=round((start + up) * fps), end_frame=round(end * fps))


def test_anchors_are_the_tempo_boundaries():
    assert rep_anchors(rep(1, 2.0, 1.0, 0.5, 1.5)) == (2.0, 3.0, 3.5, 5.0)


def test_unknown_phases_are_nan_not_guessed():
    r = rep(1, 2.0, 1.0, 0.5, 1.5)
    opened = Rep(**{**r.__dict__, "concentric_s": math.nan})
    a = rep_anchors(opened)
    assert a[0] == 2.0 and math.isnan(a[1]) and a[2:] == (3.5, 5.0)
    too_long = Rep(**{**r.__dict__, "concentric_s": 9.0})  # past the rep's end: not an anchor
    assert math.isnan(rep_anchors(too_long)[1])


def test_slower_reps_stretch_onto_each_other():
    a = [rep(i + 1, 1.0 + 4.0 * i, 1.0, 0.5, 1.0) for i in range(3)]
    b = [rep(i + 1, 2.0 + 7.0 * i, 2.0, 1.5, 2.5) for i in range(3)]
    m = build_time_map(a, b, pair_reps(a, b))
    for ra, rb in zip(a, b):
        np.testing.assert_allclose(m.to_b(np.array(rep_anchors(ra))), rep_anchors(rb))
        # half way up in A is half way up in B
        assert m.to_b(ra.start_s + 0.5) == pytest.approx(rb.start_s + 1.0)
    np.testing.assert_allclose(m.to_a(m.to_b(np.linspace(0, 14, 50))), np.linspace(0, 14, 50))
    # the rise of B is twice as long: B plays at twice A's pace there
    assert m.slopes()[0] == pytest.approx(2.0)


def test_outside_the_reps_both_clocks_run_at_one_pace():
    a = [rep(1, 1.0, 1.0, 0.5, 1.0)]
    b = [rep(1, 3.0, 2.0, 1.0, 2.0)]
    m = build_time_map(a, b, pair_reps(a, b))
    assert m.to_b(0.0) == pytest.approx(2.0)
    assert m.to_b(4.5) == pytest.approx(8.0 + 1.0)


def test_default_pairs_keep_sides_and_order():
    a = [rep(1, 0, 1, 1, 1, "left"), rep(2, 4, 1, 1, 1, "right"), rep(3, 8, 1, 1, 1, "left")]
    b = [rep(1, 0, 1, 1, 1, "right"), rep(2, 4, 1, 1, 1, "left"), rep(3, 8, 1, 1, 1, "left")]
    assert pair_reps(a, b) == [(1, 2), (2, 1), (3, 3)]
    assert pair_reps(a, b, same_side=False) == [(1, 1), (2, 2), (3, 3)]


def test_a_pick_shifts_the_pairing_of_its_side():
    a = [rep(i, 4.0 * i, 1, 1, 1) for i in range(1, 5)]
    b = [rep(i, 5.0 * i, 1, 1, 1) for i in range(1, 4)]
    assert pair_reps(a, b, (3, 1)) == [(3, 1), (4, 2)]
    assert pair_reps(a, b, (1, 2)) == [(1, 2), (2, 3)]
    with pytest.raises(ValueError, match="set B has no rep 9"):
        pair_reps(a, b, (1, 9))


def test_a_crossing_pair_never_makes_a_clock_run_backwards():
    a = [rep(1, 0.0, 1, 1, 1), rep(2, 4.0, 1, 1, 1)]
    b = [rep(1, 0.0, 1, 1, 1), rep(2, 4.0, 1, 1, 1)]
    m = build_time_map(a, b, [(1, 2), (2, 1)])
    assert np.all(np.diff(m.a_s) > 0) and np.all(np.diff(m.b_s) > 0)
    assert m.a_s.size == 4  # the second pair would run B backwards: left out


def test_no_pairs_is_the_identity():
    m = build_time_map([], [], [])
    assert m.to_b(3.25) == pytest.approx(3.25) and m.knots() == []


def test_normalised_curve_spans_the_rep_whatever_its_length():
    fps = 30.0
    t = np.arange(300) / fps
    quick, slow = rep(1, 1.0, 1.0, 0.0, 1.0), rep(1, 2.0, 2.0, 0.0, 2.0)
    hip = np.full(t.size, 100.0)
    hip_q = 100 + 80 * np.clip(1 - np.abs(t - 2.0) / 1.0, 0, 1)  # a tent over [1, 3]
    hip_s = 100 + 80 * np.clip(1 - np.abs(t - 4.0) / 2.0, 0, 1)  # the same tent over [2, 6]
    cq = normalised_curve(t, hip_q, quick, 101)
    cs = normalised_curve(t, hip_s, slow, 101)
    np.testing.assert_allclose(cq, cs, atol=1.0)
    assert cq[50] == pytest.approx(180.0, abs=0.5) and cq[0] == pytest.approx(100.0, abs=0.5)
    hip[:] = np.nan
    assert np.isnan(normalised_curve(t, hip, quick)).all()


def _minjerk_rep(t: np.ndarray, start: float, up: float, hold: float, down: float, creep_deg: float) -> np.ndarray:
    """Hip degrees of one rep 100 -> 180 -> 100 (minimum-jerk moves), the top creeping up ``creep_deg``
    over the hold as the pose model's reading does."""
    def move(u):
        u = np.clip(u, 0.0, 1.0)
        return u ** 3 * (10 - 15 * u + 6 * u ** 2)
    top0, top1 = start + up, start + up + hold
    rise = move((t - start) / up) - move((t - top1) / down)
    creep = creep_deg * np.clip((t - top0) / hold, 0.0, 1.0) * (t <= top1) + creep_deg * move((top1 - t + down) / down) * (t > top1)
    return 100.0 + 80.0 * rise + creep


def test_fitted_lockout_is_where_the_rise_enters_the_band_despite_a_creeping_top():
    from formcheck.core.align import RepCurve, fitted_anchors

    fps = 30.0
    t = np.arange(0, 6.0, 1 / fps)
    start, up, hold, down = 1.0, 1.8, 1.6, 2.2
    hip = _minjerk_rep(t, start, up, hold, down, creep_deg=2.0)
    # the report's way: the first frame within 2 deg of the maximum (the creep makes it late)
    peak = hip.max()
    lock_report = t[np.flatnonzero(hip >= peak - 2.0)[0]]
    last_top = t[np.flatnonzero(hip >= peak - 2.0)[-1]]
    r = Rep(**{**rep(1, start, lock_report - start, last_top - lock_report, start + up + hold + down - last_top).__dict__,
               "top_frame": int(np.argmax(hip))})
    true_band = start + up * float(np.interp(1 - 2.0 / 80.0, *_minjerk_table()))
    curve = RepCurve(t, hip, top_band=2.0, bottom_frac=0.05, fit_low=0.25, fit_high=0.9)
    anchors = fitted_anchors(r, curve)
    assert abs(lock_report - true_band) * fps > 3.0  # what the fit mends
    assert abs(anchors[1] - true_band) * fps < 1.0
    assert anchors[0] < anchors[1] < anchors[2] < anchors[3]
    assert abs(anchors[0] - (start + up * float(np.interp(0.05, *_minjerk_table())))) * fps < 1.0


def _minjerk_table():
    u = np.linspace(0, 1, 1001)
    return u ** 3 * (10 - 15 * u + 6 * u ** 2), u


def test_without_a_fittable_movement_the_reports_anchors_stay():
    from formcheck.core.align import RepCurve, fitted_anchors

    r = rep(1, 2.0, 1.0, 0.5, 1.5)
    t = np.arange(0, 6.0, 1 / 30)
    curve = RepCurve(t, np.full(t.size, np.nan), top_band=2.0, bottom_frac=0.05, fit_low=0.25, fit_high=0.9)
    assert fitted_anchors(r, curve) == rep_anchors(r)
    pairs = [(1, 1)]
    plain = build_time_map([r], [r], pairs)
    assert np.allclose(build_time_map([r], [r], pairs, curve, curve).a_s, plain.a_s)
