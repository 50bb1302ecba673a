"""Issue 17: the overlay never covers the athlete and stays readable, at every framing.

Real frames with their MediaPipe landmarks (bundled samples, and the real clips when present),
cropped to 16:9, 9:16, 4:3 and tight around the athlete. For each framing the clip's layout is
planned from the body's extent over the sampled frames (as the annotated video does), every
frame is drawn, and we check that no panel rectangle meets the box around the athlete's
landmarks (plus a small margin) and that the smallest text drawn is at least ``MIN_TEXT_FRAC``
of the output's short side. Set FORMCHECK_SCREENSHOTS=DIR to keep one picture per framing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from formcheck.core.report import FrameResult  # noqa: E402
from formcheck.draw.layout import Box, LivePlacer, clip_box, frame_box, plan_layout  # noqa: E402
from formcheck.draw.overlay import overlay_frame  # noqa: E402
from formcheck.draw.primitives import MIN_TEXT_FRAC  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["slht_left_good", "hip_thrust_unlevel_hips_front", "glute_bridge_good", "slht_oblique_busy"]
# ../shared/clips beside the checkout (a worktree sits one level deeper)
CLIPS = next((p for p in (ROOT.parent / "shared" / "clips", ROOT.parents[1] / "shared" / "clips") if p.is_dir()),
             ROOT.parent / "shared" / "clips")
N_FRAMES = 8  # sampled per clip: the body's extent over them stands in for the whole clip
MARGIN_FRAC = 0.01  # the clearance asserted around the athlete, of the output's short side
# (name, aspect w/h or None for tight, output short side in px)
FRAMINGS = [("16x9", 16 / 9, 720), ("9x16", 9 / 16, 368), ("4x3", 4 / 3, 480), ("tight", None, 480)]


def _sample_frames(path: Path) -> tuple[list[np.ndarray], list[np.ndarray]]:
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.adapters.video import open_video

    frames, lms = [], []
    with open_video(path) as video:
        n = max(1, int((video.fps or 30.0) * (video.duration or 8.0)))
        every = max(1, n // N_FRAMES)
        with PoseEstimator() as pose:
            for fr in video:
                if fr.index % every or len(frames) >= N_FRAMES:
                    continue
                res = pose.detect(fr.bgr, fr.t_s * 1000.0)
                if np.isfinite(res.image[:, 0]).any():
                    frames.append(fr.bgr)
                    lms.append(np.asarray(res.image, dtype=np.float64))
    return frames, lms


def _crop(frames, lms, aspect, short_px):
    """The largest crop of ``aspect`` centred on the athlete (or the athlete's box plus 4 %),
    scaled so its short side is ``short_px``; landmarks mapped into it."""
    h, w = frames[0].shape[:2]
    body = clip_box(np.stack(lms), w, h)
    cx, cy = (body.x0 + body.x1) / 2, (body.y0 + body.y1) / 2
    if aspect is None:
        m = 0.04 * min(w, h)
        x0, y0, x1, y1 = body.x0 - m, body.y0 - m, body.x1 + m, body.y1 + m
    else:
        cw = min(w, h * aspect)
        ch = cw / aspect
        x0, y0 = min(max(0, cx - cw / 2), w - cw), min(max(0, cy - ch / 2), h - ch)
        x1, y1 = x0 + cw, y0 + ch
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    k = short_px / min(x1 - x0, y1 - y0)
    size = (int(round((x1 - x0) * k)) // 2 * 2, int(round((y1 - y0) * k)) // 2 * 2)
    out_f = [cv2.resize(f[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA) for f in frames]
    out_l = []
    for lm in lms:
        lm = lm.copy()
        lm[:, 0] = (lm[:, 0] * w - x0) / (x1 - x0)
        lm[:, 1] = (lm[:, 1] * h - y0) / (y1 - y0)
        out_l.append(lm)
    return out_f, out_l


def _result(i: int) -> FrameResult:
    cues = (("Drive the hips higher", "Keep the pelvis level"), ("fault", "warn")) if i % 2 else ((), ())
    return FrameResult(frame=i, t_s=i / 30, person=True, phase=("bottom", "concentric", "top", "eccentric")[i % 4],
                       angles_deg={"hip_deg": 171.0, "knee_deg": 88.0, "neck_deg": 64.0}, rep_count=12,
                       reps_by_side={"left": 7, "right": 5}, working_side="left", view="side_head_left",
                       cues=cues[0], cue_severity=cues[1], targets_deg={"hip_top": 180.0, "hip_min_top": 165.0})


def _sources() -> list[Path]:
    paths = [ROOT / "samples" / f"{s}.mp4" for s in SAMPLES]
    if CLIPS.is_dir():
        paths += sorted(p for p in CLIPS.glob("*.mp4"))
    return paths


@pytest.fixture(scope="module")
def sampled() -> dict[str, tuple[list[np.ndarray], list[np.ndarray]]]:
    return {p.stem: _sample_frames(p) for p in _sources()}


def _check(drawn, lm, w, h, what):
    canvas_short = min(drawn.layout.canvas)
    m = max(1, round(MARGIN_FRAC * canvas_short))
    box = frame_box(lm, w, h)
    canvas = Box(0, 0, *drawn.layout.canvas)
    for name, slot in drawn.layout.slots.items():
        assert slot.inside(canvas), (what, name, slot)
        assert box is None or not slot.intersects(box.grow(m)), (what, name, slot, box)
    slots = list(drawn.layout.slots.items())
    for i, (a, sa) in enumerate(slots):
        assert not any(sa.intersects(sb) for _, sb in slots[i + 1:]), (what, a, "overlaps another panel")
    assert min(drawn.text_px) >= MIN_TEXT_FRAC["video"] * canvas_short - 0.01, (what, min(drawn.text_px))


@pytest.mark.mediapipe
@pytest.mark.parametrize("framing, aspect, short_px", FRAMINGS, ids=[f[0] for f in FRAMINGS])
def test_panels_never_cover_the_athlete_and_text_is_readable(sampled, framing, aspect, short_px):
    keep = os.environ.get("FORMCHECK_SCREENSHOTS")
    checked = 0
    for name, (frames, lms) in sampled.items():
        if len(frames) < 2:
            continue
        cf, cl = _crop(frames, lms, aspect, short_px)
        h, w = cf[0].shape[:2]
        layout = plan_layout(w, h, clip_box(np.stack(cl), w, h), band=True)
        for i, (f, lm) in enumerate(zip(cf, cl)):
            drawn = overlay_frame(f, lm, _result(i), layout=layout)
            _check(drawn, lm, w, h, (name, framing, i))
            checked += 1
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(Path(keep) / f"layout_{framing}_{name}.png"), overlay_frame(cf[1], cl[1], _result(1),
                                                                                         layout=layout).image)
    assert checked >= 2 * len(SAMPLES)


@pytest.mark.mediapipe
def test_live_panels_move_off_the_athlete(sampled):
    """Live has no band: with room, the placer's panels stay clear of the last second's body;
    without, they may cover it (translucent) but never each other."""
    frames, lms = sampled["slht_left_good"]
    cf, cl = _crop(frames, lms, 16 / 9, 480)
    h, w = cf[0].shape[:2]
    placer = LivePlacer()
    for i, lm in enumerate(cl):
        placer.add(i / 30, lm, (w, h))
        layout = placer.layout(w, h)
        drawn = overlay_frame(cf[i], lm, _result(i), layout=layout)
        assert drawn.image.shape == cf[i].shape  # never a band live
        assert min(drawn.text_px) >= MIN_TEXT_FRAC["live"] * min(w, h) - 0.01
        slots = list(layout.slots.values())
        assert not any(a.intersects(b) for i, a in enumerate(slots) for b in slots[i + 1:])
        if not layout.crowded:
            assert not [n for n, s in layout.slots.items() if s.intersects(placer.body())]


def test_band_grows_the_video_and_keeps_the_picture():
    """A body filling the frame: the panels go to a band (beside landscape, below portrait and
    square), the output's short side stays the frame's, and the picture itself is untouched."""
    for w, h, grows in ((1280, 720, "w"), (368, 656, "h"), (480, 480, "h"), (640, 600, "h"), (2560, 720, "w")):
        body = Box(5, 5, w - 5, h - 5)
        layout = plan_layout(w, h, body, band=True)
        cw, ch = layout.canvas
        assert (cw > w and ch == h) if grows == "w" else (ch > h and cw == w)
        assert cw % 2 == 0 and ch % 2 == 0
        rng = np.random.default_rng(0)
        f = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        drawn = overlay_frame(f, None, _result(1), layout=layout)
        assert np.array_equal(drawn.image[:h, :w], f)
        assert all(not s.intersects(Box(0, 0, w, h)) for s in layout.slots.values())


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    c = c / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


# Machado et al. (2009) simulation matrices, severity 1.0, on linear RGB.
_CVD = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}


def test_fault_and_warning_colours_stay_apart_under_red_green_colour_blindness():
    """Simulated deuteranopia and protanopia: the two cue colours still differ in lightness by
    a clear margin (relative luminance ratio at least 2.4; the old red and amber pair gave 2.1
    under deuteranopia), so the banners read as two kinds."""
    from formcheck.draw.primitives import FAULT, WARN

    weights = np.array([0.2126, 0.7152, 0.0722])
    for name, m in _CVD.items():
        lum = []
        for bgr in (FAULT, WARN):
            rgb = _srgb_to_linear(np.array(bgr[::-1], dtype=np.float64))
            lum.append(float(np.clip(m @ rgb, 0, 1) @ weights))
        ratio = (max(lum) + 0.05) / (min(lum) + 0.05)
        assert ratio >= 2.4, (name, lum)


def test_skeleton_line_width_follows_the_person_not_the_frame():
    """The same 300 px tall figure in a 640x480 and a 1920x1080 frame gets the same bones; a
    figure twice the size gets thicker ones."""
    from formcheck.core.landmarks import LEFT_HIP, LEFT_KNEE, LEFT_SHOULDER, LEFT_ANKLE, empty_frame
    from formcheck.draw.frame import draw_skeleton
    from formcheck.draw.primitives import WORK

    def bone_width(w: int, h: int, size_px: float) -> int:
        lm = empty_frame()
        cx, cy = w / 2, h / 2
        pts = {LEFT_SHOULDER: (cx - size_px / 2, cy - size_px / 2), LEFT_HIP: (cx - size_px / 4, cy),
               LEFT_KNEE: (cx + size_px / 4, cy), LEFT_ANKLE: (cx + size_px / 2, cy + size_px / 2)}
        for i, (x, y) in pts.items():
            lm[i] = (x / w, y / h, 0.0, 0.95)
        img = np.full((h, w, 3), 128, np.uint8)
        draw_skeleton(img, lm, "left")
        column = img[:, int(cx), :].astype(int)  # a cut across the hip-knee bone
        return int((np.abs(column - np.array(WORK)).sum(axis=1) < 30).sum())

    small_frame, big_frame = bone_width(640, 480, 300), bone_width(1920, 1080, 300)
    assert small_frame == big_frame
    assert bone_width(1920, 1080, 600) >= 1.6 * big_frame
