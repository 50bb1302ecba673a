"""Rep segmentation: a streaming hysteresis state machine on the smoothed hip extension.

One implementation for live and offline: live feeds it One Euro-smoothed values frame by frame,
offline feeds it the zero-phase-smoothed series. Thresholds are relative to the set's running
range with absolute floors (profile ``[reps]``), so jitter around a single value cannot double
count, and a floor bridge's small range is handled like a bench thrust's large one.

A rep: bottom -> concentric -> top (peak, hold) -> eccentric -> bottom. It is decided when the
hips have clearly left the top; it is closed (its end known) when the next bottom is reached.

The signal is the hip extension in degrees side-on; from the feet or the head it is the hips'
image lift in shoulder widths. ``SegmenterConfig`` holds the thresholds in the signal's own unit
(``signals.reps_config`` fills it from ``[reps]`` or ``[lift]``), and ``peak_hip_deg`` is in
the unit of whichever signal is fed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.core.profile_schema import Reps
from formcheck.core.vocab import Phase


@dataclass(frozen=True)
class SegmenterConfig:
    """The segmenter's thresholds, in the unit of its rep signal (degrees or shoulder widths)."""

    signal: str  # the measure fed as ``hip``: "hip_deg", "hip_lift_sw" or (offline) "body_lift_sw"
    enter_rise: float  # a rise this far above the running bottom starts a concentric ...
    enter_rise_frac: float  # ... or this fraction of the set's range, whichever is larger
    exit_drop: float
    exit_drop_frac: float
    min_rise: float  # a counted rep rises at least this far
    min_peak: float  # ... to at least this (-inf: no absolute floor)
    max_knee_at_top_deg: float
    start_top_min: float  # a clip that opens this high opens at a top (inf: never)
    top_band: float
    bottom_band_frac: float
    reset_gap_s: float
    phase_speed_per_s: float

    @classmethod
    def from_reps(cls, reps: Reps, *, signal: str = "hip_deg") -> "SegmenterConfig":
        """The side-on settings: the hip extension in degrees."""
        return cls(signal=signal, enter_rise=reps.enter_rise_deg, enter_rise_frac=reps.enter_rise_frac,
                   exit_drop=reps.exit_drop_deg, exit_drop_frac=reps.exit_drop_frac,
                   min_rise=reps.min_rise_deg, min_peak=reps.min_peak_hip_deg,
                   max_knee_at_top_deg=reps.max_knee_at_top_deg, start_top_min=reps.start_top_min_hip_deg,
                   top_band=reps.top_band_deg, bottom_band_frac=reps.bottom_band_frac,
                   reset_gap_s=reps.reset_gap_s, phase_speed_per_s=reps.phase_speed_deg_s)


@dataclass(frozen=True)
class RepWindow:
    """Frame indices of one rep (or partial) found by the segmenter, before per-rep measures."""

    start_frame: int  # the bottom it rose from (or the first frame when the clip opens at the top)
    peak_frame: int
    end_frame: int  # the bottom it returned to (or the last frame)
    peak_hip_deg: float
    knee_at_peak_deg: float
    counted: bool
    opened_at_top: bool = False
    closed_at_top: bool = False  # the data ended before the descent was complete
    straight_knee: bool = False  # the top's knee read straight: set-up unless other readings say rep


@dataclass
class _Pending:
    start: int
    start_hip: float
    peak: int
    peak_hip: float
    peak_knee: float
    opened_at_top: bool
    decided: bool | None = None  # None: not yet left the top


class Segmenter:
    """Feed ``step(i, t_s, hip_deg, knee_deg)`` per frame; collect closed reps from ``step``/``finish``."""

    def __init__(self, cfg: SegmenterConfig | Reps) -> None:
        self.cfg = cfg if isinstance(cfg, SegmenterConfig) else SegmenterConfig.from_reps(cfg)
        self.state = "unknown"
        self.set_min = np.inf
        self.set_max = -np.inf
        self.bot_hip = np.nan
        self.bot_i = -1
        self.pending: _Pending | None = None
        self.last_valid_t = -np.inf
        self.last_valid_i = -1
        self.count = 0
        self.partials = 0
        self.ignored = 0
        self._recent: deque[tuple[float, float]] = deque()

    def reconfigure(self, cfg: SegmenterConfig) -> None:
        """New thresholds from the next frame on, keeping the state (same signal and unit)."""
        if cfg.signal != self.cfg.signal:
            raise ValueError("a segmenter's signal cannot change: start a new one")
        self.cfg = cfg

    # thresholds relative to the set's range, with floors -------------------------------
    def _range(self) -> float:
        return float(self.set_max - self.set_min) if np.isfinite(self.set_max - self.set_min) else 0.0

    def enter_deg(self) -> float:
        return max(self.cfg.enter_rise, self.cfg.enter_rise_frac * self._range())

    def exit_deg(self) -> float:
        return max(self.cfg.exit_drop, self.cfg.exit_drop_frac * self._range())

    # -------------------------------------------------------------------------------------
    def step(self, i: int, t_s: float, hip: float, knee: float) -> tuple[str, list[RepWindow], RepWindow | None]:
        """Advance one frame. Returns (phase, reps closed now, rep decided now)."""
        closed: list[RepWindow] = []
        decided: RepWindow | None = None
        if not np.isfinite(hip):
            if t_s - self.last_valid_t > self.cfg.reset_gap_s and self.state != "unknown":
                closed.extend(self._abandon())
            return (Phase.UNKNOWN if self.state == "unknown" else self._phase(t_s, hip)), closed, None
        if t_s - self.last_valid_t > self.cfg.reset_gap_s and self.state != "unknown":
            closed.extend(self._abandon())
        self.last_valid_t, self.last_valid_i = t_s, i
        self.set_min = min(self.set_min, hip)
        self.set_max = max(self.set_max, hip)
        knee_bent = np.isfinite(knee) and knee <= self.cfg.max_knee_at_top_deg

        if self.state == "unknown":
            if hip >= self.cfg.start_top_min and knee_bent:
                self.pending = _Pending(i, np.nan, i, hip, knee, opened_at_top=True)
                self.state = "up"
            else:
                self.state = "bottom"
                self.bot_hip, self.bot_i = hip, i
        elif self.state in ("bottom", "down"):
            if hip < self.bot_hip:
                self.bot_hip, self.bot_i = hip, i
            elif hip >= self.bot_hip + self.enter_deg():
                if self.state == "down" and self.pending is not None:
                    closed.append(self._close(self.bot_i))
                self.pending = _Pending(self.bot_i, self.bot_hip, i, hip, knee, opened_at_top=False)
                self.state = "up"
        elif self.state == "up":
            p = self.pending
            assert p is not None
            if hip > p.peak_hip:
                p.peak, p.peak_hip, p.peak_knee = i, hip, knee
            elif hip <= p.peak_hip - self.exit_deg():
                decided = self._decide(p)
                self.state = "down"
                self.bot_hip, self.bot_i = hip, i
        return self._phase(t_s, hip), closed, decided

    def _decide(self, p: _Pending) -> RepWindow | None:
        cfg = self.cfg
        knee_ok = np.isfinite(p.peak_knee) and p.peak_knee <= cfg.max_knee_at_top_deg
        rise = np.inf if p.opened_at_top else p.peak_hip - p.start_hip
        if not knee_ok:
            p.decided = None  # straight legs at the "top": set-up movement, not a rep
            self.ignored += 1
            return None
        p.decided = bool(rise >= cfg.min_rise and p.peak_hip >= cfg.min_peak)
        if p.decided:
            self.count += 1
        else:
            self.partials += 1
        return RepWindow(p.start, p.peak, p.peak, p.peak_hip, p.peak_knee, p.decided, p.opened_at_top)

    def _close(self, end: int, closed_at_top: bool = False) -> RepWindow:
        p = self.pending
        assert p is not None
        self.pending = None
        return RepWindow(p.start, p.peak, end, p.peak_hip, p.peak_knee, bool(p.decided),
                         p.opened_at_top, closed_at_top, straight_knee=p.decided is None)

    def _abandon(self) -> list[RepWindow]:
        """A long gap: close a descending rep at its lowest point; drop one still rising."""
        out: list[RepWindow] = []
        if self.state == "down" and self.pending is not None:
            out.append(self._close(self.bot_i))
        self.pending = None
        self.state = "unknown"
        self._recent.clear()
        return out

    def finish(self) -> list[RepWindow]:
        """End of data: close what is open. A top the data ends in counts if it qualifies."""
        out: list[RepWindow] = []
        p = self.pending
        if self.state == "down" and p is not None:
            # Ended mid-descent (a cut or truncated clip): the descent's length is unknown.
            base = p.start_hip if np.isfinite(p.start_hip) else self.set_min
            reached = self.bot_hip <= base + self.cfg.bottom_band_frac * (p.peak_hip - base)
            out.append(self._close(self.bot_i, closed_at_top=not reached))
        elif self.state == "up" and p is not None and not p.opened_at_top:
            self._decide(p)
            out.append(self._close(self.last_valid_i, closed_at_top=True))
        self.pending = None
        self.state = "unknown"
        return out

    def _phase(self, t_s: float, hip: float) -> str:
        """Display phase from state plus the recent hip velocity."""
        if np.isfinite(hip):
            self._recent.append((t_s, hip))
        while self._recent and t_s - self._recent[0][0] > 0.2:
            self._recent.popleft()
        vel = 0.0
        if len(self._recent) >= 2 and self._recent[-1][0] > self._recent[0][0]:
            vel = (self._recent[-1][1] - self._recent[0][1]) / (self._recent[-1][0] - self._recent[0][0])
        speed = self.cfg.phase_speed_per_s
        if self.state == "unknown":
            return Phase.SETUP
        if self.state == "bottom":
            return Phase.BOTTOM if vel < speed else Phase.CONCENTRIC
        if self.state == "up":
            p = self.pending
            near_peak = p is not None and hip >= p.peak_hip - self.cfg.top_band
            return Phase.TOP if near_peak and vel < speed else Phase.CONCENTRIC
        return Phase.ECCENTRIC if vel < -speed else Phase.BOTTOM
