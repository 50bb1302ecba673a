"""Hand-computed geometry: 90, 180, 200 degrees and NaN."""

import numpy as np
import pytest

from formcheck.core import geometry as g

P = np.array


@pytest.mark.parametrize(
    "a, b, c, expected",
    [
        ((0, 0), (1, 0), (1, 1), 90.0),
        ((0, 0), (1, 0), (2, 0), 180.0),
        ((0, 0), (1, 0), (0, 0), 0.0),
        ((0, 0), (1, 0), (1 + np.cos(np.radians(60)), np.sin(np.radians(60))), 120.0),
    ],
)
def test_joint_angle(a, b, c, expected):
    assert g.joint_angle(P(a, float), P(b, float), P(c, float)) == pytest.approx(expected, abs=1e-9)


def test_signed_extension_above_and_below_the_line():
    # Shoulder (0,0), knee (2,0) in image pixels (y down). Hip pushed 'up' (y = -tan(10°)) reads 200°.
    sh, kn = P([0.0, 0.0]), P([2.0, 0.0])
    up_hip = P([1.0, -np.tan(np.radians(10))])
    down_hip = P([1.0, np.tan(np.radians(10))])
    assert g.signed_extension(sh, up_hip, kn) == pytest.approx(200.0)
    assert g.signed_extension(sh, down_hip, kn) == pytest.approx(160.0)
    assert g.signed_extension(sh, P([1.0, 0.0]), kn) == pytest.approx(180.0)
    # Mirrored (head on the right) gives the same reading.
    assert g.signed_extension(kn, up_hip, sh) == pytest.approx(200.0)


def test_signed_extension_hip_flexed_90():
    sh, hip, kn = P([0.0, -1.0]), P([1.0, 0.0]), P([2.0, -1.0])
    assert g.signed_extension(sh, hip, kn) == pytest.approx(90.0)


def test_signed_bend_flexion_positive_extension_negative():
    hip, sh = P([1.0, 0.0]), P([0.0, 0.0])  # torso pointing left, supine
    ear_up = P([-np.cos(np.radians(80)), -np.sin(np.radians(80))])  # chin to chest: head up
    ear_down = P([-np.cos(np.radians(20)), np.sin(np.radians(20))])  # head dropped back
    assert g.signed_bend(hip, sh, ear_up) == pytest.approx(80.0)
    assert g.signed_bend(hip, sh, ear_down) == pytest.approx(-20.0)


def test_nan_propagates():
    nan = P([np.nan, np.nan])
    assert np.isnan(g.joint_angle(nan, P([0.0, 0.0]), P([1.0, 0.0])))
    assert np.isnan(g.signed_extension(P([0.0, 0.0]), nan, P([1.0, 0.0])))


def test_vectorised_over_frames():
    a = np.zeros((5, 2)); b = np.tile([1.0, 0.0], (5, 1)); c = np.tile([1.0, 1.0], (5, 1))
    assert np.allclose(g.joint_angle(a, b, c), 90.0)
