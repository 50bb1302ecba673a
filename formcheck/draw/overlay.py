"""Draw a FrameResult on a video frame (OpenCV), and a SetReport as an end card.

Shared by the annotated video of ``formcheck analyze`` and the live webcam window. Renderers hold
no thresholds and do no analysis: every number drawn comes from the ``FrameResult`` (angles,
phase, counts, cues, ``targets_deg``) or the ``SetReport``.

Sizes scale with the frame (``min(width, height) / 480``) so the same overlay is legible on a
368x656 phone clip and readable from a few metres away on a 1080p laptop screen. Text sits on
semi-transparent dark panels so it reads on light and dark backgrounds alike.

OpenCV's Hershey fonts are ASCII only: a degree sign is drawn as a small circle, and other
non-ASCII characters in cues are transliterated.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.landmarks import N_LANDMARKS, SIDE_JOINTS, SKELETON_EDGES
from formcheck.core.report import FrameResult, Rep, SetReport

__all__ = ["draw_overlay", "draw_summary_card", "MIN_VISIBILITY"]

# Landmarks with a lower visibility than this are not drawn (a display choice, not a form rule).
MIN_VISIBILITY = 0.3

# Display range of the hip-extension gauge (a scale, not a threshold). It widens to include any
# target from ``targets_deg`` that falls outside it.
_GAUGE_RANGE_DEG = (80.0, 210.0)

# Colours, BGR.
_WHITE = (255, 255, 255)
_BLACK = (0, 0, 0)
_DARK = (20, 20, 20)
_GREY = (170, 170, 170)
_BONE = (235, 235, 235)
_WORK = (255, 200, 0)  # working leg and side: bright sky blue
_GREEN = (90, 215, 60)
_AMBER = (0, 170, 255)
_RED = (50, 50, 225)
_PHASE_COLOURS = {
    "setup": _GREY,
    "bottom": (235, 235, 235),
    "concentric": (255, 200, 0),
    "top": _GREEN,
    "eccentric": (0, 200, 255),
    "unknown": _GREY,
}
_PHASE_WORDS = {
    "setup": "SETUP",
    "bottom": "BOTTOM",
    "concentric": "LIFTING",
    "top": "TOP",
    "eccentric": "LOWERING",
    "unknown": "--",
}
# Angles shown in the panel, in this order, when present and finite in ``angles_deg``.
_ANGLE_LABELS = (("hip_deg", "Hip"), ("knee_deg", "Knee"), ("neck_deg", "Neck"), ("pelvis_deg", "Pelvis"))
# Lines on the hip gauge: targets_deg keys starting with "hip"; known ones get a colour.
_TARGET_COLOURS = {"hip_top": _GREEN, "hip_min_top": _AMBER, "hip_max_top": _RED}

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_FONT_BOLD = cv2.FONT_HERSHEY_DUPLEX
_AA = cv2.LINE_AA


# --------------------------------------------------------------------------- small helpers
@dataclass(frozen=True)
class _Style:
    """Sizes derived from the frame size: one place to tune legibility."""

    s: float
    margin: int
    pad: int
    line: int
    bone: int
    joint: int
    small: float  # font scale of labels
    body: float  # font scale of values and phase
    cue: float  # font scale of cue banners
    big: float  # font scale of rep counts

    @classmethod
    def for_size(cls, w: int, h: int) -> "_Style":
        s = max(0.5, min(w, h) / 480.0)
        return cls(
            s=s,
            margin=max(4, round(10 * s)),
            pad=max(3, round(8 * s)),
            line=max(1, round(2 * s)),
            bone=max(2, round(3 * s)),
            joint=max(3, round(5 * s)),
            small=max(0.45, 0.5 * s),
            body=0.85 * s,
            cue=0.95 * s,
            big=2.3 * s,
        )

    def thick(self, scale: float) -> int:
        return max(1, round(scale * 2.2))


def _ascii(text: str) -> str:
    text = str(text).replace("°", " deg").replace("—", "-").replace("–", "-")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _text_size(text: str, scale: float, thick: int, font: int = _FONT) -> tuple[int, int, int]:
    (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    return tw, th, base


def _put(img, text, org, scale, colour, thick, font=_FONT) -> None:
    cv2.putText(img, text, (int(org[0]), int(org[1])), font, scale, colour, thick, _AA)


def _deg_size(text: str, scale: float, thick: int, font: int = _FONT) -> tuple[int, int, int]:
    """Size of ``text`` followed by a drawn degree sign."""
    tw, th, base = _text_size(text, scale, thick, font)
    r = max(2, round(th * 0.13))
    return tw + 2 * r + thick, th, base


def _put_deg(img, text, org, scale, colour, thick, font=_FONT) -> int:
    """Write ``text`` then a small circle as the degree sign; return the total width."""
    _put(img, text, org, scale, colour, thick, font)
    tw, th, _ = _text_size(text, scale, thick, font)
    r = max(2, round(th * 0.13))
    stroke = max(1, round(thick * 0.6))
    # Hershey advances leave about one stroke of space after the last glyph.
    cx = int(org[0] + tw + r)
    cy = int(org[1] - th + r + stroke // 2)
    cv2.circle(img, (cx, cy), r, colour, stroke, _AA)
    return tw + 2 * r + thick


def _panel(img, x0, y0, x1, y1, colour=_BLACK, alpha=0.65) -> None:
    """Blend a filled rectangle into ``img`` (clipped to the image)."""
    h, w = img.shape[:2]
    x0, x1 = max(0, int(x0)), min(w, int(x1))
    y0, y1 = max(0, int(y0)), min(h, int(y1))
    if x1 <= x0 or y1 <= y0:
        return
    roi = img[y0:y1, x0:x1]
    fill = np.empty_like(roi)
    fill[:] = colour
    cv2.addWeighted(fill, alpha, roi, 1.0 - alpha, 0.0, dst=roi)


def _wrap(text: str, scale: float, thick: int, max_w: int, font: int = _FONT) -> list[str]:
    words = text.split()
    lines: list[str] = []
    cur = ""
    for word in words:
        trial = f"{cur} {word}".strip()
        if cur and _text_size(trial, scale, thick, font)[0] > max_w:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines or [""]


def _fit_scale(text: str, scale: float, thick: int, max_w: int, font: int = _FONT) -> float:
    """Shrink ``scale`` until ``text`` fits in ``max_w`` (never below 40 %)."""
    tw = _text_size(text, scale, thick, font)[0]
    if tw <= max_w or tw == 0:
        return scale
    return max(scale * 0.4, scale * max_w / tw)


def _finite(v) -> bool:
    try:
        return v is not None and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _check_frame(frame_bgr: np.ndarray) -> None:
    if not isinstance(frame_bgr, np.ndarray) or frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
        shape = getattr(frame_bgr, "shape", None)
        raise InputError(f"overlay needs a BGR frame of shape (H, W, 3), got {shape}")
    if frame_bgr.dtype != np.uint8:
        raise InputError(f"overlay needs a uint8 frame, got {frame_bgr.dtype}")


# --------------------------------------------------------------------------- skeleton
def _points_px(landmarks: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions (33, 2) int and a (33,) mask of drawable points."""
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.shape != (N_LANDMARKS, 4):
        raise InputError(f"image landmarks must have shape ({N_LANDMARKS}, 4), got {lm.shape}")
    xy = lm[:, :2] * np.array([w, h], dtype=np.float64)
    vis = lm[:, 3]
    # NaN visibility with finite x, y: visibility unknown (e.g. synthetic data), draw the point.
    ok = np.all(np.isfinite(xy), axis=1) & ~(vis < MIN_VISIBILITY)
    # Keep far-off-screen points from overflowing OpenCV's int coordinates.
    lim = 4.0 * max(w, h)
    xy = np.clip(np.nan_to_num(xy), -lim, lim)
    return np.rint(xy).astype(np.int32), ok


def _working_set(side: str) -> set[int]:
    sides = ("left", "right") if side == "both" else (side,)
    idx: set[int] = set()
    for sd in sides:
        j = SIDE_JOINTS.get(sd)
        if j:
            idx |= {j["hip"], j["knee"], j["ankle"], j["heel"], j["foot"]}
    return idx


def _draw_skeleton(img, landmarks, side: str, st: _Style) -> None:
    h, w = img.shape[:2]
    pts, ok = _points_px(landmarks, w, h)
    work = _working_set(side)
    edges = [(a, b) for a, b in SKELETON_EDGES if ok[a] and ok[b]]
    # Dark outlines first so bones read on light backgrounds, then colours; working leg on top.
    edges.sort(key=lambda e: (e[0] in work and e[1] in work))
    for a, b in edges:
        cv2.line(img, tuple(pts[a]), tuple(pts[b]), _DARK, st.bone + 2 * st.line, _AA)
    for a, b in edges:
        is_work = a in work and b in work
        colour = _WORK if is_work else _BONE
        thick = st.bone + (st.line if is_work else 0)
        cv2.line(img, tuple(pts[a]), tuple(pts[b]), colour, thick, _AA)
    used = {i for e in SKELETON_EDGES for i in e}
    for i in sorted(used, key=lambda i: i in work):
        if not ok[i]:
            continue
        r = st.joint + (st.line if i in work else 0)
        cv2.circle(img, tuple(pts[i]), r + st.line, _DARK, -1, _AA)
        cv2.circle(img, tuple(pts[i]), r, _WORK if i in work else _WHITE, -1, _AA)


# --------------------------------------------------------------------------- panels
def _draw_counter(img, result: FrameResult, side: str, st: _Style, max_x: int) -> tuple[int, int]:
    """Rep counts, top left, shrunk if needed to end before ``max_x``. Returns the bottom-right corner."""
    by_side = {k: int(v) for k, v in (result.reps_by_side or {}).items()}
    order = ["left", "right", "both"] + sorted(k for k in by_side if k not in ("left", "right", "both"))
    cols: list[tuple[str, int, tuple]] = []
    names = {"left": "LEFT", "right": "RIGHT", "both": "REPS"}
    for k in order:
        if k in by_side:
            colour = _WORK if (k == side or k == "both") else _WHITE
            cols.append((names.get(k, k.upper()[:6]), by_side[k], colour))
    if not cols:
        cols.append(("REPS", int(result.rep_count), _WHITE))
    elif len(cols) > 1:
        cols.append(("TOTAL", int(result.rep_count), _WHITE))

    gap = 4 * st.pad  # wide, with a rule between columns, so "3 2 5" never reads as 325
    x0, y0 = st.margin, st.margin

    def layout(k: float):
        lab_s, big_s = st.small * max(k, 0.8), st.big * k
        lab_t, big_t = st.thick(lab_s), max(2, st.thick(big_s) - 1)
        widths = [
            max(_text_size(label, lab_s, lab_t)[0], _text_size(str(n), big_s, big_t, _FONT_BOLD)[0])
            for label, n, _ in cols
        ]
        return lab_s, big_s, lab_t, big_t, widths, x0 + st.pad * 2 + sum(widths) + gap * (len(cols) - 1)

    k = 1.0
    lab_s, big_s, lab_t, big_t, widths, x1 = layout(k)
    while x1 > max_x and k > 0.45:  # e.g. two-digit counts on a narrow portrait frame
        k *= 0.9
        lab_s, big_s, lab_t, big_t, widths, x1 = layout(k)
    lab_h = _text_size("LEFT", lab_s, lab_t)[1]
    big_h = _text_size("0", big_s, big_t, _FONT_BOLD)[1]
    y1 = y0 + st.pad * 3 + lab_h + big_h + st.pad
    _panel(img, x0, y0, x1, y1)
    x = x0 + st.pad
    for (label, n, colour), cw in zip(cols, widths):
        lw = _text_size(label, lab_s, lab_t)[0]
        _put(img, label, (x + (cw - lw) // 2, y0 + st.pad + lab_h), lab_s, _GREY, lab_t)
        nw = _text_size(str(n), big_s, big_t, _FONT_BOLD)[0]
        _put(img, str(n), (x + (cw - nw) // 2, y0 + st.pad * 3 + lab_h + big_h), big_s, colour, big_t, _FONT_BOLD)
        x += cw + gap
        if x < x1 - st.pad:
            sx = x - gap // 2
            cv2.line(img, (sx, y0 + st.pad), (sx, y1 - st.pad), (110, 110, 110), max(1, st.line // 2), _AA)
    return x1, y1


def _draw_phase(img, result: FrameResult, st: _Style, show_fps, latency_ms) -> tuple[int, int]:
    """Phase word (and fps/latency), top right. Returns the panel's left x and bottom y
    (``(width, 0)`` when there is nothing to draw)."""
    h, w = img.shape[:2]
    phase = (result.phase or "unknown").lower()
    word = "" if phase == "unknown" else _PHASE_WORDS.get(phase, _ascii(phase).upper())
    colour = _PHASE_COLOURS.get(phase, _WHITE)
    scale = st.cue
    thick = st.thick(scale)
    tw, th, base = _text_size(word, scale, thick, _FONT_BOLD) if word else (0, 0, 0)
    parts = []
    if _finite(show_fps):
        parts.append(f"{float(show_fps):.0f} fps")
    if _finite(latency_ms):
        parts.append(f"{float(latency_ms):.0f} ms")
    info = "  ".join(parts)
    iw, ih = 0, 0
    if info:
        iw, ih, _ = _text_size(info, st.small, st.thick(st.small))
    if not word and not info:
        return w, 0
    pw = max(tw, iw) + 2 * st.pad
    x1, y0 = w - st.margin, st.margin
    x0 = x1 - pw
    y1 = y0 + 2 * st.pad + (th + base if word else 0) + ((st.pad if word else 0) + ih if info else 0)
    _panel(img, x0, y0, x1, y1)
    y = y0 + st.pad
    if word:
        y += th
        _put(img, word, (x1 - st.pad - tw, y), scale, colour, thick, _FONT_BOLD)
        y += base
    if info:
        y += (st.pad if word else 0) + ih
        _put(img, info, (x1 - st.pad - iw, y), st.small, _GREY, st.thick(st.small))
    return x0, y1


def _draw_angles(img, angles: dict, st: _Style, top: int, bottom: int) -> None:
    """Angle panel on the left, below the rep counter."""
    rows = [(label, float(angles[k])) for k, label in _ANGLE_LABELS if _finite(angles.get(k))]
    if not rows:
        return
    lab_s, val_s = st.small * 1.1, st.body
    lab_t, val_t = st.thick(lab_s), st.thick(val_s)
    lab_w = max(_text_size(lab, lab_s, lab_t)[0] for lab, _ in rows)
    val_w = max(_deg_size(str(round(v)), val_s, val_t)[0] for _, v in rows)
    row_h = _text_size("0", val_s, val_t)[1] + st.pad * 2
    x0, y0 = st.margin, top + st.margin
    # Keep to the room above the cue banner: drop the last rows rather than overlap.
    room = max(0, bottom - y0 - st.pad)
    rows = rows[: max(1, room // row_h)] if room >= row_h else []
    if not rows:
        return
    x1 = x0 + st.pad * 3 + lab_w + val_w
    y1 = y0 + st.pad + row_h * len(rows)
    _panel(img, x0, y0, x1, y1)
    y = y0 + st.pad
    for label, v in rows:
        baseline = y + row_h - st.pad
        _put(img, label, (x0 + st.pad, baseline), lab_s, _GREY, lab_t)
        _put_deg(img, str(round(v)), (x0 + st.pad * 2 + lab_w, baseline), val_s, _WHITE, val_t)
        y += row_h


def _draw_gauge(img, result: FrameResult, st: _Style, top: int, bottom: int) -> None:
    """Vertical hip-extension bar on the right with the target lines from ``targets_deg``."""
    h, w = img.shape[:2]
    targets = {
        k: float(v) for k, v in (result.targets_deg or {}).items() if k.startswith("hip") and _finite(v)
    }
    value = result.angles_deg.get("hip_deg") if result.angles_deg else None
    value = float(value) if _finite(value) else None
    lo, hi = _GAUGE_RANGE_DEG
    if targets:
        lo = min(lo, min(targets.values()) - 10.0)
        hi = max(hi, max(targets.values()) + 10.0)

    lab_s = st.small
    lab_t = st.thick(lab_s)
    val_s = st.body
    val_t = st.thick(val_s)
    bar_w = max(8, round(22 * st.s))
    tick_w = max((_text_size(f"{round(t)}", lab_s, lab_t)[0] for t in targets.values()), default=0)
    title_h = _text_size("HIP", lab_s, lab_t)[1]
    val_text = f"{round(value)}" if value is not None else "--"
    vw, vh, _ = _deg_size(val_text, val_s, val_t) if value is not None else _text_size(val_text, val_s, val_t)

    x1 = w - st.margin
    inner_w = max(bar_w + (tick_w + st.pad if tick_w else 0), vw, _text_size("HIP", lab_s, lab_t)[0])
    x0 = x1 - inner_w - 2 * st.pad
    y0 = top + st.margin
    y1 = bottom - st.margin
    bar_top = y0 + st.pad * 2 + title_h
    bar_bot = y1 - st.pad * 2 - vh
    if bar_bot - bar_top < 30 * st.s:  # not enough room: skip rather than draw a smudge
        return
    _panel(img, x0, y0, x1, y1)
    _put(img, "HIP", (x1 - st.pad - _text_size("HIP", lab_s, lab_t)[0], y0 + st.pad + title_h), lab_s, _GREY, lab_t)

    bx1 = x1 - st.pad
    bx0 = bx1 - bar_w

    def y_of(v: float) -> int:
        f = (min(max(v, lo), hi) - lo) / (hi - lo)
        return int(round(bar_bot - f * (bar_bot - bar_top)))

    cv2.rectangle(img, (bx0, bar_top), (bx1, bar_bot), (60, 60, 60), -1)
    fill = _WHITE
    if value is not None:
        # Colour only by comparison with the profile's own targets: green once at/above the
        # incomplete-extension threshold the analysis would accept.
        if "hip_min_top" in targets and value >= targets["hip_min_top"]:
            fill = _GREEN
        cv2.rectangle(img, (bx0, y_of(value)), (bx1, bar_bot), fill, -1)
    cv2.rectangle(img, (bx0, bar_top), (bx1, bar_bot), _GREY, max(1, st.line // 2))
    for key, t in sorted(targets.items(), key=lambda kv: kv[1]):
        colour = _TARGET_COLOURS.get(key, _GREY)
        y = y_of(t)
        cv2.line(img, (bx0 - st.pad // 2, y), (bx1 + st.pad // 2, y), _DARK, st.line + 2, _AA)
        cv2.line(img, (bx0 - st.pad // 2, y), (bx1 + st.pad // 2, y), colour, st.line, _AA)
        label = f"{round(t)}"
        lw, lh, _ = _text_size(label, lab_s, lab_t)
        _put(img, label, (bx0 - st.pad - lw, y + lh // 2), lab_s, colour, lab_t)
    vx = x1 - st.pad - vw
    vy = y1 - st.pad
    if value is not None:
        _put_deg(img, val_text, (vx, vy), val_s, fill, val_t)
    else:
        _put(img, val_text, (vx, vy), val_s, _GREY, val_t)


def _cue_severity(result: FrameResult) -> dict[str, str]:
    """Severity of each cue, where the frame's new rep carries the fault that produced it."""
    out: dict[str, str] = {}
    rep = result.new_rep
    if rep is not None:
        for f in rep.faults:
            if f.cue and (out.get(f.cue) != "fault"):
                out[f.cue] = f.severity
    return out


def _draw_cues(img, result: FrameResult, st: _Style, max_cues: int = 3) -> int:
    """Cue banners stacked at the bottom, full width. Returns the top y of the stack."""
    h, w = img.shape[:2]
    cues = [_ascii(c).strip() for c in result.cues if str(c).strip()]
    if not cues:
        return h
    extra = len(cues) - max_cues
    cues = cues[:max_cues]
    severity = _cue_severity(result)
    scale, thick = st.cue, st.thick(st.cue)
    max_w = w - 2 * st.margin - 2 * st.pad
    y = h - st.margin
    for cue in reversed(cues):
        sev = severity.get(cue, "warn")
        bg, fg = (_RED, _WHITE) if sev == "fault" else (_AMBER, _BLACK)
        lines = _wrap(cue, scale, thick, max_w)
        line_h = _text_size("Ag", scale, thick)[1]
        step = int(line_h * 1.5)
        band_h = step * (len(lines) - 1) + line_h + 2 * st.pad
        y0 = y - band_h
        _panel(img, st.margin, y0, w - st.margin, y, bg, 0.85)
        ty = y0 + st.pad + line_h
        for ln in lines:
            s2 = _fit_scale(ln, scale, thick, max_w)
            tw = _text_size(ln, s2, thick)[0]
            _put(img, ln, ((w - tw) // 2, ty), s2, fg, thick)
            ty += step
        y = y0 - st.pad // 2
    if extra > 0:
        more = f"+{extra} more"
        tw, th, _ = _text_size(more, st.small, st.thick(st.small))
        _panel(img, w - st.margin - tw - 2 * st.pad, y - th - 2 * st.pad, w - st.margin, y)
        _put(img, more, (w - st.margin - st.pad - tw, y - st.pad), st.small, _WHITE, st.thick(st.small))
        y -= th + 2 * st.pad
    return y


def _draw_notice(
    img, text: str, st: _Style, *, y_top: int | None = None, y_centre: int | None = None,
    border=None, scale: float | None = None,
) -> int:
    """A centred box of wrapped text, placed by its top or its centre. Returns its bottom y."""
    h, w = img.shape[:2]
    scale = scale or st.cue
    thick = st.thick(scale)
    max_w = w - 2 * st.margin - 4 * st.pad
    lines = _wrap(_ascii(text), scale, thick, max_w)
    scales = [_fit_scale(ln, scale, thick, max_w) for ln in lines]
    widths = [_text_size(ln, sc, thick)[0] for ln, sc in zip(lines, scales)]
    line_h = _text_size("Ag", scale, thick)[1]
    step = int(line_h * 1.55)
    box_w = max(widths) + 4 * st.pad
    box_h = step * (len(lines) - 1) + line_h + 4 * st.pad
    x0 = (w - box_w) // 2
    y0 = y_top if y_top is not None else (y_centre if y_centre is not None else h // 2) - box_h // 2
    y0 = max(0, min(h - box_h, int(y0)))
    _panel(img, x0, y0, x0 + box_w, y0 + box_h, _BLACK, 0.75)
    if border is not None:
        cv2.rectangle(img, (x0, y0), (x0 + box_w, y0 + box_h), border, st.line, _AA)
    ty = y0 + 2 * st.pad + line_h
    for ln, sc, lw in zip(lines, scales, widths):
        _put(img, ln, ((w - lw) // 2, ty), sc, _WHITE, thick)
        ty += step
    return y0 + box_h


# --------------------------------------------------------------------------- public API
def draw_overlay(
    frame_bgr: np.ndarray,
    landmarks_image: np.ndarray | None,
    result: FrameResult,
    *,
    working_side: str | None = None,
    show_fps: float | None = None,
    latency_ms: float | None = None,
    banner: str | None = None,
) -> np.ndarray:
    """Draw one frame's analysis on a copy of ``frame_bgr`` and return the copy.

    The input frame is never modified; the result has the same shape and dtype (uint8 BGR).

    ``landmarks_image``: (33, 4) normalized x, y (fractions of width and height), z, visibility,
    or None. NaN points and points with visibility below ``MIN_VISIBILITY`` are not drawn.
    ``working_side`` overrides ``result.working_side`` for the leg highlight. ``banner``: an
    extra notice (e.g. live setup guidance). ``show_fps`` / ``latency_ms``: a small readout.
    """
    _check_frame(frame_bgr)
    img = frame_bgr.copy()
    h, w = img.shape[:2]
    st = _Style.for_size(w, h)
    side = (working_side or result.working_side or "").lower()
    angles = dict(result.angles_deg or {})

    if not result.person:
        # Dim the frame so the notice is unmistakable.
        _panel(img, 0, 0, w, h, _BLACK, 0.35)
    elif landmarks_image is not None:
        _draw_skeleton(img, landmarks_image, side, st)

    phase_left, phase_bottom = _draw_phase(img, result, st, show_fps, latency_ms)
    _, counter_bottom = _draw_counter(img, result, side, st, phase_left - st.margin)
    cue_top = _draw_cues(img, result, st)

    left_top, right_top = counter_bottom, max(phase_bottom, st.margin)
    if banner:
        # Below the top row, full width; the side panels start under it.
        y = max(counter_bottom, phase_bottom) + st.margin
        banner_bottom = _draw_notice(img, banner, st, y_top=y, border=_WORK)
        left_top = right_top = banner_bottom
    if result.person:
        _draw_angles(img, angles, st, left_top, cue_top - st.margin)
        # Cap the gauge's height: on tall portrait frames a full-height bar reads worse.
        _draw_gauge(img, result, st, right_top, min(cue_top, right_top + int(0.62 * h)))
    else:
        _draw_notice(
            img, "No person in view", st, y_centre=max(h // 2, left_top + st.margin + h // 10),
            border=_RED, scale=st.cue * 1.2,
        )
    return img


def _ellipsize(text: str, scale: float, thick: int, max_w: int) -> str:
    if _text_size(text, scale, thick)[0] <= max_w:
        return text
    while text and _text_size(text + "...", scale, thick)[0] > max_w:
        text = text[:-1]
    return text.rstrip(" ,") + "..."


def _rep_faults(rep: Rep) -> tuple[str, tuple]:
    if not rep.faults:
        return "clean", _GREEN
    sev = "fault" if any(f.severity == "fault" for f in rep.faults) else "warn"
    names: list[str] = []
    for f in rep.faults:
        name = f.code.replace("_", " ")
        if name not in names:
            names.append(name)
    return ", ".join(names), (_RED if sev == "fault" else _AMBER)


def draw_summary_card(report: SetReport, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """An end card summarising the set; returns a new uint8 BGR image of ``size`` = (w, h).

    Header: exercise, view, source; reps per side in large type, partial reps and duration.
    Then one row per counted rep: number, side, peak hip extension, knee at the top, hold and
    faults (red: a fault, amber: warnings only, green: clean). Rows shrink to fit; those that
    still do not fit are summarised as "+N more reps". Narrow (portrait) cards put each rep's
    faults on a second line. Views that could not judge a fault are listed at the bottom.
    """
    w, h = (int(v) for v in size)
    if w <= 0 or h <= 0:
        raise InputError(f"summary card size must be positive (width, height), got {size}")
    img = np.full((h, w, 3), (32, 26, 22), np.uint8)
    st = _Style.for_size(w, h)
    m = 2 * st.margin
    max_w = w - 2 * m
    narrow = w < 1.2 * h

    # Title and source.
    exercise = _ascii(report.exercise.replace("_", " ")).strip() or "exercise"
    view = _ascii(report.view.replace("_", " ")).strip()
    title = exercise[:1].upper() + exercise[1:] + (f" - {view} view" if view and view != "unknown" else "")
    t_t = st.thick(st.cue * 1.1)
    t_s = _fit_scale(title, st.cue * 1.1, t_t, max_w)
    y = m + _text_size(title, t_s, t_t)[1]
    _put(img, title, (m, y), t_s, _WHITE, t_t)
    if report.source:
        src = _ascii(report.source.replace("\\", "/").rsplit("/", 1)[-1])
        s_t = st.thick(st.small)
        s_s = _fit_scale(src, st.small, s_t, max_w)
        y += st.pad + _text_size(src, s_s, s_t)[1] + st.pad // 2
        _put(img, src, (m, y), s_s, _GREY, s_t)

    # Counts: one column per side, then the total.
    y += st.pad * 3
    by_side = report.reps_by_side
    cols: list[tuple[str, int, tuple]] = []
    for k, name in (("left", "LEFT"), ("right", "RIGHT"), ("both", "REPS")):
        if k in by_side:
            cols.append((name, by_side[k], _WORK))
    for k in sorted(by_side):
        if k not in ("left", "right", "both"):
            cols.append((_ascii(k).upper()[:6], by_side[k], _WORK))
    if len(cols) != 1:
        cols.append(("TOTAL" if cols else "REPS", report.rep_count, _WHITE))
    big_s = st.big * 0.9
    big_t = max(2, st.thick(big_s) - 1)
    lab_s, lab_t = st.small, st.thick(st.small)
    lab_h = _text_size("L", lab_s, lab_t)[1]
    big_h = _text_size("0", big_s, big_t, _FONT_BOLD)[1]
    x = m
    for name, n, colour in cols:
        cw = max(_text_size(name, lab_s, lab_t)[0], _text_size(str(n), big_s, big_t, _FONT_BOLD)[0])
        _put(img, name, (x, y + lab_h), lab_s, _GREY, lab_t)
        _put(img, str(n), (x, y + lab_h + st.pad * 2 + big_h), big_s, colour, big_t, _FONT_BOLD)
        x += cw + st.pad * 5
    counts_bottom = y + lab_h + st.pad * 2 + big_h
    extra = []
    if report.partials:
        k = len(report.partials)
        extra.append(f"{k} partial rep{'s' if k != 1 else ''} (not counted)")
    if _finite(report.duration_s) and report.duration_s > 0:
        extra.append(f"{report.duration_s:.0f} s")
    if extra:
        i_s = st.small * 1.1
        i_t = st.thick(i_s)
        if narrow or x + _text_size("   ".join(extra), i_s, i_t)[0] > w - m:
            counts_bottom += st.pad * 2 + _text_size("A", i_s, i_t)[1]
            _put(img, _ellipsize("   ".join(extra), i_s, i_t, max_w), (m, counts_bottom), i_s, _GREY, i_t)
        else:
            _put(img, "   ".join(extra), (x, counts_bottom), i_s, _GREY, i_t)
    y = counts_bottom + st.pad * 4

    # Footer: what the view could not judge.
    foot_bottom = h - m
    if report.not_assessed:
        names = ", ".join(dict.fromkeys(n.code.replace("_", " ") for n in report.not_assessed))
        f_s, f_t = st.small, st.thick(st.small)
        text = _ellipsize(f"Not assessed from this view: {_ascii(names)}", f_s, f_t, max_w)
        _put(img, text, (m, foot_bottom), f_s, _GREY, f_t)
        foot_bottom -= _text_size(text, f_s, f_t)[1] + st.pad * 2

    # Table: header, then rows sized to fit the room left.
    head = ("#", "SIDE", "PEAK HIP", "KNEE TOP", "HOLD") + (() if narrow else ("FAULTS",))
    frac = (0.0, 0.09, 0.25, 0.47, 0.69) if narrow else (0.0, 0.06, 0.16, 0.30, 0.44, 0.55)
    xs = [m + int(f * max_w) for f in frac]
    h_s, h_t = st.small, st.thick(st.small)
    h_h = _text_size("A", h_s, h_t)[1]
    head_s = min([_fit_scale(t, h_s, h_t, (xs[i + 1] - xs[i] - st.pad) if i + 1 < len(xs) else max_w)
                  for i, t in enumerate(head)])
    for hx, text in zip(xs, head):
        _put(img, text, (hx, y + h_h), head_s, _GREY, h_t)
    y += h_h + st.pad
    cv2.line(img, (m, y), (w - m, y), _GREY, max(1, st.line // 2), _AA)
    y += st.pad
    reps = list(report.reps)
    room = max(0, foot_bottom - y)
    lines_per_rep = 2 if narrow else 1
    row_s = st.body * 0.85
    min_s = max(0.4, st.body * 0.4)

    def row_height(sc: float) -> int:
        return int(_text_size("Ag", sc, st.thick(sc))[1] * 1.9)

    while row_s > min_s and row_height(row_s) * lines_per_rep * max(1, len(reps)) > room:
        row_s *= 0.92
    row_s = max(row_s, min_s)
    row_t = st.thick(row_s)
    line_h = row_height(row_s)
    rep_h = line_h * lines_per_rep
    if not reps:
        _put(img, "No counted reps", (m, y + line_h - st.pad), row_s, _GREY, row_t)
        return img
    n_fit = max(0, room // rep_h)
    if n_fit < len(reps):
        n_fit = max(0, (room - line_h) // rep_h)
    text_h = _text_size("0", row_s, row_t)[1]
    for i, rep in enumerate(reps[:n_fit]):
        base = y + (line_h + text_h) // 2
        if i % 2 == 1:
            _panel(img, m - st.pad, y, w - m + st.pad, y + rep_h, _WHITE, 0.06)
        side = {"left": "L", "right": "R", "both": "both"}.get(rep.side, _ascii(rep.side)[:5])
        _put(img, str(rep.index), (xs[0], base), row_s, _WHITE, row_t)
        _put(img, side, (xs[1], base), row_s, _WHITE, row_t)
        for col, v in ((2, rep.peak_hip_extension_deg), (3, rep.knee_at_top_deg)):
            if _finite(v):
                _put_deg(img, str(round(float(v))), (xs[col], base), row_s, _WHITE, row_t)
            else:
                _put(img, "--", (xs[col], base), row_s, _GREY, row_t)
        hold = f"{rep.hold_s:.1f} s" if _finite(rep.hold_s) else "--"
        _put(img, hold, (xs[4], base), row_s, _WHITE, row_t)
        text, colour = _rep_faults(rep)
        if narrow:
            fx, fy = xs[1], base + line_h
        else:
            fx, fy = xs[5], base
        _put(img, _ellipsize(text, row_s, row_t, w - m - fx), (fx, fy), row_s, colour, row_t)
        y += rep_h
    if n_fit < len(reps):
        _put(img, f"+{len(reps) - n_fit} more reps", (m, y + (line_h + text_h) // 2), row_s, _GREY, row_t)
    return img
