"""Drawing primitives shared by the frame overlay and the summary card: colours, sizes, text.

OpenCV's Hershey fonts are ASCII only: a degree sign is drawn as a small circle, and other
non-ASCII characters are transliterated. Every string goes through ``Pen``, which also records
the height of each text it draws, so tests can check that nothing is drawn too small to read.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import cv2
import numpy as np

# Colours, BGR. Fault and warning colours are from the Okabe-Ito palette (vermilion, yellow):
# they differ in lightness as well as hue, so they stay apart under red-green colour blindness.
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
DARK = (20, 20, 20)
GREY = (170, 170, 170)
BONE = (235, 235, 235)
WORK = (255, 200, 0)  # working leg and side: bright sky blue
GREEN = (90, 215, 60)
AMBER = (0, 170, 255)
RED = (50, 50, 225)
FAULT = (0, 94, 213)  # vermilion
WARN = (66, 228, 240)  # yellow
BAND = (34, 28, 24)  # the band added beside or below a frame

FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_BOLD = cv2.FONT_HERSHEY_DUPLEX
AA = cv2.LINE_AA
_CAP_PX_PER_SCALE = 22.0  # cap height of both Hershey fonts at scale 1.0

# Smallest text (cap height) as a fraction of the output's short side, per viewing situation:
# an annotated video watched on a 390 px wide phone, a live window read from 2 m away.
MIN_TEXT_FRAC = {"video": 0.032, "live": 0.040}


@dataclass(frozen=True)
class Style:
    """Sizes derived from the output's short side and how it is watched: one place to tune."""

    short_px: int
    viewing: str
    margin: int
    pad: int
    line: int
    small: float  # font scale of labels (the smallest text)
    body: float  # font scale of values and phase
    cue: float  # font scale of cue banners
    big: float  # font scale of rep counts

    @classmethod
    def for_size(cls, w: int, h: int, viewing: str = "video") -> "Style":
        short = max(1, min(int(w), int(h)))
        small_px = max(9.0, MIN_TEXT_FRAC.get(viewing, MIN_TEXT_FRAC["video"]) * short)
        small = small_px / _CAP_PX_PER_SCALE
        u = short / 480.0
        return cls(
            short_px=short, viewing=viewing, margin=max(4, round(10 * u)), pad=max(3, round(7 * u)),
            line=max(1, round(2 * u)), small=small, body=small * 1.3, cue=small * 1.35, big=small * 3.0,
        )

    def thick(self, scale: float) -> int:
        return max(1, round(scale * 2.2))

    @property
    def min_text_px(self) -> float:
        return self.small * _CAP_PX_PER_SCALE


def ascii_text(text: str) -> str:
    text = str(text).replace("°", " deg").replace("—", "-").replace("–", "-")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def text_size(text: str, scale: float, thick: int, font: int = FONT) -> tuple[int, int, int]:
    (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    return tw, th, base


def deg_size(text: str, scale: float, thick: int, font: int = FONT) -> tuple[int, int, int]:
    """Size of ``text`` followed by a drawn degree sign."""
    tw, th, base = text_size(text, scale, thick, font)
    r = max(2, round(th * 0.13))
    return tw + 2 * r + thick, th, base


def finite(v) -> bool:
    try:
        return v is not None and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def wrap(text: str, scale: float, thick: int, max_w: int, font: int = FONT) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and text_size(trial, scale, thick, font)[0] > max_w:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines or [""]


def fit_scale(text: str, scale: float, thick: int, max_w: int, floor: float, font: int = FONT) -> float:
    """Shrink ``scale`` until ``text`` fits in ``max_w``, never below ``floor``."""
    tw = text_size(text, scale, thick, font)[0]
    if tw <= max_w or tw == 0:
        return scale
    return max(min(floor, scale), scale * max_w / tw)


def ellipsize(text: str, scale: float, thick: int, max_w: int) -> str:
    if text_size(text, scale, thick)[0] <= max_w:
        return text
    while text and text_size(text + "...", scale, thick)[0] > max_w:
        text = text[:-1]
    return text.rstrip(" ,") + "..."


@dataclass
class Pen:
    """Draws on one image; records the pixel height of every text drawn (``text_px``)."""

    img: np.ndarray
    text_px: list[float] = field(default_factory=list)

    def text(self, text, org, scale, colour, thick, font=FONT) -> None:
        if text:
            self.text_px.append(scale * _CAP_PX_PER_SCALE)
        cv2.putText(self.img, text, (int(org[0]), int(org[1])), font, scale, colour, thick, AA)

    def text_deg(self, text, org, scale, colour, thick, font=FONT) -> int:
        """Write ``text`` then a small circle as the degree sign; return the total width."""
        self.text(text, org, scale, colour, thick, font)
        tw, th, _ = text_size(text, scale, thick, font)
        r = max(2, round(th * 0.13))
        stroke = max(1, round(thick * 0.6))
        # Hershey advances leave about one stroke of space after the last glyph.
        cx = int(org[0] + tw + r)
        cy = int(org[1] - th + r + stroke // 2)
        cv2.circle(self.img, (cx, cy), r, colour, stroke, AA)
        return tw + 2 * r + thick

    def panel(self, x0, y0, x1, y1, colour=BLACK, alpha=0.65) -> None:
        """Blend a filled rectangle into the image (clipped to it)."""
        h, w = self.img.shape[:2]
        x0, x1 = max(0, int(x0)), min(w, int(x1))
        y0, y1 = max(0, int(y0)), min(h, int(y1))
        if x1 <= x0 or y1 <= y0:
            return
        roi = self.img[y0:y1, x0:x1]
        fill = np.empty_like(roi)
        cv2.rectangle(fill, (0, 0), (x1 - x0, y1 - y0), colour, -1)  # faster than numpy's broadcast
        cv2.addWeighted(fill, alpha, roi, 1.0 - alpha, 0.0, dst=roi)
