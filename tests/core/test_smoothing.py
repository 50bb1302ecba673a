"""Time-based smoothing: One Euro behaviour, spikes, gaps, variable frame rate."""

import numpy as np
import pytest

from formcheck.core.smoothing import OneEuroFilter, fill_gaps, gaussian_smooth, hampel, one_euro_series, smooth_offline


def test_one_euro_reduces_jitter_on_a_still_signal():
    rng = np.random.default_rng(0)
    t = np.arange(300) / 30
    x = 100 + rng.normal(0, 2, t.size)
    y = one_euro_series(t, x, min_cutoff_hz=1.0, beta=0.0)
    assert np.std(y[30:]) < 0.4 * np.std(x[30:])


def test_one_euro_follows_fast_motion_with_small_lag():
    t = np.arange(90) / 30
    x = np.where(t < 1, 100.0, 180.0)
    y = one_euro_series(t, x, min_cutoff_hz=1.0, beta=0.05)
    assert y[-1] == pytest.approx(180.0, abs=1.0)


def test_one_euro_nan_and_restart_after_gap():
    f = OneEuroFilter(reset_after_s=0.5)
    assert f(0.0, np.array([1.0]))[0] == 1.0
    assert np.isnan(f(0.1, np.array([np.nan]))[0])
    assert f(2.0, np.array([50.0]))[0] == 50.0  # long gap: restarts, no smear from 1.0


def test_one_euro_rejects_bad_parameters():
    with pytest.raises(ValueError):
        OneEuroFilter(min_cutoff_hz=0)
    with pytest.raises(ValueError):
        OneEuroFilter(beta=-1)


def test_hampel_removes_a_spike_only():
    t = np.arange(100) / 30
    x = np.linspace(100, 150, 100)
    x[50] += 60
    y = hampel(t, x)
    assert abs(y[50] - np.linspace(100, 150, 100)[50]) < 2
    assert np.allclose(np.delete(y, 50), np.delete(x, 50))


def test_fill_gaps_short_only():
    t = np.arange(20) / 10
    x = np.arange(20, dtype=float)
    x[3:5] = np.nan  # 0.3 s span: filled
    x[10:18] = np.nan  # 0.9 s: kept
    y = fill_gaps(t, x, max_gap_s=0.5)
    assert np.allclose(y[3:5], [3, 4])
    assert np.isnan(y[10:18]).all()


def test_gaussian_smooth_variable_frame_rate_keeps_a_ramp():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.02, 0.05, 200))
    x = 10 * t
    y = gaussian_smooth(t, x, 0.05)
    assert np.allclose(y[10:-10], x[10:-10], atol=0.2)


def test_smooth_offline_chain():
    t = np.arange(60) / 30
    x = np.full(60, 120.0)
    x[20] = 200
    x[40:43] = np.nan
    y = smooth_offline(t, x, sigma_s=0.05, max_gap_s=0.5)
    assert np.allclose(y, 120.0, atol=0.5)
