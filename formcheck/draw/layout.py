"""Where the overlay's panels go: off the athlete, in free corners or sides, or in an added band.

The body's extent (a box around the visible landmarks, over a whole clip or the last second
live) is the one thing panels must not cover. ``plan_layout`` packs the panels (rep counter,
phase, angles, hip gauge, cue banners, live notices) greedily, each as near its usual corner as
the free room allows. When the frame has no room, the annotated video gets a band and the panels go there: the video grows,
the picture is never covered. The band goes beside a landscape frame and below a portrait or square
one, so the output's short side (which text is sized from) stays the frame's. Live has no band: panels stay translucent and a ``LivePlacer`` moves
them when the athlete moves into them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.draw.primitives import FONT_BOLD, Style, deg_size, text_size

MIN_VISIBILITY = 0.3  # landmarks below this visibility are neither drawn nor kept clear of
BODY_MARGIN_FRAC = 0.03  # clearance around the body box, as a fraction of the short side
LIVE_BODY_WINDOW_S = 1.0  # live: the body's extent over this long
CLIP_BODY_PERCENTILE = 1.0  # offline: per-frame box edges beyond this percentile are outliers
_BAND_GROW_STEPS = 6
_AVOID_WEIGHT = 50.0  # live, crowded: px² of distance from a panel's corner worth 1 px² of body covered

# Panels in packing order, with the corner each prefers (fractions of the area: x, y).
_PREFERRED = {"counter": (0.0, 0.0), "phase": (1.0, 0.0), "cues": (0.5, 1.0), "gauge": (1.0, 0.0),
              "angles": (0.0, 0.0), "notice": (0.5, 0.0)}
_FLEXIBLE = ("cues", "notice")  # as wide as the room they sit in


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels, ``x1``/``y1`` exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    def grow(self, m: int) -> "Box":
        return Box(self.x0 - m, self.y0 - m, self.x1 + m, self.y1 + m)

    def intersects(self, o: "Box") -> bool:
        return self.x0 < o.x1 and o.x0 < self.x1 and self.y0 < o.y1 and o.y0 < self.y1

    def inside(self, o: "Box") -> bool:
        return self.x0 >= o.x0 and self.y0 >= o.y0 and self.x1 <= o.x1 and self.y1 <= o.y1


@dataclass(frozen=True)
class Layout:
    """Where each panel goes on the output canvas; the camera frame sits at (0, 0)."""

    canvas: tuple[int, int]  # (w, h) of the output: the frame plus any band
    frame: tuple[int, int]  # (w, h) of the camera frame
    slots: dict[str, Box]
    style: Style
    body: Box | None
    band: Box | None = None
    translucent: bool = False  # panels over the picture stay see-through (live)
    crowded: bool = False  # some panel found no free room and sits in its usual corner

    def covers_body(self, body: Box | None) -> bool:
        return body is not None and any(s.intersects(body) for s in self.slots.values())


# --------------------------------------------------------------------------- the body's extent
def frame_box(landmarks: np.ndarray | None, w: int, h: int) -> Box | None:
    """Box around one frame's visible landmarks (normalized (33, 4)), clipped to the frame."""
    if landmarks is None:
        return None
    lm = np.asarray(landmarks, dtype=np.float64)
    ok = np.all(np.isfinite(lm[:, :2]), axis=1) & ~(lm[:, 3] < MIN_VISIBILITY)
    if not ok.any():
        return None
    xy = np.clip(lm[ok, :2], 0.0, 1.0) * (w, h)
    x0, y0 = np.floor(xy.min(axis=0)).astype(int)
    x1, y1 = np.ceil(xy.max(axis=0)).astype(int)
    return Box(int(x0), int(y0), int(x1) + 1, int(y1) + 1)


def clip_box(image_landmarks: np.ndarray, w: int, h: int) -> Box | None:
    """The body's extent over a clip ((n, 33, 4) normalized): stray single-frame misdetections
    beyond the 1st/99th percentile of the per-frame boxes are ignored."""
    boxes = [b for b in (frame_box(f, w, h) for f in image_landmarks) if b is not None]
    if not boxes:
        return None
    a = np.array([(b.x0, b.y0, b.x1, b.y1) for b in boxes], dtype=np.float64)
    p = CLIP_BODY_PERCENTILE
    lo = np.percentile(a[:, :2], p, axis=0)
    hi = np.percentile(a[:, 2:], 100.0 - p, axis=0)
    return Box(int(lo[0]), int(lo[1]), int(np.ceil(hi[0])), int(np.ceil(hi[1])))


def union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


# --------------------------------------------------------------------------- panel sizes
def panel_sizes(st: Style, *, n_count_cols: int = 3, fps_line: bool = False) -> dict[str, tuple[int, int]]:
    """Nominal (w, h) of each panel for a style: the packer reserves this much room."""
    p = st.pad
    lab_t, big_t = st.thick(st.small), max(2, st.thick(st.big) - 1)
    lab_w, lab_h, _ = text_size("RIGHT", st.small, lab_t)
    big_w, big_h, _ = text_size("00", st.big, big_t, FONT_BOLD)
    col_w = max(lab_w, big_w)
    counter = (2 * p + n_count_cols * col_w + 4 * p * (n_count_cols - 1), 4 * p + lab_h + big_h)
    ph_t = st.thick(st.cue)
    pw, ph, pb = text_size("LOWERING", st.cue, ph_t, FONT_BOLD)
    info_w, info_h, _ = text_size("30 fps  100 ms", st.small, lab_t)
    phase = (max(pw, info_w if fps_line else 0) + 2 * p, ph + pb + 2 * p + (p + info_h if fps_line else 0))
    val_t = st.thick(st.body)
    a_lab = text_size("Pelvis", st.small * 1.1, st.thick(st.small * 1.1))[0]
    a_val = deg_size("180", st.body, val_t)[0]
    row_h = text_size("0", st.body, val_t)[1] + 2 * p
    angles = (3 * p + a_lab + a_val, p + 3 * row_h)
    bar_w = max(8, round(0.045 * st.short_px))
    g_w = max(bar_w + text_size("180", st.small, lab_t)[0] + p, deg_size("180", st.body, val_t)[0]) + 2 * p
    gauge = (g_w, max(int(0.26 * st.short_px), 5 * row_h))
    cue_h = text_size("Ag", st.cue, ph_t)[1]
    cues = (int(0.5 * st.short_px), int(cue_h * 1.5) + 2 * (cue_h + 2 * p) + p)  # a 2-line and a 1-line cue
    notice = (int(0.5 * st.short_px), 2 * int(cue_h * 1.55) + cue_h + 4 * p)
    return {"counter": counter, "phase": phase, "cues": cues, "gauge": gauge, "angles": angles, "notice": notice}


# --------------------------------------------------------------------------- packing
def _candidates(name: str, size: tuple[int, int], area: Box, body: Box | None, placed: list[Box],
                m: int) -> list[Box]:
    w, h = size
    if name in _FLEXIBLE:
        spans = [(area.x0 + m, area.x1 - m)]
        if body is not None:
            spans += [(area.x0 + m, body.x0 - m), (body.x1 + m, area.x1 - m)]
        ys = [area.y1 - m - h, area.y0 + m] + [p.y1 + m for p in placed] + [p.y0 - m - h for p in placed]
        if body is not None:
            ys += [body.y1 + m, body.y0 - m - h]
        return [Box(x0, y, x1, y + h) for x0, x1 in spans if x1 - x0 >= w for y in ys]
    xs = [area.x0 + m, area.x1 - m - w] + [p.x1 + m for p in placed] + [p.x0 - m - w for p in placed]
    ys = [area.y0 + m, area.y1 - m - h] + [p.y1 + m for p in placed] + [p.y0 - m - h for p in placed]
    if body is not None:
        xs += [body.x0 - m - w, body.x1 + m]
        ys += [body.y0 - m - h, body.y1 + m]
    return [Box(x, y, x + w, y + h) for x in xs for y in ys]


def _pack(sizes: dict[str, tuple[int, int]], names: list[str], area: Box, body: Box | None,
          blocked: list[Box], m: int, avoid: Box | None = None) -> tuple[dict[str, Box], list[str]]:
    """Place each panel inside ``area``, clear of ``blocked`` and of each other, nearest its
    preferred corner (and covering as little of ``avoid`` as it can). Returns the slots and the
    names that found no room."""
    slots: dict[str, Box] = {}
    missing: list[str] = []
    inner = area.grow(-(m // 2))  # never flush with the picture's or the band's edge
    for name in names:
        fx, fy = _PREFERRED[name]
        px, py = area.x0 + fx * area.w, area.y0 + fy * area.h
        best, best_d = None, None
        for c in _candidates(name, sizes[name], area, body, list(slots.values()), m):
            if not c.inside(inner) or any(c.intersects(b) for b in blocked):
                continue
            if any(c.intersects(s.grow(m // 2)) for s in slots.values()):
                continue
            cx = c.x0 if fx < 0.5 else (c.x1 if fx > 0.5 else (c.x0 + c.x1) / 2)
            cy = c.y0 if fy < 0.5 else (c.y1 if fy > 0.5 else (c.y0 + c.y1) / 2)
            d = (cx - px) ** 2 + (cy - py) ** 2 + (_AVOID_WEIGHT * _overlap(c, avoid) if avoid else 0.0)
            if best_d is None or d < best_d:
                best, best_d = c, d
        if best is None:
            missing.append(name)
        else:
            slots[name] = best
    return slots, missing


def _overlap(a: Box, b: Box) -> float:
    return float(max(0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0, min(a.y1, b.y1) - max(a.y0, b.y0)))


def _default_slot(name: str, size: tuple[int, int], area: Box, m: int) -> Box:
    """The panel's usual corner, body or not (live, when nothing is free)."""
    fx, fy = _PREFERRED[name]
    w, h = size
    if name in _FLEXIBLE:
        w = area.w - 2 * m
    x = area.x0 + m + fx * (area.w - 2 * m - w)
    y = area.y0 + m + fy * (area.h - 2 * m - h)
    return Box(int(x), int(y), int(x) + w, int(y) + h)


def plan_layout(w: int, h: int, body: Box | None, *, viewing: str = "video", band: bool = False,
                n_count_cols: int = 3, notice: bool = False) -> Layout:
    """Slots for the panels of a ``w`` x ``h`` frame whose athlete stays inside ``body``.

    ``band``: when the frame has no room, add a band (beside a landscape frame, below a portrait
    or square one) and put the panels there. Without it, panels that find no room go to their
    usual corner, translucent (live).
    """
    st = Style.for_size(w, h, viewing)
    m = st.margin
    live = viewing == "live"
    sizes = panel_sizes(st, n_count_cols=n_count_cols, fps_line=live)
    names = ["counter", "phase", "cues", "gauge", "angles"] + (["notice"] if notice else [])
    frame = Box(0, 0, w, h)
    keep_out = body.grow(max(2, round(BODY_MARGIN_FRAC * st.short_px))) if body is not None else None
    blocked = [keep_out] if keep_out is not None else []
    slots, missing = _pack(sizes, names, frame, keep_out, blocked, m)
    if not missing:
        return Layout((w, h), (w, h), slots, st, body, translucent=live)
    if not band:
        # Live: no free room for everything. Pack again covering as little of the body as
        # possible (translucent), never one panel over another.
        slots, still = _pack(sizes, names, frame, keep_out, [], m, avoid=keep_out)
        for k in (0.8, 0.65, 0.5):  # the gauge and the angles can be shorter (fewer rows)
            if not any(n in ("gauge", "angles") for n in still):
                break
            small = {n: (sizes[n][0], int(sizes[n][1] * k)) if n in ("gauge", "angles") else sizes[n] for n in sizes}
            slots, still = _pack(small, names, frame, keep_out, [], m, avoid=keep_out)
        for name in still:
            if name != "notice":  # a notice without room is shown in the cue banners' place
                slots[name] = _default_slot(name, sizes[name], frame, m)
        return Layout((w, h), (w, h), slots, st, body, translucent=True, crowded=True)
    return _band_layout(w, h, body, st, sizes, names)


def _band_layout(w: int, h: int, body: Box | None, st: Style, sizes: dict[str, tuple[int, int]],
                 names: list[str]) -> Layout:
    """All panels in a band added beside (landscape) or below (portrait, square) the frame.

    Text is sized from the output's short side: when the band makes a near-square frame's short
    side longer, the panels are sized again for it."""
    for _ in range(3):
        lay = _pack_band(w, h, body, st, sizes, names)
        short = min(lay.canvas)
        if short <= st.short_px:
            return lay
        st = Style.for_size(short, short, st.viewing)
        sizes = panel_sizes(st, n_count_cols=_count_cols(sizes, st))
    return lay


def _count_cols(sizes: dict[str, tuple[int, int]], st: Style) -> int:
    one = panel_sizes(st, n_count_cols=1)["counter"][0]
    return 1 if sizes["counter"][0] <= one else 3


def _pack_band(w: int, h: int, body: Box | None, st: Style, sizes: dict[str, tuple[int, int]],
               names: list[str]) -> Layout:
    """A fixed arrangement: counter on top; angles and phase under it; the gauge at the far side;
    cue banners along the bottom. Beside the frame it is one column, below it a row."""
    m = st.margin
    (cw, ch), (pw, ph), (aw, ah), (gw, gh) = (sizes[k] for k in ("counter", "phase", "angles", "gauge"))
    cue_h = sizes["cues"][1]
    if w > 1.2 * h:  # beside a landscape frame: one column as tall as the frame
        bw = max(cw, max(aw, pw) + m + gw) + 2 * m
        bw += (w + bw) % 2  # even sizes for the H.264 encoder
        x0 = w + m
        y = m + ch + m
        gauge_h = max(gh, h - y - cue_h - 2 * m)
        slots = {"counter": Box(x0, m, x0 + cw, m + ch), "phase": Box(x0, y, x0 + pw, y + ph),
                 "angles": Box(x0, y + ph + m, x0 + aw, y + ph + m + ah),
                 "gauge": Box(w + bw - m - gw, y, w + bw - m, y + gauge_h)}
        cy = max(h, y + max(ph + m + ah, gauge_h) + m + cue_h + m)
        slots["cues"] = Box(x0, cy - m - cue_h, w + bw - m, cy - m)
        band = Box(w, 0, w + bw, h)
        canvas = (w + bw, h)
        if cy > h:  # taller than the frame: shrink the gauge rather than grow the video
            slots["gauge"] = Box(w + bw - m - gw, y, w + bw - m, h - 2 * m - cue_h)
            slots["cues"] = Box(x0, h - m - cue_h, w + bw - m, h - m)
            slots["phase"], slots["angles"] = _side_by_side(slots, x0, y, pw, ph, aw, ah, m)
    else:  # below a portrait or square frame
        y0 = h + m
        row = y0 + ch + m
        slots = {"counter": Box(m, y0, m + cw, y0 + ch), "angles": Box(m, row, m + aw, row + ah),
                 "phase": Box(m + aw + m, row, m + aw + m + pw, row + ph)}
        gauge_h = max(gh, row + ah - y0)
        slots["gauge"] = Box(w - m - gw, y0, w - m, y0 + gauge_h)
        cy = max(row + ah, y0 + gauge_h) + m
        slots["cues"] = Box(m, cy, w - m, cy + cue_h)
        bh = cy + cue_h + m - h
        bh += (h + bh) % 2
        band = Box(0, h, w, h + bh)
        canvas = (w, h + bh)
    return Layout(canvas, (w, h), {k: v for k, v in slots.items() if k in names}, st, body, band=band)


def _side_by_side(slots, x0, y, pw, ph, aw, ah, m):
    """Phase over angles when the column is tall enough, else angles beside the phase word."""
    gauge_x0 = slots["gauge"].x0
    if x0 + aw + m + pw <= gauge_x0 - m:
        return Box(x0 + aw + m, y, x0 + aw + m + pw, y + ph), Box(x0, y, x0 + aw, y + ah)
    return Box(x0, y, x0 + pw, y + ph), Box(x0, y + ph + m, x0 + aw, y + ph + m + ah)


# --------------------------------------------------------------------------- live
class LivePlacer:
    """Keeps the live panels off the athlete: the body's extent over the last second, and a
    layout re-planned only when the athlete moves into a panel (so panels do not jitter)."""

    def __init__(self, window_s: float = LIVE_BODY_WINDOW_S) -> None:
        self.window_s = window_s
        self._boxes: deque[tuple[float, Box]] = deque()
        self._layout: Layout | None = None
        self._cols = 0

    def add(self, t_s: float, landmarks: np.ndarray | None, size: tuple[int, int] | None = None) -> None:
        """One frame's landmarks (normalized; already mirrored if the window is)."""
        if landmarks is not None and size is not None:
            box = frame_box(landmarks, *size)
            if box is not None:
                self._boxes.append((t_s, box))
        while self._boxes and self._boxes[0][0] < t_s - self.window_s:
            self._boxes.popleft()

    def body(self) -> Box | None:
        return union([b for _, b in self._boxes])

    def layout(self, w: int, h: int, n_count_cols: int = 3) -> Layout:
        """The layout for this frame; ``n_count_cols``: columns of the rep counter (sides + total)."""
        body = self.body()
        lay = self._layout
        moved = lay is not None and lay.crowded and not _same_place(body, lay.body, lay.style.short_px)
        if lay is None or lay.frame != (w, h) or moved or lay.covers_body(body) or n_count_cols != self._cols:
            lay = plan_layout(w, h, body, viewing="live", notice=True, n_count_cols=n_count_cols)
            self._layout, self._cols = lay, n_count_cols
        return lay


def _same_place(a: Box | None, b: Box | None, short_px: int) -> bool:
    """Two body boxes within a few percent of the frame of each other (no re-plan, no jitter)."""
    if a is None or b is None:
        return a is b
    tol = 0.05 * short_px
    return all(abs(p - q) <= tol for p, q in zip((a.x0, a.y0, a.x1, a.y1), (b.x0, b.y0, b.x1, b.y1)))
