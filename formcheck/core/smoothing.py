"""Time-based smoothing of measure series: causal One Euro for live, zero-phase for offline.

Both are driven by timestamps, never by an assumed frame rate (webcams and phones vary). NaN
(no person, joint unknown) passes through: a filter never invents a value across a long gap.
"""

from __future__ import annotations

import math

import numpy as np


class OneEuroFilter:
    """One Euro filter (Casiez, Roussel, Vogel, CHI 2012) over a vector of channels.

    Adaptive low-pass: heavy smoothing when a value is still (kills jitter), light when it moves
    fast (little lag). NaN channels are left NaN and restart cleanly when values return; a gap
    longer than ``reset_after_s`` restarts the filter.
    """

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.02, d_cutoff_hz: float = 1.0,
                 reset_after_s: float = 0.5) -> None:
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0:
            raise ValueError("cutoff frequencies must be positive")
        if beta < 0:
            raise ValueError("beta must be non-negative")
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self.reset_after_s = reset_after_s
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: np.ndarray | None = None

    @staticmethod
    def _alpha(dt: np.ndarray, cutoff: np.ndarray) -> np.ndarray:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, t_s: float, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self._x is None:
            self._x = np.full_like(x, np.nan)
            self._dx = np.zeros_like(x)
            self._t = np.full_like(x, np.nan)
        valid = np.isfinite(x)
        dt = t_s - self._t
        fresh = valid & (~np.isfinite(self._x) | ~(dt > 0) | (dt > self.reset_after_s))
        cont = valid & ~fresh
        out = np.full_like(x, np.nan)
        if np.any(fresh):
            self._x[fresh] = x[fresh]
            self._dx[fresh] = 0.0
            self._t[fresh] = t_s
            out[fresh] = x[fresh]
        if np.any(cont):
            d = dt[cont]
            dx = (x[cont] - self._x[cont]) / d
            a_d = self._alpha(d, np.full_like(d, self.d_cutoff_hz))
            dx_hat = a_d * dx + (1 - a_d) * self._dx[cont]
            cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
            a = self._alpha(d, cutoff)
            x_hat = a * x[cont] + (1 - a) * self._x[cont]
            self._x[cont] = x_hat
            self._dx[cont] = dx_hat
            self._t[cont] = t_s
            out[cont] = x_hat
        return out

    def reset(self) -> None:
        self._x = self._dx = self._t = None


def one_euro_series(t_s: np.ndarray, x: np.ndarray, **kw) -> np.ndarray:
    """Run a One Euro filter causally over a (T,) or (T, C) series."""
    f = OneEuroFilter(**kw)
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    for i in range(len(t_s)):
        out[i] = f(float(t_s[i]), x[i])
    return out


def hampel(t_s: np.ndarray, x: np.ndarray, window_s: float = 0.25, n_sigma: float = 3.0,
           min_dev: float = 8.0) -> np.ndarray:
    """Replace isolated spikes by the local median (non-causal; offline only).

    A sample is an outlier when it is further than max(n_sigma * 1.4826 * MAD, min_dev) from the
    median of its +-window_s neighbourhood. ``min_dev`` (in the series' unit) keeps real fast
    motion from being treated as noise when the neighbourhood is very still.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 3:
        return x.copy()
    dt = np.median(np.diff(t_s)) if n > 1 else 1 / 30
    k = max(1, int(round(window_s / max(dt, 1e-3))))
    pad = np.pad(x, k, mode="constant", constant_values=np.nan)
    win = np.lib.stride_tricks.sliding_window_view(pad, 2 * k + 1)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(win, axis=1)
            mad = np.nanmedian(np.abs(win - med[:, None]), axis=1)
    limit = np.maximum(n_sigma * 1.4826 * mad, min_dev)
    out = x.copy()
    bad = np.isfinite(x) & np.isfinite(med) & (np.abs(x - med) > limit)
    out[bad] = med[bad]
    return out


def fill_gaps(t_s: np.ndarray, x: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate NaN runs no longer than ``max_gap_s``; longer gaps stay NaN."""
    x = np.asarray(x, dtype=np.float64).copy()
    ok = np.isfinite(x)
    if ok.all() or not ok.any():
        return x
    idx = np.flatnonzero(ok)
    interp = np.interp(t_s, t_s[idx], x[idx])
    # Find each NaN run and fill it only if bounded on both sides and short enough.
    bad = ~ok
    edges = np.diff(np.concatenate(([0], bad.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    for s, e in zip(starts, stops):
        if s == 0 or e == x.size:
            continue
        if t_s[e] - t_s[s - 1] <= max_gap_s:
            x[s:e] = interp[s:e]
    return x


def gaussian_smooth(t_s: np.ndarray, x: np.ndarray, sigma_s: float) -> np.ndarray:
    """Zero-phase Gaussian smoothing in time (handles variable frame rates and NaN)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 3 or sigma_s <= 0:
        return x.copy()
    dt = float(np.median(np.diff(t_s)))
    k = max(1, int(math.ceil(3 * sigma_s / max(dt, 1e-3))))
    ok = np.isfinite(x)
    xv = np.where(ok, x, 0.0)
    tp = np.pad(t_s, k, mode="edge")
    xp = np.pad(xv, k)
    okp = np.pad(ok.astype(np.float64), k)
    num = np.zeros(n)
    den = np.zeros(n)
    for off in range(-k, k + 1):
        ts = tp[k + off:k + off + n]
        w = np.exp(-0.5 * ((ts - t_s) / sigma_s) ** 2) * okp[k + off:k + off + n]
        num += w * xp[k + off:k + off + n]
        den += w
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[~ok] = np.nan
    return out


def smooth_offline(t_s: np.ndarray, x: np.ndarray, *, sigma_s: float, max_gap_s: float,
                   spike_window_s: float = 0.25, spike_min_deg: float = 8.0) -> np.ndarray:
    """Offline chain: spike removal, short-gap fill, zero-phase smoothing."""
    y = hampel(t_s, x, window_s=spike_window_s, min_dev=spike_min_deg)
    y = fill_gaps(t_s, y, max_gap_s)
    return gaussian_smooth(t_s, y, sigma_s)
