"""The synthetic motion model, camera and landmark series: the truth they carry must be true.

Measurements here are written out independently of the model (plain vector maths on the
generated joints and pixels), so a wrong sign or a misplaced landmark in the model shows up.
"""

import time

import numpy as np
import pytest

from formcheck.core.landmarks import LandmarkSeries
from formcheck.synth import (
    EXERCISES,
    VIEWS,
    Camera,
    MotionParams,
    quick_series,
    simulate,
    synth_series,
    true_faults,
)

SIDE_IDX = {"left": dict(ear=7, sh=11, el=13, wr=15, hip=23, knee=25, ank=27),
            "right": dict(ear=8, sh=12, el=14, wr=16, hip=24, knee=26, ank=28)}


# -- independent measurements -----------------------------------------------------------

def _interior(a, b, c):
    u, v = a - b, c - b
    cos = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _above(a, c, p, up):
    """p on the 'up' side of line a-c (2D)."""
    d = c - a
    n = np.stack([-d[..., 1], d[..., 0]], -1)
    n = n * np.sign(np.sum(n * up, -1))[..., None]
    return np.sum((p - a) * n, -1) > 0


def signed_hip(s, h, k, up):
    ang = _interior(s, h, k)
    return np.where(_above(s, k, h, up), 360 - ang, ang)


def signed_neck(h, s, e, up):
    """Bend of shoulder->ear away from hip->shoulder: + toward 'up' (flexion when supine)."""
    ang = _interior(h, s, e)            # 180 = in line
    bend = 180 - ang
    return np.where(_above(h, s, e, up), bend, -bend)


def per_frame(J, sides, key, free=False):
    left = (sides == "left") ^ free
    return np.where(left[:, None], J[:, SIDE_IDX["left"][key]], J[:, SIDE_IDX["right"][key]])


def measure_world(m):
    """Sagittal (x, y) measures of the generated 3D joints; world up = +y."""
    J = m.joints_m
    up = np.array([0.0, 1.0])

    def g(key, free=False):
        return per_frame(J, m.working_side, key, free)[:, :2]

    out = {
        "hip_extension_deg": signed_hip(g("sh"), g("hip"), g("knee"), up),
        "knee_deg": _interior(g("hip"), g("knee"), g("ank")),
        "neck_deg": signed_neck(g("hip"), g("sh"), g("ear"), up),
        "free_hip_deg": signed_hip(g("sh", True), g("hip", True), g("knee", True), up),
        "free_knee_deg": _interior(g("hip", True), g("knee", True), g("ank", True)),
        "elbow_deg": _interior(J[:, 11], J[:, 13], J[:, 15]),
    }
    hips = J[:, 24] - J[:, 23]
    shoulders = J[:, 12] - J[:, 11]
    tilt = _interior(hips, np.zeros_like(hips), shoulders)
    out["pelvis_tilt_deg"] = np.where(J[:, 24, 1] < J[:, 23, 1], tilt, -tilt)
    rest_y = m.scene.shoulder_pivot_m[1]
    torso = np.linalg.norm(0.5 * (J[:, 11] + J[:, 12]) - 0.5 * (J[:, 23] + J[:, 24]), axis=-1)
    out["shoulder_rise"] = (J[:, 11, 1] - rest_y) / torso
    return out


# -- motion: truth matches geometry ----------------------------------------------------------

TRUTH_CASES = [
    dict(),
    dict(exercise="hip_thrust"),
    dict(exercise="glute_bridge", setup="lie_flat"),
    dict(exercise="single_leg_glute_bridge", working_side="right"),
    dict(setup="lie_flat", working_side="right"),
    dict(pelvic_drop_deg=10.0),
    dict(pelvic_drop_deg=-6.0, working_side="right"),
    dict(elbow_push=0.9),
    dict(variation="two_up_one_down"),
    dict(reps=4, switch_side_after=2),
    dict(free_foot_touch=True, free_leg_hip_deg=130, free_leg_knee_deg=60),
    dict(neck_top_deg=-25.0),
    dict(peak_hip_deg=205.0),
    dict(peak_hip_deg=150.0, start_at_top=True),
]


@pytest.mark.parametrize("kw", TRUTH_CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "default")
def test_truth_angles_equal_measured_geometry(kw):
    m = simulate(MotionParams(**kw), fps=30.0)
    meas = measure_world(m)
    truth = m.truth.as_dict()
    for name, got in meas.items():
        want = truth[name]
        tol = 1e-3 if name == "shoulder_rise" else 0.05
        err = np.abs((got - want + 180) % 360 - 180) if name.endswith("deg") else np.abs(got - want)
        assert err.max() < tol, f"{name}: max error {err.max():.4f} at frame {err.argmax()}"
    # segment lengths are rigid
    J = m.joints_m
    for a, b in ((23, 25), (25, 27), (24, 26), (26, 28), (11, 13), (13, 15)):
        seg = np.linalg.norm(J[:, a] - J[:, b], axis=-1)
        assert np.ptp(seg) < 1e-9


def test_default_top_pose_matches_the_article():
    m = simulate(MotionParams())
    rep = m.reps[0]
    top = (m.t_s >= rep.top_start_s) & (m.t_s <= rep.top_end_s)
    assert np.allclose(m.truth.hip_extension_deg[top], 180.0, atol=1e-6)
    assert np.allclose(m.truth.knee_deg[top], 90.0, atol=1e-3)          # knee_top_deg default
    assert np.all(np.abs(m.truth.shin_deg[top]) < 5.0)                  # shin near vertical
    assert np.all(np.abs(m.truth.torso_deg[top]) < 5.0)                 # torso near horizontal
    assert np.allclose(m.truth.free_hip_deg[top], 90.0) and np.allclose(m.truth.free_knee_deg[top], 90.0)
    assert np.all(m.truth.neck_deg[top] == 80.0)
    # the free foot is well above the planted one; the planted foot stays put
    assert np.all(m.joints_m[top, 28, 1] - m.joints_m[top, 27, 1] > 0.5)
    assert np.ptp(m.joints_m[:, 27, 0]) < 1e-9 and np.ptp(m.joints_m[:, 27, 1]) < 1e-9
    # bench: shoulders above the bench edge, floor bridge: on the floor
    assert m.joints_m[:, 11, 1].min() > m.scene.bench_height_m
    g = simulate(MotionParams(exercise="glute_bridge"))
    assert g.joints_m[:, 11, 1].max() < 0.1 and g.scene.bench_height_m is None
    assert g.joints_m[0, 23, 1] == pytest.approx(g.params.body.hip_clearance_m, abs=2e-3)


def test_left_landmarks_are_on_the_persons_left():
    m = simulate(MotionParams())
    J = m.joints_m
    for left, right in ((7, 8), (11, 12), (13, 14), (23, 24), (25, 26), (27, 28)):
        assert np.all(J[:, left, 2] < J[:, right, 2])
    assert np.all(J[:, 0, 0] < J[:, 27, 0])          # head toward -x, feet toward +x


# -- reps, timing, phases ------------------------------------------------------------------

@pytest.mark.parametrize("reps, con, hold, ecc, pause, lead", [
    (5, 1.0, 1.0, 1.5, 0.5, 1.0),
    (3, 0.6, 0.0, 0.8, 0.0, 0.0),
    (8, 1.5, 2.0, 3.0, 1.0, 2.5),
])
def test_rep_count_and_intervals(reps, con, hold, ecc, pause, lead):
    p = MotionParams(reps=reps, concentric_s=con, hold_s=hold, eccentric_s=ecc, bottom_pause_s=pause,
                     lead_in_s=lead, lead_out_s=1.0)
    m = simulate(p, fps=30.0)
    assert m.rep_count == reps
    period = con + hold + ecc + pause
    for k, r in enumerate(m.reps):
        assert r.index == k + 1
        assert r.start_s == pytest.approx(lead + k * period)
        assert r.top_start_s - r.start_s == pytest.approx(con)
        assert r.top_end_s - r.top_start_s == pytest.approx(hold)
        assert r.end_s - r.top_end_s == pytest.approx(ecc)
        # the hip angle is at its peak at the top and its bottom at the rep ends
        i_top = np.argmin(np.abs(m.t_s - 0.5 * (r.top_start_s + r.top_end_s)))
        assert m.truth.hip_extension_deg[i_top] == pytest.approx(r.peak_hip_deg, abs=0.5)
    assert m.duration_s == pytest.approx(lead + reps * period - pause + 1.0)
    # phases in order, each frame labelled
    assert set(np.unique(m.phase)) <= {"bottom", "concentric", "top", "eccentric"}
    mid_con = np.argmin(np.abs(m.t_s - (m.reps[0].start_s + con / 2)))
    assert m.phase[mid_con] == "concentric"
    # a local maximum of the true hip angle per rep
    hip = m.truth.hip_extension_deg
    high = hip > 0.5 * (hip.max() + hip.min())
    assert np.count_nonzero(np.diff(high.astype(int)) == 1) == reps


def test_setup_lies_flat_and_is_not_a_rep():
    for ex in ("single_leg_hip_thrust", "glute_bridge"):
        m = simulate(MotionParams(exercise=ex, setup="lie_flat", setup_s=3.0, reps=3))
        setup = m.phase == "setup"
        assert setup[0] and np.count_nonzero(setup) == pytest.approx(3.0 * 30, abs=1)
        first = m.truth
        assert first.knee_deg[0] > 170 and first.hip_extension_deg[0] > 170       # straight legs
        assert m.rep_count == 3 and m.reps[0].start_s >= 3.0
        # at the end of the setup the person is in the bottom position, knee bent
        i_end = np.argmax(~setup)
        assert first.knee_deg[i_end] < 100
        assert first.free_leg_lift[setup].max() == 0.0     # both feet down while setting up
        # still straight legs whenever the hip angle is high during the setup
        assert np.all(first.knee_deg[setup & (first.hip_extension_deg > 165)] > 140)


def test_start_at_top_opens_at_the_top_and_counts_it():
    m = simulate(MotionParams(start_at_top=True, reps=3, peak_hip_deg=178.0))
    assert m.phase[0] == "top"
    assert m.truth.hip_extension_deg[0] == pytest.approx(178.0)
    assert m.truth.knee_deg[0] == pytest.approx(90.0, abs=1e-3)
    assert m.rep_count == 3 and m.reps[0].start_s == 0.0 and m.reps[0].top_start_s == 0.0
    assert m.truth.hip_extension_deg[m.t_s > m.reps[0].end_s - 0.01][0] < 110


def test_switch_side_swaps_the_working_leg():
    m = simulate(MotionParams(reps=6, switch_side_after=3, working_side="right"))
    assert [r.side for r in m.reps] == ["right"] * 3 + ["left"] * 3
    sw = m.reps[3].start_s - m.reps[2].end_s
    assert sw == pytest.approx(m.params.switch_pause_s)
    # each side's planted foot does not move while it works; the free foot is up at the tops
    for r in m.reps:
        i = np.argmin(np.abs(m.t_s - r.top_start_s - 0.3))
        free, work = (27, 28) if r.side == "right" else (28, 27)
        assert m.joints_m[i, free, 1] - m.joints_m[i, work, 1] > 0.5
    assert set(m.working_side[m.t_s < m.reps[2].end_s]) == {"right"}
    assert set(m.working_side[m.t_s > m.reps[3].start_s]) == {"left"}


def test_two_up_one_down_lifts_at_the_top_only():
    m = simulate(MotionParams(variation="two_up_one_down", reps=3))
    lift = m.truth.free_leg_lift
    for r in m.reps:
        con = (m.t_s > r.start_s) & (m.t_s < r.top_start_s)
        ecc = (m.t_s > r.top_end_s) & (m.t_s < r.end_s)
        assert lift[con].max() == 0.0          # rise on both feet
        assert lift[ecc].min() == 1.0          # lower on the working leg
        assert r.side == m.params.working_side and r.variation == "two_up_one_down"


def test_frame_times_are_free():
    p = MotionParams(reps=2)
    a = simulate(p, fps=30.0)
    t = np.sort(np.random.default_rng(1).uniform(0, a.t_s[-1], 200))
    b = simulate(p, t_s=t)
    i = 57
    j = np.argmin(np.abs(t - a.t_s[i]))
    c = simulate(p, t_s=np.array([a.t_s[i]]))
    assert np.allclose(c.joints_m[0], a.joints_m[i])
    assert b.rep_count == 2 and b.t_s[j] == t[j]
    short = simulate(p, duration_s=a.reps[0].end_s + 0.2)
    assert short.rep_count == 1 and short.injected_faults == ()


# -- injected faults -------------------------------------------------------------------------

FAULT_CASES = [
    (dict(), set()),
    (dict(exercise="glute_bridge"), set()),
    (dict(exercise="hip_thrust"), set()),
    (dict(exercise="single_leg_glute_bridge"), set()),
    (dict(peak_hip_deg=155.0), {"incomplete_hip_extension"}),
    (dict(peak_hip_deg=168.0), set()),                               # warn band only
    (dict(peak_hip_deg=200.0), {"back_hyperextension"}),
    (dict(neck_top_deg=-20.0), {"neck_hyperextension"}),
    (dict(neck_top_deg=0.0), set()),
    (dict(pelvic_drop_deg=10.0), {"unlevel_hips"}),
    (dict(pelvic_drop_deg=4.0), set()),
    (dict(elbow_push=1.0), {"elbow_push"}),
    (dict(elbow_push=0.3), set()),
    (dict(hold_s=0.0, concentric_s=0.6, eccentric_s=0.6), {"no_top_hold"}),
    (dict(eccentric_s=0.35), {"fast_descent"}),
    (dict(knee_top_deg=125.0), {"foot_placement"}),
    (dict(knee_top_deg=65.0), {"foot_placement"}),
    (dict(exercise="glute_bridge", knee_top_deg=100.0), {"foot_placement"}),
    (dict(free_leg_hip_deg=150.0), {"free_leg_position"}),
    (dict(free_foot_touch=True), {"free_leg_position"}),
    (dict(exercise="hip_thrust", free_leg_hip_deg=150.0), set()),   # no free leg
]


@pytest.mark.parametrize("kw, codes", FAULT_CASES, ids=lambda x: str(x))
def test_injected_faults_on_every_rep(kw, codes):
    m = simulate(MotionParams(reps=3, **kw))
    assert m.rep_count == 3
    for r in m.reps:
        assert set(r.faults) == codes, (r.index, r.faults)
    assert m.fault_codes() == codes
    for f in m.injected_faults:
        assert f.severity in ("fault", "warn") and 1 <= f.rep <= 3
        rep = m.reps[f.rep - 1]
        assert rep.start_s - 1e-9 <= f.t_s <= rep.end_s + 1e-9


def test_warn_band_and_rep_overrides():
    m = simulate(MotionParams(reps=4, peak_hip_deg=168.0))
    assert m.fault_codes("warn") == {"incomplete_hip_extension"} and m.fault_codes() == set()
    m = simulate(MotionParams(reps=4, rep_overrides={2: {"peak_hip_deg": 150.0}, 4: {"eccentric_s": 0.3}}))
    assert m.faults_by_rep() == {1: set(), 2: {"incomplete_hip_extension"}, 3: set(), 4: {"fast_descent"}}
    assert m.reps[1].peak_hip_deg == 150.0
    i = np.argmin(np.abs(m.t_s - m.reps[1].top_start_s - 0.5))
    assert m.truth.hip_extension_deg[i] == pytest.approx(150.0)
    # the tuple form: rep 1, rep 2, ...
    m2 = simulate(MotionParams(reps=2, rep_overrides=({}, {"neck_top_deg": -30.0})))
    assert m2.faults_by_rep() == {1: set(), 2: {"neck_hyperextension"}}
    # re-judging with other thresholds
    loose = true_faults(m, {"incomplete_fault_below_deg": 140.0, "min_eccentric_s": 0.2})
    assert {f.code for f in loose if f.severity == "fault"} == set()


@pytest.mark.parametrize("kw, msg", [
    (dict(exercise="squat"), "exercise"),
    (dict(variation="two_leg"), "variation"),
    (dict(working_side="middle"), "working_side"),
    (dict(reps=-1), "reps"),
    (dict(reps=3, switch_side_after=3), "switch_side_after"),
    (dict(exercise="hip_thrust", reps=4, switch_side_after=2), "single-leg"),
    (dict(concentric_s=0.0), "concentric_s"),
    (dict(hold_s=-1.0), "hold_s"),
    (dict(peak_hip_deg=float("nan")), "peak_hip_deg"),
    (dict(bottom_hip_deg=170.0, peak_hip_deg=172.0), "peak_hip_deg"),
    (dict(elbow_push=1.5), "elbow_push"),
    (dict(setup="sit_up"), "setup"),
    (dict(setup="lie_flat", start_at_top=True), "start_at_top"),
    (dict(rep_overrides={9: {"peak_hip_deg": 150}}), "rep number"),
    (dict(rep_overrides={1: {"colour": "red"}}), "unknown key"),
    (dict(rep_overrides={1: {"eccentric_s": -1}}), "rep 1"),
])
def test_bad_params_raise_clear_errors(kw, msg):
    with pytest.raises(ValueError, match=msg):
        MotionParams(**kw)


@pytest.mark.parametrize("kw", [
    dict(exercise="glute_bridge", bottom_hip_deg=70.0),            # hips through the floor
    dict(knee_top_deg=130.0, bottom_hip_deg=90.0),                  # feet too far to sink that low
    dict(knee_top_deg=35.0),                                        # no foot placement fits
])
def test_unreachable_pose_raises(kw):
    with pytest.raises(ValueError, match="into the floor|cannot be reached|no foot placement"):
        simulate(MotionParams(**kw))


def test_default_bottom_adapts_to_far_feet():
    m = simulate(MotionParams(knee_top_deg=125.0, reps=1))
    assert m.reps[0].bottom_hip_deg > 100.0
    assert m.reps[0].knee_top_deg == pytest.approx(125.0, abs=1e-3)


# -- camera ------------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise", sorted(EXERCISES))
@pytest.mark.parametrize("view", VIEWS)
def test_whole_body_in_frame(exercise, view):
    m = simulate(MotionParams(exercise=exercise, reps=2, setup="lie_flat"), fps=15.0)
    s = synth_series(m, Camera(view))
    xy = s.image[..., :2]
    assert np.all((xy >= 0) & (xy <= 1)), (xy.min(), xy.max())
    # and not a speck: the body spans a good part of the frame
    span = xy.max(axis=(0, 1)) - xy.min(axis=(0, 1))
    assert span.max() > 0.5


def test_side_views_put_the_head_where_named():
    m = simulate(MotionParams(reps=1))
    left = synth_series(m, Camera("side_left")).image
    right = synth_series(m, Camera("side_right")).image
    assert np.all(left[:, 0, 0] < 0.5) and np.all(left[:, 27, 0] > 0.5)
    assert np.all(right[:, 0, 0] > 0.5) and np.all(right[:, 27, 0] < 0.5)
    # the floor is at the bottom of the image: feet below the shoulders (y down)
    assert np.all(left[:, 27, 1] > left[:, 11, 1])


def test_front_view_puts_the_feet_near_the_camera():
    m = simulate(MotionParams(exercise="hip_thrust", reps=1))
    cam = Camera("front").fit(m.joints_m)
    _, depth = cam.project(m.joints_m)
    assert np.all(depth[:, 27] < depth[:, 0] - 0.4) and np.all(depth[:, 28] < depth[:, 7])
    s = synth_series(m, cam)
    # closer = larger: the ankles (0.19 m apart) look wider than the shoulders (0.36 m apart)
    px = s.pixels
    ankles = np.abs(px[:, 27, 0] - px[:, 28, 0])
    shoulders = np.abs(px[:, 11, 0] - px[:, 12, 0])
    assert np.all(ankles / 0.19 > 1.25 * shoulders / 0.36)
    assert np.all(s.image[:, 27, 2] < s.image[:, 0, 2])     # MediaPipe-like z: smaller = closer
    # facing the person: their left (odd) appears on the image's right
    assert np.all(s.image[:, 11, 0] > s.image[:, 12, 0])
    back = synth_series(m, Camera("back")).image
    assert np.all(back[:, 11, 0] < back[:, 12, 0])


def test_camera_projection_basics():
    cam = Camera("side_left", target_m=(0.5, 0.4, 0.0), distance_m=3.0, height_m=0.4, width=640, height=480)
    px, depth = cam.project(np.array([[0.5, 0.4, 0.0], [1.5, 0.4, 0.0], [0.5, 1.4, 0.0]]))
    assert np.allclose(px[0], [320, 240]) and np.allclose(depth, 3.0)
    f = cam.focal
    assert np.allclose(px[1], [320 + f / 3, 240])      # +x (feet) to the right
    assert np.allclose(px[2], [320, 240 - f / 3])      # up is up
    R = cam.rotation
    assert np.allclose(R @ R.T, np.eye(3)) and np.linalg.det(R) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="oblique"):
        Camera("front", yaw_deg=30.0)
    with pytest.raises(ValueError, match="not placed"):
        Camera("front").project(np.zeros((1, 3)))
    rolled = Camera("side_left", target_m=(0.5, 0.4, 0.0), distance_m=3.0, height_m=0.4, roll_deg=10.0)
    p2, _ = rolled.project(np.array([[1.5, 0.4, 0.0]]))
    assert abs(p2[0, 1] - rolled.height / 2) > 10     # a level line is tilted in the image


# -- side-view pixels agree with the 3D truth ---------------------------------------------------

@pytest.mark.parametrize("exercise", sorted(EXERCISES))
@pytest.mark.parametrize("view, side", [("side_left", "left"), ("side_left", "right"), ("side_right", "left")])
def test_side_view_pixel_angles_match_truth(exercise, view, side):
    m = simulate(MotionParams(exercise=exercise, working_side=side, peak_hip_deg=190.0, reps=2), fps=30.0)
    s = synth_series(m, Camera(view))
    P = s.pixels
    ix = SIDE_IDX[side]
    up = np.array([0.0, -1.0])                      # image y points down
    hip = signed_hip(P[:, ix["sh"]], P[:, ix["hip"]], P[:, ix["knee"]], up)
    knee = _interior(P[:, ix["hip"]], P[:, ix["knee"]], P[:, ix["ank"]])
    assert np.abs(hip - m.truth.hip_extension_deg).max() < 2.5   # shoulders sit wider than hips: perspective
    assert np.abs(knee - m.truth.knee_deg).max() < 0.1            # the leg is one plane parallel to the image
    # The same-side ear and shoulder lie at different depths (ears nearer the midline), so the
    # pixel neck angle carries a perspective bias near the frame edge. The midline points of the
    # world landmarks (camera axes, y down) seen along the optical axis give it exactly.
    W = s.world
    mid = lambda a, b: 0.5 * (W[:, a, :2] + W[:, b, :2])
    neck = signed_neck(mid(23, 24), mid(11, 12), mid(7, 8), up)
    assert np.abs(neck - m.truth.neck_deg).max() < 0.05


# -- landmark series ---------------------------------------------------------------------------

def test_series_shape_frames_and_mediapipe_conventions():
    m = simulate(MotionParams(exercise="hip_thrust", reps=2))
    s = synth_series(m, Camera("side_left"))
    assert isinstance(s, LandmarkSeries)
    assert s.image.shape == (len(m), 33, 4) and s.world.shape == (len(m), 33, 4)
    assert s.image_size == (1280, 720) and np.array_equal(s.t_s, m.t_s)
    # world: origin between the hips, camera axes (y down), true lengths
    w = s.world
    assert np.allclose(0.5 * (w[:, 23, :3] + w[:, 24, :3]), 0.0, atol=1e-12)
    assert np.all(w[:, 27, 1] > w[:, 11, 1] - 0.3)       # feet on the floor: not above the shoulders
    shin = np.linalg.norm(w[:, 25, :3] - w[:, 27, :3], axis=-1)
    assert np.allclose(shin, m.params.body.shin_m)
    # image z: hips near 0, the near (right) side closer (negative) in side_left
    assert np.allclose(0.5 * (s.image[:, 23, 2] + s.image[:, 24, 2]), 0.0, atol=5e-3)
    assert np.all(s.image[:, 24, 2] < s.image[:, 23, 2])
    # visibility: the far (left) leg is occluded in side_left
    vis = s.image[..., 3]
    assert vis[:, 25].mean() < vis[:, 26].mean() - 0.2
    assert np.all((vis >= 0) & (vis <= 1))


def test_deterministic_per_seed():
    m = simulate(MotionParams(reps=2, sway_m=0.02, seed=4))
    assert np.array_equal(m.joints_m, simulate(MotionParams(reps=2, sway_m=0.02, seed=4)).joints_m)
    kw = dict(noise_px=2.0, jitter_px=30.0, dropout_rate=0.05, swap_legs_rate=0.05, frame_rate_jitter=0.2)
    a = synth_series(m, Camera("oblique"), seed=7, **kw)
    b = synth_series(m, Camera("oblique"), seed=7, **kw)
    c = synth_series(m, Camera("oblique"), seed=8, **kw)
    assert np.array_equal(a.image, b.image, equal_nan=True) and np.array_equal(a.t_s, b.t_s)
    assert not np.array_equal(a.t_s, c.t_s)
    # one effect's random draws do not depend on another being on
    n1 = synth_series(m, Camera("side_left"), seed=3, noise_px=1.0)
    n2 = synth_series(m, Camera("side_left"), seed=3, noise_px=1.0, dropout_rate=0.1)
    keep = n2.present
    assert np.array_equal(n1.image[keep], n2.image[keep])


def test_noise_has_the_asked_size():
    m = simulate(MotionParams(reps=3))
    clean = synth_series(m, Camera("side_left"))
    noisy = synth_series(m, Camera("side_left"), noise_px=2.0, seed=1)
    d = (noisy.pixels - clean.pixels).ravel()
    assert np.std(d) == pytest.approx(2.0, rel=0.05)
    spiky = synth_series(m, Camera("side_left"), jitter_px=40.0, jitter_rate=0.05, seed=1)
    moved = np.linalg.norm(spiky.pixels - clean.pixels, axis=-1).max(axis=1)
    assert np.array_equal(moved > 10, spiky.meta["spikes"])
    assert 0 < spiky.meta["spikes"].sum() < 0.15 * len(m)


def test_dropouts_give_nan_rows_in_short_runs():
    m = simulate(MotionParams(reps=4))
    s = synth_series(m, Camera("side_left"), dropout_rate=0.1, seed=2)
    gone = ~s.present
    assert np.array_equal(gone, s.meta["dropped"])
    assert np.all(np.isnan(s.image[gone])) and np.all(np.isnan(s.world[gone]))
    assert not np.isnan(s.image[~gone]).any()
    assert gone.mean() == pytest.approx(0.1, abs=0.02)
    edges = np.diff(np.concatenate([[0], gone.astype(int), [0]]))
    runs = np.nonzero(edges == -1)[0] - np.nonzero(edges == 1)[0]
    assert runs.max() <= 8 and len(runs) >= 3


def test_swap_legs_swaps_the_labels():
    m = simulate(MotionParams(reps=3))
    clean = synth_series(m, Camera("side_left"), seed=5)
    s = synth_series(m, Camera("side_left"), swap_legs_rate=0.1, seed=5)
    sw = s.meta["swapped"]
    assert sw.mean() == pytest.approx(0.1, abs=0.02)
    for a, b in ((23, 24), (25, 26), (27, 28), (29, 30), (31, 32)):
        assert np.array_equal(s.image[sw, a], clean.image[sw, b])
        assert np.array_equal(s.world[sw, b], clean.world[sw, a])
        assert np.array_equal(s.image[~sw, a], clean.image[~sw, a])
    assert np.array_equal(s.image[:, :23], clean.image[:, :23])     # upper body untouched


def test_frame_rate_jitter_resamples_the_motion():
    series, motion = quick_series("side_left", fps=30.0, reps=3, frame_rate_jitter=True, seed=9)
    dt = np.diff(series.t_s)
    assert dt.min() >= 0.8 / 30 - 1e-12 and dt.max() <= 1.2 / 30 + 1e-12
    assert dt.std() > 0.05 / 30
    assert np.array_equal(motion.t_s, series.t_s)
    # the truth at the jittered times is the geometry seen in the series
    P = series.pixels
    knee = _interior(P[:, 23], P[:, 25], P[:, 27])
    assert np.abs(knee - motion.truth.knee_deg).max() < 0.1
    assert motion.rep_count == 3


def test_sixty_seconds_is_fast():
    p = MotionParams(reps=14, lead_in_s=2.0, sway_m=0.01)
    t0 = time.perf_counter()
    m = simulate(p, fps=30.0, duration_s=60.0)
    s = synth_series(m, Camera("oblique"), noise_px=1.0, jitter_px=20.0, dropout_rate=0.05,
                     swap_legs_rate=0.05, seed=1)
    elapsed = time.perf_counter() - t0
    assert len(s) == 1801
    assert elapsed < 0.5, f"60 s at 30 fps took {elapsed:.2f} s"


@pytest.mark.parametrize("up_s,down_s,still_s", [(1.0, 1.5, (0.15, 0.3)), (0.4, 0.6, (0.0, 0.1))])
def test_zero_hold_still_rests_at_the_top(up_s, down_s, still_s):
    """Each phase is a minimum-jerk move that ends at rest, so a commanded 0 s hold at a slow tempo
    still keeps the hip within 0.5 deg of its peak for ~0.2 s, as long as a real short hold reads
    (README Limits, "The hold as a pause": why no pause measure tells them apart)."""
    m = simulate(MotionParams(reps=3, concentric_s=up_s, hold_s=0.0, eccentric_s=down_s), fps=30.0)
    r = m.reps[1]
    sel = (m.t_s >= r.start_s) & (m.t_s <= r.end_s)
    t, hip = m.t_s[sel], m.truth.hip_extension_deg[sel]
    near = t[hip >= hip.max() - 0.5]
    assert still_s[0] <= near[-1] - near[0] <= still_s[1]
