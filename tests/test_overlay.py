"""Overlay drawing: pixels change where they should, on every frame size we meet."""

from __future__ import annotations

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from formcheck.draw import overlay as overlay  # noqa: E402
from formcheck.core.errors import InputError  # noqa: E402
from formcheck.core.landmarks import (  # noqa: E402
    LEFT_ANKLE, LEFT_HIP, LEFT_KNEE, LEFT_SHOULDER, RIGHT_ANKLE, RIGHT_HIP, RIGHT_KNEE,
    RIGHT_SHOULDER, empty_frame,
)
from formcheck.draw.overlay import draw_overlay, draw_summary_card  # noqa: E402
from formcheck.core.report import Fault, FrameResult, NotAssessed, Rep, SetReport  # noqa: E402

SIZES = [(368, 656), (640, 480), (1280, 720), (1920, 1080)]  # (width, height)
GREY = 128
WORK = np.array(overlay._WORK)
BONE = np.array(overlay._BONE)


def frame(w: int, h: int) -> np.ndarray:
    return np.full((h, w, 3), GREY, np.uint8)


def landmarks() -> np.ndarray:
    """A side-view pose in the middle of the frame, clear of every panel.

    Left leg on the upper line (y = 0.45), right leg on a lower parallel line (y = 0.62), so each
    bone can be sampled without the other one on top of it.
    """
    lm = empty_frame()
    pts = {
        LEFT_SHOULDER: (0.30, 0.40), LEFT_HIP: (0.40, 0.45), LEFT_KNEE: (0.60, 0.45),
        LEFT_ANKLE: (0.62, 0.58),
        RIGHT_SHOULDER: (0.30, 0.57), RIGHT_HIP: (0.40, 0.62), RIGHT_KNEE: (0.60, 0.62),
        RIGHT_ANKLE: (0.62, 0.75),
    }
    for i, (x, y) in pts.items():
        lm[i] = (x, y, 0.0, 0.95)
    return lm


def result(**kw) -> FrameResult:
    base = dict(
        frame=10, t_s=0.33, person=True, phase="top",
        angles_deg={"hip_deg": 172.4, "knee_deg": 91.0, "neck_deg": 70.2},
        rep_count=5, reps_by_side={"left": 3, "right": 2}, working_side="left", view="side",
        targets_deg={"hip_top": 180.0, "hip_min_top": 165.0},
    )
    base.update(kw)
    return FrameResult(**base)


def midpoint_px(lm: np.ndarray, a: int, b: int, w: int, h: int) -> tuple[int, int]:
    x = (lm[a, 0] + lm[b, 0]) / 2 * w
    y = (lm[a, 1] + lm[b, 1]) / 2 * h
    return int(round(x)), int(round(y))


def near(pixel: np.ndarray, colour: np.ndarray, tol: int = 12) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - colour.astype(int)) <= tol))


@pytest.mark.parametrize("w,h", SIZES)
def test_shape_dtype_and_input_untouched(w, h):
    img = frame(w, h)
    before = img.copy()
    out = draw_overlay(img, landmarks(), result(cues=("Tuck your chin",)), show_fps=30.0, latency_ms=40.0)
    assert out.shape == (h, w, 3) and out.dtype == np.uint8
    assert np.array_equal(img, before), "draw_overlay must draw on a copy"
    assert not np.array_equal(out, before)


@pytest.mark.parametrize("w,h", SIZES)
def test_working_leg_highlighted_and_other_leg_plain(w, h):
    lm = landmarks()
    out = draw_overlay(frame(w, h), lm, result(working_side="left"))
    lx, ly = midpoint_px(lm, LEFT_HIP, LEFT_KNEE, w, h)
    rx, ry = midpoint_px(lm, RIGHT_HIP, RIGHT_KNEE, w, h)
    assert near(out[ly, lx], WORK), out[ly, lx]
    assert near(out[ry, rx], BONE), out[ry, rx]
    # The keyword overrides the result's side.
    out = draw_overlay(frame(w, h), lm, result(working_side="left"), working_side="right")
    assert near(out[ry, rx], WORK) and near(out[ly, lx], BONE)


def test_both_legs_highlighted_for_two_leg_work():
    w, h = 640, 480
    lm = landmarks()
    out = draw_overlay(frame(w, h), lm, result(working_side="both", reps_by_side={"both": 4}, rep_count=4))
    for a, b in ((LEFT_HIP, LEFT_KNEE), (RIGHT_HIP, RIGHT_KNEE)):
        x, y = midpoint_px(lm, a, b, w, h)
        assert near(out[y, x], WORK)


@pytest.mark.parametrize("bad", ["nan", "low_visibility"])
def test_missing_or_unsure_landmark_is_skipped(bad):
    w, h = 640, 480
    lm = landmarks()
    if bad == "nan":
        lm[LEFT_KNEE] = np.nan
    else:
        lm[LEFT_KNEE, 3] = 0.1
    out = draw_overlay(frame(w, h), lm, result())
    # Neither bone through the knee is drawn...
    for a in (LEFT_HIP, LEFT_ANKLE):
        x, y = midpoint_px(lm if bad != "nan" else landmarks(), a, LEFT_KNEE, w, h)
        assert np.all(out[y, x] == GREY), (a, out[y, x])
    # ...while the rest of the skeleton still is.
    x, y = midpoint_px(lm, RIGHT_HIP, RIGHT_KNEE, w, h)
    assert near(out[y, x], BONE)


def test_all_nan_landmarks_and_none_draw_no_skeleton():
    w, h = 640, 480
    a = draw_overlay(frame(w, h), empty_frame(), result())
    b = draw_overlay(frame(w, h), None, result())
    assert np.array_equal(a, b)
    x, y = midpoint_px(landmarks(), LEFT_HIP, LEFT_KNEE, w, h)
    assert np.all(a[y, x] == GREY)


def test_far_off_screen_landmarks_do_not_crash():
    lm = landmarks()
    lm[LEFT_KNEE, :2] = (1e9, -1e9)
    out = draw_overlay(frame(640, 480), lm, result())
    assert out.shape == (480, 640, 3)


@pytest.mark.parametrize("w,h", SIZES)
def test_no_person_notice_in_the_centre(w, h):
    centre = (slice(int(h * 0.46), int(h * 0.54)), slice(int(w * 0.25), int(w * 0.75)))
    with_person = draw_overlay(frame(w, h), None, result(person=True, cues=()))
    without = draw_overlay(frame(w, h), None, result(person=False, phase="unknown", angles_deg={}, cues=()))
    # With a person and no landmarks, the centre is untouched; without, it holds a dark notice
    # with white text on it.
    assert np.all(with_person[centre] == GREY)
    region = without[centre].reshape(-1, 3).astype(int)
    assert (region.sum(axis=1) < 3 * 60).mean() > 0.3  # dark panel
    assert (region.min(axis=1) > 230).sum() > 50  # white text
    # The rep count stays on screen.
    corner = (slice(0, int(h * 0.2)), slice(0, int(w * 0.3)))
    assert np.any(np.all(without[corner] == overlay._WHITE, axis=-1))


def _digit_height(img: np.ndarray, colour: np.ndarray, region) -> int:
    mask = np.all(np.abs(img[region].astype(int) - colour) <= 10, axis=-1)
    rows = np.nonzero(mask.any(axis=1))[0]
    return 0 if rows.size == 0 else int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("w,h", SIZES)
def test_rep_count_is_large(w, h):
    """The working side's count (drawn in the highlight colour) is big enough to read from afar."""
    out = draw_overlay(frame(w, h), None, result(reps_by_side={"left": 3}, rep_count=3, working_side="left"))
    height = _digit_height(out, WORK, (slice(0, int(h * 0.3)), slice(0, int(w * 0.5))))
    assert height >= 0.075 * min(w, h), height


def test_rep_counter_shows_counts():
    w, h = 640, 480
    region = (slice(0, int(h * 0.25)), slice(0, int(w * 0.4)))
    a = draw_overlay(frame(w, h), None, result(reps_by_side={"left": 3, "right": 2}))
    b = draw_overlay(frame(w, h), None, result(reps_by_side={"left": 4, "right": 2}))
    c = draw_overlay(frame(w, h), None, result(reps_by_side={}, rep_count=0))
    assert not np.array_equal(a[region], b[region])
    assert not np.array_equal(a[region], c[region])


def _bottom_band(img: np.ndarray) -> np.ndarray:
    h = img.shape[0]
    return img[int(h * 0.93): int(h * 0.97), :, :].reshape(-1, 3).astype(int)


def test_cue_banner_colour_follows_fault_severity():
    """Layout change (issue 17): the severity comes with the frame result (``cue_severity``), a fault
    banner is vermilion and a warning yellow (apart under red-green colour blindness), each with
    its own icon. A result without severities falls back to the new rep's faults, else a warning."""
    w, h = 640, 480
    fault = Fault("neck_hyperextension", "fault", -15.0, -10.0, 0.3, 9, "Tuck your chin")
    rep = Rep(1, 0.0, 0.3, 0.6, "left", "single_leg", 178.0, 90.0, 0.4, 0.3, 0.3, 0, 9, 18, (fault,))
    red = draw_overlay(frame(w, h), None, result(cues=("Tuck your chin",), cue_severity=("fault",)))
    via_rep = draw_overlay(frame(w, h), None, result(cues=("Tuck your chin",), new_rep=rep))
    amber = draw_overlay(frame(w, h), None, result(cues=("Tuck your chin",), cue_severity=("warn",)))
    none = draw_overlay(frame(w, h), None, result(cues=()))
    assert np.array_equal(red, via_rep)
    b, g, r = np.median(_bottom_band(red), axis=0)
    assert r > 180 and g < 110 and b < 60
    b, g, r = np.median(_bottom_band(amber), axis=0)
    assert r > 200 and g > 200 and b < 100
    assert np.all(_bottom_band(none) == GREY)


def test_many_and_long_cues_fit():
    w, h = 368, 656
    cues = ("Drive the hips higher and squeeze the glute at the top of every rep",) + ("Tuck your chin",) * 4
    out = draw_overlay(frame(w, h), landmarks(), result(cues=cues))
    assert out.shape == (h, w, 3)
    assert np.median(_bottom_band(out), axis=0)[2] > 180  # banner present


def _gauge_region(img: np.ndarray):
    h, w = img.shape[:2]
    return img[int(h * 0.1): int(h * 0.9), int(w * 0.8):]


@pytest.mark.parametrize("w,h", SIZES)
def test_gauge_draws_target_lines_from_targets_only(w, h):
    amber = np.array(overlay._AMBER)
    with_t = draw_overlay(frame(w, h), None, result(targets_deg={"hip_top": 180.0, "hip_min_top": 165.0}))
    without = draw_overlay(frame(w, h), None, result(targets_deg={}))
    only_top = draw_overlay(frame(w, h), None, result(targets_deg={"hip_top": 180.0}))

    def n_amber(img):
        return int(np.all(np.abs(_gauge_region(img).astype(int) - amber) <= 10, axis=-1).sum())

    assert n_amber(with_t) > 0  # the hip_min_top line and its label
    assert n_amber(without) == 0 and n_amber(only_top) == 0
    assert not np.array_equal(_gauge_region(without), _gauge_region(only_top))


def test_gauge_target_line_moves_with_the_target():
    w, h = 640, 480
    a = draw_overlay(frame(w, h), None, result(targets_deg={"hip_min_top": 150.0}))
    b = draw_overlay(frame(w, h), None, result(targets_deg={"hip_min_top": 170.0}))
    amber = np.array(overlay._AMBER)

    def line_rows(img):
        m = np.all(np.abs(_gauge_region(img).astype(int) - amber) <= 10, axis=-1)
        return np.nonzero(m.any(axis=1))[0].mean()

    assert line_rows(b) < line_rows(a)  # a higher target sits higher on the bar


def test_non_finite_angles_are_not_drawn():
    w, h = 640, 480
    panel = (slice(int(h * 0.25), int(h * 0.6)), slice(0, int(w * 0.3)))
    nan = draw_overlay(frame(w, h), None, result(angles_deg={"hip_deg": float("nan"), "knee_deg": float("inf")}))
    empty = draw_overlay(frame(w, h), None, result(angles_deg={}))
    some = draw_overlay(frame(w, h), None, result(angles_deg={"knee_deg": 90.0}))
    assert np.array_equal(nan, empty)
    assert not np.array_equal(some[panel], empty[panel])


def test_banner_and_fps_readout_are_drawn():
    w, h = 640, 480
    plain = draw_overlay(frame(w, h), None, result())
    banner = draw_overlay(frame(w, h), None, result(), banner="Turn side-on to the camera")
    fps = draw_overlay(frame(w, h), None, result(), show_fps=29.97, latency_ms=35.0)
    top_band = (slice(int(h * 0.2), int(h * 0.4)), slice(int(w * 0.3), int(w * 0.7)))
    assert not np.array_equal(plain[top_band], banner[top_band])
    top_right = (slice(0, int(h * 0.2)), slice(int(w * 0.7), w))
    assert not np.array_equal(plain[top_right], fps[top_right])


def test_phase_word_changes_with_phase():
    w, h = 640, 480
    top_right = (slice(0, int(h * 0.15)), slice(int(w * 0.6), w))
    imgs = [draw_overlay(frame(w, h), None, result(phase=p))[top_right] for p in ("bottom", "concentric", "top")]
    assert not np.array_equal(imgs[0], imgs[1]) and not np.array_equal(imgs[1], imgs[2])


@pytest.mark.parametrize(
    "bad_frame", [np.zeros((10, 10), np.uint8), np.zeros((10, 10, 4), np.uint8), np.zeros((10, 10, 3), np.float32)]
)
def test_bad_frame_is_an_input_error(bad_frame):
    with pytest.raises(InputError):
        draw_overlay(bad_frame, None, result())


def test_bad_landmarks_shape_is_an_input_error():
    with pytest.raises(InputError):
        draw_overlay(frame(64, 48), np.zeros((17, 3)), result())


# ----------------------------------------------------------------------------- summary card
def rep(i: int, side: str, faults=()) -> Rep:
    return Rep(i, i * 2.0, i * 2.0 + 1, i * 2.0 + 1.8, side, "single_leg", 176.0 + i, 90.0 + i, 0.4, 0.9, 0.9,
               i * 60, i * 60 + 30, i * 60 + 54, tuple(faults))


def set_report(reps, partials=(), not_assessed=()) -> SetReport:
    return SetReport(source="clips/demo.mp4", exercise="single_leg_hip_thrust", view="side", working_side="left",
                     reps=tuple(reps), partials=tuple(partials), not_assessed=tuple(not_assessed),
                     frames_total=300, frames_with_person=300, duration_s=10.0)


def _has_colour(img, colour, tol=12) -> int:
    return int(np.all(np.abs(img.astype(int) - np.array(colour)) <= tol, axis=-1).sum())


@pytest.mark.parametrize("w,h", SIZES)
def test_summary_card_size_and_fault_colours(w, h):
    fault = Fault("incomplete_hip_extension", "fault", 160.0, 165.0, 3.0, 90, "Drive the hips higher")
    report = set_report([rep(1, "left"), rep(2, "right", [fault]), rep(3, "left")], partials=[rep(0, "left")],
                        not_assessed=[NotAssessed("unlevel_hips", "side view")])
    card = draw_summary_card(report, size=(w, h))
    assert card.shape == (h, w, 3) and card.dtype == np.uint8
    assert _has_colour(card, overlay._FAULT) > 20  # the faulty rep's row
    assert _has_colour(card, overlay._GREEN) > 20  # the clean rows
    clean = draw_summary_card(set_report([rep(1, "left")]), size=(w, h))
    assert _has_colour(clean, overlay._FAULT) == 0


def test_summary_card_without_reps_and_with_many_reps():
    empty = draw_summary_card(set_report([]), size=(640, 480))
    assert empty.shape == (480, 640, 3)
    many = draw_summary_card(set_report([rep(i, "both") for i in range(1, 41)]), size=(640, 480))
    assert many.shape == (480, 640, 3)
    assert many[-5:].max() < 80  # nothing spills off the bottom edge: rows beyond the room are summarised


def test_summary_card_rejects_bad_size():
    with pytest.raises(InputError):
        draw_summary_card(set_report([]), size=(0, 100))
