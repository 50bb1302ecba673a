"""The waistband reading on drawn images: a two-colour torso with a known tilt, and none without an edge."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.adapters.hip_image import waistband_tilt_deg
from formcheck.core.vocab import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

SHIRT_BGR, SHORTS_BGR = (40, 60, 200), (70, 50, 30)


def _landmarks() -> np.ndarray:
    """Seen from the feet: the person's left on the image's right, the shoulders above the hips."""
    px = np.full((33, 2), np.nan)
    px[LEFT_SHOULDER], px[RIGHT_SHOULDER] = (300.0, 100.0), (180.0, 100.0)
    px[LEFT_HIP], px[RIGHT_HIP] = (280.0, 250.0), (200.0, 250.0)
    return px


def _torso(tilt_deg: float, shirt=SHIRT_BGR, shorts=SHORTS_BGR) -> np.ndarray:
    """Shirt above a straight waistband through (240, 220), shorts below it; + tilt: lower
    (larger y) on the image's right, the person's left."""
    img = np.full((360, 480, 3), (90, 90, 90), np.uint8)
    yy, xx = np.mgrid[0:360, 0:480]
    edge_y = 220.0 + (xx - 240.0) * math.tan(math.radians(tilt_deg))
    body = (xx > 170) & (xx < 310) & (yy > 80) & (yy < 300)
    img[body & (yy < edge_y)] = shirt
    img[body & (yy >= edge_y)] = shorts
    return img


@pytest.mark.parametrize("tilt_deg", [-12.0, -4.0, 0.0, 3.0, 10.0])
def test_a_drawn_waistband_reads_its_tilt_within_a_degree_signed_by_the_lower_side(tilt_deg):
    got = waistband_tilt_deg(_torso(tilt_deg), _landmarks())
    assert got is not None
    assert abs(got - tilt_deg) < 1.0, got


def test_the_right_side_lower_reads_negative_and_noise_does_not_move_it_much():
    rng = np.random.default_rng(0)
    img = np.clip(_torso(-8.0).astype(float) + rng.normal(0, 3, (360, 480, 3)), 0, 255).astype(np.uint8)
    got = waistband_tilt_deg(img, _landmarks())
    assert got is not None and -9.0 < got < -7.0


def test_one_colour_gives_no_reading():
    assert waistband_tilt_deg(_torso(6.0, shirt=SHORTS_BGR), _landmarks()) is None
    assert waistband_tilt_deg(np.full((360, 480, 3), 128, np.uint8), _landmarks()) is None


def test_missing_hips_or_hips_off_the_body_give_no_reading():
    px = _landmarks()
    px[LEFT_HIP] = np.nan
    assert waistband_tilt_deg(_torso(5.0), px) is None
    px = _landmarks()
    px[LEFT_HIP], px[RIGHT_HIP] = (240.5, 250.0), (239.5, 250.0)   # both hips on one point
    assert waistband_tilt_deg(_torso(5.0), px) is None


def test_a_trunk_foreshortened_by_a_low_camera_is_not_read():
    """Trunk 150 px long, shoulders 120 px wide: 1.25 shoulder widths; a gate above that says no."""
    assert waistband_tilt_deg(_torso(5.0), _landmarks(), min_torso_sw=1.2) is not None
    assert waistband_tilt_deg(_torso(5.0), _landmarks(), min_torso_sw=1.3) is None
