"""Live loop statistics: what was captured, dropped and shown, and how long each stage took."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

FPS_WINDOW_S = 1.0  # the frame-rate readout counts frames shown over this long
LATENCY_WINDOW = 30  # the latency readout is the median of this many recent frames


@dataclass
class LiveStats:
    frames_captured: int = 0
    frames_dropped: int = 0  # captured but never analysed (the loop was busy, or paused)
    frames_processed: int = 0  # analysed and shown
    pose_timeouts: int = 0
    latency_ms: list[float] = field(default_factory=list)
    pose_ms: list[float] = field(default_factory=list)  # submit to result seen (inference + waiting)
    analyze_ms: list[float] = field(default_factory=list)  # Analyzer.update + set-up checks + speech
    draw_ms: list[float] = field(default_factory=list)  # draw_overlay
    show_ms: list[float] = field(default_factory=list)  # imshow + waitKey
    shown_at: list[float] = field(default_factory=list)  # clock() of each frame shown

    @property
    def fps_shown(self) -> float:
        if len(self.shown_at) < 2 or self.shown_at[-1] <= self.shown_at[0]:
            return float("nan")
        return (len(self.shown_at) - 1) / (self.shown_at[-1] - self.shown_at[0])

    def latency_summary(self) -> dict[str, float]:
        if not self.latency_ms:
            return {"median": float("nan"), "p90": float("nan"), "max": float("nan")}
        a = np.asarray(self.latency_ms)
        return {"median": float(np.median(a)), "p90": float(np.percentile(a, 90)), "max": float(a.max())}

    def stage_medians(self) -> dict[str, float | None]:
        return {k: round_or_none(float(np.median(v))) if v else None
                for k, v in (("pose_ms", self.pose_ms), ("analyze_ms", self.analyze_ms),
                             ("draw_ms", self.draw_ms), ("show_ms", self.show_ms))}

    def to_dict(self) -> dict:
        lat = self.latency_summary()
        out = {
            "frames_captured": self.frames_captured, "frames_dropped": self.frames_dropped,
            "frames_processed": self.frames_processed, "pose_timeouts": self.pose_timeouts,
            "fps_shown": round_or_none(self.fps_shown), "latency_ms_median": round_or_none(lat["median"]),
            "latency_ms_p90": round_or_none(lat["p90"]), "latency_ms_max": round_or_none(lat["max"]),
        }
        out.update({f"{k}_median": v for k, v in self.stage_medians().items()})
        return out


def round_or_none(v: float, nd: int = 2) -> float | None:
    return round(float(v), nd) if math.isfinite(v) else None



class Readout:
    """The on-screen frame rate (frames shown over the last second) and median recent latency."""

    def __init__(self) -> None:
        self._shown: deque[float] = deque()
        self._lat_ms: deque[float] = deque(maxlen=LATENCY_WINDOW)

    def add(self, shown_at: float, latency_ms: float) -> None:
        self._shown.append(shown_at)
        self._lat_ms.append(latency_ms)

    def fps(self, now: float) -> float | None:
        while self._shown and self._shown[0] < now - FPS_WINDOW_S:
            self._shown.popleft()
        if len(self._shown) < 2:
            return None
        span = self._shown[-1] - self._shown[0]
        return (len(self._shown) - 1) / span if span > 0 else None

    def latency_ms(self) -> float | None:
        return float(np.median(self._lat_ms)) if self._lat_ms else None
