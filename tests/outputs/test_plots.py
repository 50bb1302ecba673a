"""Angle plot: a real PNG of the promised size, lines only from the report or the caller."""

from __future__ import annotations

import struct
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from formcheck.outputs import plots as plots  # noqa: E402
from formcheck.core.errors import InputError  # noqa: E402
from formcheck.outputs.plots import PLOT_DPI, PLOT_SIZE_IN, plot_angles  # noqa: E402
from formcheck.core.report import Fault, Rep, SetReport  # noqa: E402

FPS = 30.0
EXPECTED_PX = (round(PLOT_SIZE_IN[0] * PLOT_DPI), round(PLOT_SIZE_IN[1] * PLOT_DPI))


def _rep(i: int, start: float, side: str, peak: float, faults=(), counted=True) -> Rep:
    return Rep(i, start, start + 0.9, start + 1.8, side, "single_leg", peak, 92.0, 0.4, 0.9, 0.9,
               int(start * FPS), int((start + 0.9) * FPS), int((start + 1.8) * FPS), tuple(faults), counted)


def make_report(columns=("hip_deg", "knee_deg", "neck_deg", "pelvis_deg", "phase"), faults=True) -> SetReport:
    t = np.arange(0, 10.0, 1 / FPS)
    hip = 110 + 65 * np.clip(np.sin(np.pi * t / 2.0), 0, None) ** 2
    hip[40:45] = np.nan  # a dropout
    table = {
        "t_s": t, "hip_deg": hip, "knee_deg": 120 - 0.4 * (hip - 110), "neck_deg": np.full(t.size, 70.0),
        "pelvis_deg": np.zeros(t.size), "phase": np.array(["bottom"] * t.size),
    }
    table = {k: v for k, v in table.items() if k == "t_s" or k in columns}
    f1 = Fault("incomplete_hip_extension", "fault", 163.0, 165.0, 5.0, 150, "Drive the hips higher")
    f2 = Fault("neck_hyperextension", "fault", -14.0, -10.0, 9.0, 270, "Tuck your chin")
    reps = (
        _rep(1, 0.1, "left", 175.0),
        _rep(2, 4.1, "right", 163.0, (f1,) if faults else ()),
        _rep(3, 8.1, "left", 175.0, (f2,) if faults else ()),
    )
    partials = (_rep(0, 2.1, "left", 130.0, counted=False),)
    return SetReport(source="/clips/demo.mp4", exercise="single_leg_hip_thrust", view="side", working_side="left",
                     reps=reps, partials=partials, not_assessed=(), frames_total=t.size,
                     frames_with_person=t.size - 5, duration_s=float(t[-1]), frames_table=table)


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_writes_a_png_of_the_expected_size(tmp_path):
    out = plot_angles(make_report(), tmp_path / "sub" / "angles.png",
                      targets_deg={"hip_top": 180.0, "hip_min_top": 165.0})
    assert out == tmp_path / "sub" / "angles.png"
    assert png_size(out) == EXPECTED_PX
    assert 30_000 < out.stat().st_size < 2_000_000
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def _count_colour(path, hex_colour: str, tol: int = 20) -> int:
    cv2 = pytest.importorskip("cv2")
    img = cv2.imread(str(path))
    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    bgr = np.array(rgb[::-1])
    return int(np.all(np.abs(img.astype(int) - bgr) <= tol, axis=-1).sum())


def test_fault_markers_only_when_there_are_faults(tmp_path):
    with_f = plot_angles(make_report(), tmp_path / "f.png")
    without = plot_angles(make_report(faults=False), tmp_path / "n.png")
    assert _count_colour(with_f, plots._FAULT_COLOUR) > 200
    assert _count_colour(without, plots._FAULT_COLOUR) == 0


def test_target_lines_only_from_report_or_caller():
    report = make_report()
    lines = plots._target_lines(report, None)
    assert sorted((c, v, k) for c, v, _, k in lines) == [("hip_deg", 165.0, "fault"), ("neck_deg", -10.0, "fault")]
    # A caller's target joins them; one equal to a fault threshold is drawn once.
    lines = plots._target_lines(report, {"hip_top": 180.0, "hip_min_top": 165.0, "knee_top": 90.0, "other": 1.0})
    got = sorted((c, v) for c, v, _, _ in lines)
    assert got == [("hip_deg", 165.0), ("hip_deg", 180.0), ("knee_deg", 90.0), ("neck_deg", -10.0)]
    # No faults and no targets: no lines at all (nothing hard-coded).
    assert plots._target_lines(make_report(faults=False), None) == []
    # The line sits wherever the fault's threshold says, not at a built-in number.
    odd = Fault("incomplete_hip_extension", "warn", 150.0, 123.4, 5.0, 150, "Drive the hips higher")
    r = make_report(faults=False)
    r = SetReport(**{**r.__dict__, "reps": (r.reps[0], _rep(2, 4.1, "right", 150.0, (odd,)))})
    assert plots._target_lines(r, None) == [("hip_deg", 123.4, "incomplete_hip_extension warn", "warn")]


def test_target_lines_are_drawn(tmp_path):
    cv2 = pytest.importorskip("cv2")
    a = cv2.imread(str(plot_angles(make_report(faults=False), tmp_path / "a.png"))).astype(int)
    b = cv2.imread(str(plot_angles(make_report(faults=False), tmp_path / "b.png", targets_deg={"hip_top": 180.0})))
    b = b.astype(int)
    # A green horizontal line across (most of) the plot width appears, and only with the target.
    changed_green = (np.abs(a - b).max(axis=-1) > 40) & (b[..., 1] > b[..., 2] + 40) & (b[..., 1] > b[..., 0] + 20)
    rows = changed_green.sum(axis=1)
    assert rows.max() > 0.7 * EXPECTED_PX[0]


@pytest.mark.parametrize("columns", [("hip_deg",), ("knee_deg", "neck_deg"), ()])
def test_missing_columns_still_plot(tmp_path, columns):
    out = plot_angles(make_report(columns=columns), tmp_path / "p.png")
    assert png_size(out) == EXPECTED_PX


def test_no_table_or_no_time_is_an_input_error(tmp_path):
    r = make_report()
    with pytest.raises(InputError):
        plot_angles(SetReport(**{**r.__dict__, "frames_table": {}}), tmp_path / "x.png")
    with pytest.raises(InputError):
        plot_angles(SetReport(**{**r.__dict__, "frames_table": {"hip_deg": np.zeros(3)}}), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    path = tmp_path / "angles.png"
    path.write_bytes(b"old")

    def boom(self, *a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", boom)
    with pytest.raises(RuntimeError):
        plot_angles(make_report(), path)
    assert path.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [path]


def test_importing_plots_does_not_import_matplotlib():
    code = "import sys, formcheck.outputs.plots; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("view, edge_on", [("front", True), ("back", True), ("side", False), ("oblique", False)])
def test_from_the_feet_or_head_the_plot_shows_the_lift_not_angles(tmp_path, view, edge_on):
    """Angles are not judged from the feet or the head, so none is drawn there: a hip at 140 deg
    under a 165 deg line would read as a verdict the report does not give."""
    import dataclasses

    rep = make_report(faults=False)
    table = dict(rep.frames_table)
    table["hip_lift_sw"] = np.clip((table["hip_deg"] - 110) / 100, 0, None)
    rep = dataclasses.replace(rep, view=view, frames_table=table)
    cols, lift = plots.plotted_series(rep)
    if edge_on:
        assert lift is not None and np.allclose(lift, table["hip_lift_sw"], equal_nan=True)
        assert all(c is None for c in cols.values())
    else:
        assert lift is None and cols["hip_deg"] is not None and cols["knee_deg"] is not None
    assert png_size(plot_angles(rep, tmp_path / "p.png", targets_deg={"hip_min_top": 165.0})) == EXPECTED_PX
