"""Live coaching: the loop against synthetic sets (no window), speech pacing, set-up guidance,
recording, and the real window under a virtual display (Xvfb) on the shared clips.

Window-free tests drive ``LiveSession`` with the real capture thread (``LatestFrame``) over
synthetic frames, a fake pose backend that returns the synthetic landmarks of each submitted
frame, a fake display with scripted keys and a recording speaker. Display tests start their own
Xvfb and skip cleanly without it; clip tests skip without ../shared/clips.

Screenshots taken by the display tests are copied to $FORMCHECK_SCREENSHOTS when it is set, to be
looked at.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from formcheck.live import session as live_mod
from tests.support.xvfb import xvfb_env
from formcheck.core.errors import NoPersonError, VideoError
from formcheck.core.landmarks import LandmarkSeries, empty_frame
from formcheck.live.session import (
    READY_TEXT, DisplayError, LatestFrame, LiveSession, SetupGuide, check_display, setup_issues,
)
from formcheck.core.report import Fault, FrameResult, Rep
from formcheck.adapters.speech import CommandSpeaker, SilentSpeaker, SpeechCoach, make_speaker
from formcheck.synth import Camera, quick_series

W, H = 640, 480
ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT.parent / "shared" / "clips"
KEYS = {"q": ord("q"), "space": ord(" "), "r": ord("r"), "s": ord("s"), "m": ord("m")}


# ------------------------------------------------------------------------------ fakes
def synth(view: str = "side_left", **motion):
    motion.setdefault("reps", 3)
    return quick_series(view, camera=Camera(view, width=W, height=H), noise_px=1.0, seed=1, **motion)


class SeriesFrames:
    """Frames of a synthetic set: a grey picture per landmark frame, at the series' times.

    ``fail_after``: raise VideoError after that many frames (a camera unplugged mid-set).
    """

    def __init__(self, series: LandmarkSeries, *, fail_after: int | None = None, grey: int = 128) -> None:
        self.series = series
        self.fail_after = fail_after
        self.picture = np.full((H, W, 3), grey, np.uint8)

    def __iter__(self):
        for i, t in enumerate(self.series.t_s):
            if self.fail_after is not None and i >= self.fail_after:
                raise VideoError("camera 0 stopped delivering frames")
            yield i, float(t), self.picture


class SeriesPose:
    """A pose backend answering each submitted frame with the series' landmarks at that time."""

    def __init__(self, series: LandmarkSeries) -> None:
        self.series = series
        self.t_ms = series.t_s * 1000.0
        self._latest = None
        self.submitted = 0
        self.closed = False

    def submit(self, frame_bgr, t_ms) -> None:
        i = int(np.argmin(np.abs(self.t_ms - t_ms)))
        world = self.series.world[i] if self.series.world is not None else empty_frame()
        present = bool(np.isfinite(self.series.image[i][:, 0]).any())
        self._latest = SimpleNamespace(image=self.series.image[i], world=world, n_people=int(present),
                                       t_ms=int(t_ms))
        self.submitted += 1

    def latest(self):
        return self._latest

    def close(self) -> None:
        self.closed = True


class ScriptedDisplay:
    """Returns ``keys[n]`` after the n-th frame shown (0-based); counts what was shown."""

    def __init__(self, keys: dict[int, str] | None = None, poll_keys: dict[int, str] | None = None) -> None:
        self.keys = {n: KEYS[k] for n, k in (keys or {}).items()}
        self.poll_keys = {n: KEYS[k] for n, k in (poll_keys or {}).items()}
        self.shown = 0
        self.polls = 0
        self.last: np.ndarray | None = None

    def show(self, img) -> int:
        assert img.shape == (H, W, 3) and img.dtype == np.uint8
        self.last = img
        self.polls = 0
        key = self.keys.pop(self.shown, -1)
        self.shown += 1
        return key

    def poll_key(self) -> int:
        """``poll_keys[n]`` on the n-th poll (0-based) after the last frame shown."""
        key = self.poll_keys.pop(self.polls, -1)
        self.polls += 1
        return key

    def is_open(self) -> bool:
        return True

    def close(self) -> None:
        pass


class RecordingSpeaker(SilentSpeaker):
    def __init__(self) -> None:
        super().__init__()
        self.stops = 0

    def stop(self) -> None:
        self.stops += 1


def make_session(series, *, keys=None, poll_keys=None, fail_after=None, record_dir=None, coach=None, **kw):
    source = LatestFrame(SeriesFrames(series, fail_after=fail_after), size=(W, H), fps=30.0,
                         name="synthetic", pace=False, drop=False)
    speaker = RecordingSpeaker()
    coach = coach or SpeechCoach(speaker)
    display = ScriptedDisplay(keys, poll_keys)
    session = LiveSession(source, SeriesPose(series), display, coach=coach, record_dir=record_dir,
                          source_name="synthetic", **kw)
    return session, display, coach.speaker


@pytest.fixture
def overlay_calls(monkeypatch):
    """Spy on draw_overlay (the live loop imports it at call time): banner, fps, latency, landmarks."""
    from formcheck.draw import overlay as overlay

    calls: list[dict] = []
    real = overlay.draw_overlay

    def spy(frame, landmarks, result, **kw):
        calls.append({"landmarks": None if landmarks is None else landmarks.copy(), "result": result, **kw})
        return real(frame, landmarks, result, **kw)

    monkeypatch.setattr(overlay, "draw_overlay", spy)
    return calls


# ------------------------------------------------------------------------------ the loop on synthetic sets
LOOP_CASES = [
    # (id, view, motion, exercise, expected live counts by side, expected speech)
    ("clean_left", "side_left", {}, "single-leg-hip-thrust", {"left": 3}, ["one", "two", "three"]),
    ("clean_right_mirrored_view", "side_right", {"working_side": "right"}, "single-leg-hip-thrust",
     {"right": 3}, ["one", "two", "three"]),
    # the cue comes with rep 1; rep 2 (4 s later, within cue_repeat_s = 6 s) gets its count only,
    # and its cue, still on screen, is spoken once 6 s have passed; rep 3 is 2 s after that
    ("incomplete", "side_left", {"peak_hip_deg": 152.0}, "single-leg-hip-thrust", {"left": 3},
     ["one. Drive the hips higher", "two", "Drive the hips higher", "three"]),
    ("switch_sides", "side_left", {"reps": 4, "switch_side_after": 2}, "auto", {"left": 2, "right": 2},
     ["one", "two", "Right side, one", "two"]),
    ("two_leg", "side_left", {"exercise": "hip_thrust"}, "hip-thrust", {"both": 3}, ["one", "two", "three"]),
]


@pytest.mark.parametrize("name, view, motion, exercise, by_side, speech", LOOP_CASES, ids=[c[0] for c in LOOP_CASES])
def test_loop_counts_reps_and_speaks_like_the_truth(name, view, motion, exercise, by_side, speech, overlay_calls):
    series, truth = synth(view, **motion)
    coach = SpeechCoach(RecordingSpeaker(), cue_repeat_s=6.0)
    session, display, speaker = make_session(series, coach=coach, exercise=exercise)
    outcome = session.run()
    assert outcome.error is None
    # every frame of a file played without --realtime is analysed and shown
    assert outcome.stats.frames_processed == len(series) == display.shown
    last = overlay_calls[-1]["result"]
    assert last.rep_count == truth.rep_count
    assert last.reps_by_side == by_side
    assert speaker.said == speech
    # the set report comes from the same analyzer
    assert outcome.report.rep_count == truth.rep_count
    assert outcome.report.reps_by_side == by_side
    reps = [e for e in outcome.events if e["kind"] == "rep"]
    assert [e["count"] for e in reps] == list(range(1, truth.rep_count + 1))


def test_setup_banner_until_the_first_rep_then_readouts(overlay_calls):
    series, truth = synth()
    session, _, _ = make_session(series, exercise="single-leg-hip-thrust")
    session.run()
    first_rep = next(i for i, c in enumerate(overlay_calls) if c["result"].new_rep is not None)
    before = [c["banner"] for c in overlay_calls[:first_rep]]
    # a clean side-on synthetic set: once the view is known the banner says it is ready, and it
    # gets out of the way when the first lift starts
    assert all(b in (None, READY_TEXT) for b in before)
    ready = [c["result"].phase for c in overlay_calls[:first_rep] if c["banner"] == READY_TEXT]
    assert len(ready) >= 10 and set(ready) <= {"setup", "bottom", "unknown"}
    assert any(c["banner"] is None and c["result"].phase == "concentric" for c in overlay_calls[:first_rep])
    assert all(c["banner"] is None for c in overlay_calls[first_rep + 1:])
    # frame rate and latency readouts are passed to the overlay once a few frames were shown
    assert all(c["latency_ms"] is not None and c["latency_ms"] >= 0 for c in overlay_calls[5:])
    assert any(c["show_fps"] for c in overlay_calls[5:])


def test_mirror_flips_the_picture_and_the_skeleton_together(overlay_calls):
    series, _ = synth(reps=1)
    session, _, _ = make_session(series, mirror=True)
    session.run()
    i = 40
    np.testing.assert_allclose(overlay_calls[i]["landmarks"][:, 0], 1.0 - series.image[i][:, 0])
    # the analysis is not mirrored: the working leg is still the left one
    assert overlay_calls[-1]["result"].reps_by_side == {"left": 1}


# ------------------------------------------------------------------------------ keys
def frame_at(series, t_s: float) -> int:
    return int(np.searchsorted(series.t_s, t_s))


def test_key_q_quits_at_once():
    series, _ = synth()
    session, display, _ = make_session(series, keys={30: "q"})
    outcome = session.run()
    assert outcome.error is None and display.shown == 31
    assert outcome.stats.frames_processed == 31
    assert [e["key"] for e in outcome.events if e["kind"] == "key"] == ["quit"]


def test_key_m_mutes_speech_but_not_the_analysis():
    series, truth = synth(peak_hip_deg=152.0)
    session, _, speaker = make_session(series, keys={10: "m"}, exercise="single-leg-hip-thrust")
    outcome = session.run()
    assert speaker.said == [] and speaker.stops >= 1
    spoken = [e for e in outcome.events if e["kind"] == "speech"]
    assert len(spoken) == truth.rep_count and not any(e["spoken"] for e in spoken)
    assert outcome.report.rep_count == truth.rep_count


def test_key_space_pauses_analysis_until_pressed_again(overlay_calls):
    series, truth = synth(reps=1)
    # space after frame 20 pauses; the paused picture is redrawn (show #21) and the loop then
    # only reads keys: space on its 10th key poll resumes
    session, display, _ = make_session(series, keys={20: "space"}, poll_keys={9: "space"})
    outcome = session.run()
    keys = [e["key"] for e in outcome.events if e["kind"] == "key"]
    assert keys == ["pause", "resume"]
    paused = [c for c in overlay_calls if (c["banner"] or "").startswith("Paused")]
    assert len(paused) == 1 and paused[0]["result"].frame == 20  # the frozen frame, nothing new analysed
    frames = [c["result"].frame for c in overlay_calls if not (c["banner"] or "").startswith("Paused")]
    # a file without --realtime waits while paused: after resuming, analysis goes on from the next frame
    assert frames[:21] == list(range(21)) and frames[22] == 21
    assert outcome.stats.frames_processed == len(series)
    assert outcome.report.rep_count == truth.rep_count


def test_key_r_resets_the_set():
    series, truth = synth(reps=3)
    reset_at = frame_at(series, truth.reps[1].end_s + 0.2)  # after rep 2
    session, _, speaker = make_session(series, keys={reset_at: "r"}, exercise="single-leg-hip-thrust")
    outcome = session.run()
    assert outcome.report.rep_count == 1  # only rep 3 is in the new set
    assert any("set reset" in w for w in outcome.report.warnings)
    assert speaker.said == ["one", "two", "New set", "one"]


def test_key_s_switches_the_side_for_the_following_reps(tmp_path, overlay_calls):
    # The user fixed --side left; the athlete switches legs after rep 2 and presses s.
    series, truth = synth(reps=4, switch_side_after=2)
    press = frame_at(series, truth.reps[1].end_s + 0.5)  # during the switch pause
    session, _, speaker = make_session(series, keys={press: "s"}, side="left", record_dir=tmp_path,
                                       exercise="single-leg-hip-thrust")
    analyzer = session.analyzer
    outcome = session.run()
    assert session.analyzer is analyzer  # the switch tells the set's analyzer; no new one
    # live: the counts per side go on from where they were, the following reps are right
    results = {c["result"].frame: c["result"] for c in overlay_calls}  # one analyzer: frame = set frame
    assert sorted(results) == list(range(len(series)))
    assert results[press].reps_by_side == {"left": 2} and results[press].working_side == "left"
    assert results[press + 1].working_side == "right"
    last = results[len(series) - 1]
    assert last.reps_by_side == {"left": 2, "right": 2} and last.rep_count == 4
    reps = [e for e in outcome.events if e["kind"] == "rep"]
    assert [(e["count"], e["side"], e["side_count"]) for e in reps] == [
        (1, "left", 1), (2, "left", 2), (3, "right", 1), (4, "right", 2)]
    assert [e.get("side") for e in outcome.events if e["kind"] == "key"] == ["right"]
    # the report: the same reps, and a note of the switch
    rep = outcome.report
    assert rep.reps_by_side == {"left": 2, "right": 2}
    assert [r.index for r in rep.reps] == [1, 2, 3, 4]
    assert [r.side for r in rep.reps] == ["left", "left", "right", "right"]
    assert rep.working_side == "left+right"
    assert any("working side set to right" in w for w in rep.warnings)
    assert speaker.said == ["one", "two", "Right side", "one", "two"]
    # one analyzer: frame indices are the set's frames; they index the per-frame table and the
    # saved landmarks alike
    table = rep.frames_table
    assert len(table["t_s"]) == rep.frames_total == len(series)
    for r in rep.reps:
        assert table["rep"][r.top_frame] == r.index
        assert table["t_s"][r.top_frame] == pytest.approx(r.top_s)
    saved = LandmarkSeries.load_npz(outcome.outputs["landmarks"])
    np.testing.assert_allclose(saved.t_s[[r.top_frame for r in rep.reps]], [r.top_s for r in rep.reps])


# ------------------------------------------------------------------------------ errors and recording
def test_camera_lost_mid_set_keeps_a_partial_recording(tmp_path):
    series, truth = synth(reps=3)
    cut = frame_at(series, truth.reps[1].end_s + 0.1)  # the camera dies after rep 2
    session, _, _ = make_session(series, fail_after=cut, record_dir=tmp_path, exercise="single-leg-hip-thrust")
    outcome = session.run()
    assert isinstance(outcome.error, VideoError) and "stopped delivering" in str(outcome.error)
    assert outcome.partial
    out = outcome.outputs
    assert {"video", "landmarks", "json", "log"} <= set(out)
    assert all("-partial" in p.name for p in out.values())
    assert all(p.is_file() for p in out.values())
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind
    report = json.loads(out["json"].read_text())
    assert report["rep_count"] == 2
    assert any("partial set" in w and "stopped delivering" in w for w in report["warnings"])
    assert len(LandmarkSeries.load_npz(out["landmarks"])) == cut


def test_recording_plays_in_real_time(tmp_path):
    from formcheck.adapters.video import open_video

    series, _ = synth(reps=1)
    session, _, _ = make_session(series, record_dir=tmp_path)
    outcome = session.run()
    video = outcome.outputs["video"]
    with open_video(video) as v:
        n = sum(1 for _ in v)
        fps = v.fps
    duration = series.t_s[-1] - series.t_s[0]
    assert fps == pytest.approx(30.0, abs=0.5)
    assert n == pytest.approx(duration * 30.0, abs=2)
    log = json.loads(outcome.outputs["log"].read_text())
    assert log["stats"]["frames_processed"] == len(series)


def test_nobody_in_view_is_reported_not_crashed():
    series, _ = synth(reps=1)
    empty = LandmarkSeries(series.t_s[:60], np.full((60, 33, 4), np.nan), series.image_size)
    session, display, _ = make_session(empty)
    outcome = session.run()
    assert isinstance(outcome.error, NoPersonError)
    assert outcome.report is None and display.shown == 60


def test_bad_exercise_fails_before_anything_runs():
    from formcheck.core.errors import ConfigError

    series, _ = synth(reps=1)
    with pytest.raises(ConfigError):
        make_session(series, exercise="squat")


# ------------------------------------------------------------------------------ capture thread
class TimedFrames:
    def __init__(self, n: int, fps: float) -> None:
        self.n, self.fps = n, fps
        self.img = np.zeros((4, 4, 3), np.uint8)

    def __iter__(self):
        for i in range(self.n):
            yield i, i / self.fps, self.img


def test_latest_frame_paces_a_file_and_keeps_only_the_newest():
    src = LatestFrame(TimedFrames(30, 60.0), size=(4, 4), fps=60.0, name="t", pace=True, drop=True)
    t0 = time.monotonic()
    src.start()
    got = []
    while not src.finished:
        cap = src.take(0.01)
        if cap is not None:
            got.append(cap)
            time.sleep(0.05)  # a slow consumer: frames arriving meanwhile are dropped
    elapsed = time.monotonic() - t0
    assert elapsed >= 29 / 60.0 - 0.02  # released at the file's pace, not as fast as decoded
    assert 5 <= len(got) <= 15
    assert src.frames_captured == 30 and src.frames_dropped == 30 - len(got)
    assert all(b.seq > a.seq for a, b in zip(got, got[1:]))


# ------------------------------------------------------------------------------ set-up guidance
def good_frame():
    series, _ = synth(reps=1)
    return series.image[40].copy()


def shifted(lm, dx=0.0, dy=0.0, scale=1.0):
    out = lm.copy()
    c = np.nanmean(lm[:, :2], axis=0)
    out[:, :2] = (lm[:, :2] - c) * scale + c + (dx, dy)
    return out


GUIDE_CASES = [
    # (id, grey level, landmarks transform, view, expected issues)
    ("good_side", 128, lambda lm: lm, "side_head_left", []),
    ("dark", 25, lambda lm: lm, "side_head_left", ["dark"]),
    ("nobody", 128, lambda lm: None, "unknown", ["no_person"]),
    ("feet_cut_off", 128, lambda lm: shifted(lm, dx=0.35), "side_head_left", ["feet_out"]),
    ("head_cut_off", 128, lambda lm: shifted(lm, dx=-0.4), "side_head_left", ["head_out"]),
    ("far_away", 128, lambda lm: shifted(lm, scale=0.4), "side_head_left", ["far"]),
    ("front_view", 128, lambda lm: lm, "front", ["front_view"]),
    ("oblique_view", 128, lambda lm: lm, "oblique", ["oblique_view"]),
]


@pytest.mark.parametrize("name, grey, transform, view, expected", GUIDE_CASES, ids=[c[0] for c in GUIDE_CASES])
def test_setup_issues(name, grey, transform, view, expected):
    frame = np.full((H, W, 3), grey, np.uint8)
    assert setup_issues(frame, transform(good_frame()), view) == expected


def test_setup_guide_ignores_a_one_frame_glitch_and_names_what_is_missing():
    g = SetupGuide()
    for i in range(30):
        g.add(i / 30, ["feet_out"] if i == 10 else [])
    assert g.banner("side_head_left") == READY_TEXT
    for i in range(30, 60):
        g.add(i / 30, ["dark", "feet_out"])
    text = g.banner("side_head_left")
    assert text.startswith("Set-up:") and "dark" in text.lower() and "feet out of frame" in text.lower()
    g.reset()
    assert g.banner("unknown") is None


# ------------------------------------------------------------------------------ speech
def frame_result(t, *, rep=None, cues=(), by_side=None):
    by_side = by_side or {}
    return FrameResult(frame=0, t_s=t, person=True, phase="top", angles_deg={}, rep_count=sum(by_side.values()),
                       reps_by_side=by_side, working_side="left", view="side_head_left", cues=tuple(cues),
                       new_rep=rep)


def a_rep(index, side="left", fault_cue=None):
    faults = ()
    if fault_cue:
        faults = (Fault("fast_descent", "fault", 0.2, 0.5, 1.0, 10, fault_cue, unit="s"),)
    return Rep(index, 0, 1, 2, side, "single_leg", 180, 90, 1, 1, 1, 0, 10, 20, faults)


def test_coach_spaces_cues_that_appear_after_the_rep():
    sp = RecordingSpeaker()
    coach = SpeechCoach(sp, cue_repeat_s=8.0, min_gap_s=2.0)
    left1 = {"left": 1}
    coach.on_frame(frame_result(1.0, rep=a_rep(1), by_side=left1))  # "one"
    coach.on_frame(frame_result(1.5, cues=["Lower slowly"], by_side=left1))  # on screen, too soon after "one"
    coach.on_frame(frame_result(2.9, cues=["Lower slowly"], by_side=left1))  # still too soon
    coach.on_frame(frame_result(3.1, cues=["Lower slowly", "Tuck your chin"], by_side=left1))  # gap over
    coach.on_frame(frame_result(3.3, cues=["Tuck your chin"], by_side=left1))  # waits for the gap
    coach.on_frame(frame_result(5.2, cues=["Tuck your chin"], by_side=left1))
    coach.on_frame(frame_result(6.0, cues=["Tuck your chin"], by_side=left1))  # said 0.8 s ago: not again
    coach.on_frame(frame_result(12.0, cues=["Tuck your chin"], by_side=left1))  # 6.8 s: not yet
    coach.on_frame(frame_result(13.3, cues=["Tuck your chin"], by_side=left1))  # 8.1 s: again
    coach.on_frame(frame_result(14.0, cues=[], by_side=left1))
    assert sp.said == ["one", "Lower slowly", "Tuck your chin", "Tuck your chin"]
    assert [t for t, _, _ in coach.log] == [1.0, 3.1, 5.2, 13.3]


def test_coach_speaks_every_rep_count_even_when_cues_wait():
    sp = RecordingSpeaker()
    coach = SpeechCoach(sp, cue_repeat_s=8.0)
    for k in range(1, 4):
        coach.on_frame(frame_result(k * 0.5, rep=a_rep(k, fault_cue="Lower slowly"), by_side={"left": k}))
    assert sp.said == ["one. Lower slowly", "two", "three"]


FAKE_TTS = r"""
import sys, time
log, text = sys.argv[1], sys.argv[-1]
with open(log, "a") as fh:
    fh.write(f"start {time.monotonic():.4f} {text}\n")
if text == "fail":
    print("error: no audio device", file=sys.stderr)
    sys.exit(0)
time.sleep(0.3)
with open(log, "a") as fh:
    fh.write(f"end {time.monotonic():.4f} {text}\n")
"""


def test_command_speaker_never_blocks_and_never_overlaps(tmp_path):
    script = tmp_path / "tts.py"
    script.write_text(FAKE_TTS)
    log = tmp_path / "log.txt"
    sp = CommandSpeaker([sys.executable, str(script), str(log)], name="fake-tts")
    t0 = time.monotonic()
    for text in ("one", "two", "three"):
        sp.say(text)
        time.sleep(0.02)
    assert time.monotonic() - t0 < 0.2  # say() returns at once
    deadline = time.monotonic() + 10
    while sp.spoken != ["one", "three"] and time.monotonic() < deadline:
        time.sleep(0.05)
    sp.close()
    # "two" waited while "one" was spoken and was replaced by the newer "three"
    assert sp.spoken == ["one", "three"]
    lines = [ln.split() for ln in log.read_text().splitlines()]
    assert [(ln[0], ln[2]) for ln in lines] == [("start", "one"), ("end", "one"), ("start", "three"), ("end", "three")]
    assert sp.notice() is None


def test_command_speaker_turns_itself_off_when_the_engine_fails(tmp_path):
    script = tmp_path / "tts.py"
    script.write_text(FAKE_TTS)
    sp = CommandSpeaker([sys.executable, str(script), str(tmp_path / "log.txt")], name="fake-tts")
    sp.say("fail")
    deadline = time.monotonic() + 10
    note = None
    while note is None and time.monotonic() < deadline:
        note = sp.notice()
        time.sleep(0.05)
    sp.close()
    assert note is not None and "no audio device" in note and "fake-tts" in note
    assert sp.notice() is None  # said once


def test_make_speaker_falls_back_to_silence_with_one_notice(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    speaker, notice = make_speaker()
    assert isinstance(speaker, SilentSpeaker) and "espeak-ng" in notice


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_ng_synthesises_offline(tmp_path):
    speaker, notice = make_speaker()
    assert isinstance(speaker, CommandSpeaker) and notice is None
    speaker.close()
    wav = tmp_path / "three.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "three. Drive the hips higher"], check=True,
                   capture_output=True, timeout=30)
    data = wav.read_bytes()
    assert data[:4] == b"RIFF" and len(data) > 20000  # about a second of 22 kHz speech


# ------------------------------------------------------------------------------ display (Xvfb)
def test_no_display_is_one_clear_error():
    with pytest.raises(DisplayError, match="no display"):
        check_display({}, "linux")
    with pytest.raises(DisplayError, match="cannot reach the display"):
        check_display({"DISPLAY": ":987"}, "linux")


def run_cli(args, env, timeout=120):
    return subprocess.Popen([sys.executable, "-m", "formcheck.cli", "live", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_without_display_exits_with_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = run_cli(["--source", "missing.mp4"], env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == DisplayError.exit_code
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines == [lines[0]] and lines[0].startswith("formcheck: error: no display")


@pytest.fixture(scope="module")
def xvfb():
    with xvfb_env(140) as env:
        yield env


def screenshot(env, path: Path, window: str | None = None) -> np.ndarray:
    import cv2

    if shutil.which("import") is None:
        pytest.skip("imagemagick 'import' not installed")
    subprocess.run(["import", "-window", window or "root", str(path)], env=env, check=True, timeout=30)
    keep = os.environ.get("FORMCHECK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    img = cv2.imread(str(path))
    assert img is not None
    return img


def find_window(env, title="formcheck live", timeout=60.0) -> str:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool not installed")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = subprocess.run(["xdotool", "search", "--name", title], env=env, capture_output=True, text=True)
        ids = r.stdout.split()
        if ids:
            return ids[-1]
        time.sleep(0.2)
    pytest.fail("the live window did not appear")


def wait_for_picture(env, window: str, path: Path, timeout: float = 60.0) -> None:
    """Wait until the window shows a picture (not a blank window, not the clip's black first frame)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if screenshot(env, path, window).std() > 10:
            return
        time.sleep(0.3)
    pytest.fail("the live window showed no picture")


def working_leg_pixels(img_bgr: np.ndarray) -> int:
    """Pixels of the overlay's working-leg colour (sky blue, BGR 255, 200, 0)."""
    from formcheck.draw import overlay as overlay

    diff = np.abs(img_bgr.astype(int) - np.array(overlay._WORK)).sum(axis=2)
    return int((diff < 40).sum())


def test_window_opens_and_shows_frames(xvfb, tmp_path):
    """CvWindow under Xvfb: a drawn frame is on screen (screenshot) and the window closes."""
    import cv2

    env_before = dict(os.environ)
    os.environ["DISPLAY"] = xvfb["DISPLAY"]
    try:
        win = live_mod.CvWindow("formcheck window test")
        img = np.zeros((H, W, 3), np.uint8)
        cv2.rectangle(img, (100, 100), (300, 200), (255, 200, 0), -1)
        for _ in range(10):
            assert win.show(img) == -1
            time.sleep(0.02)
        assert win.is_open()
        shot = screenshot(xvfb, tmp_path / "window_test.png")
        assert working_leg_pixels(shot) >= 0.9 * 200 * 100
        win.close()
    finally:
        os.environ.clear()
        os.environ.update(env_before)


@pytest.mark.mediapipe
def test_cli_no_camera_is_one_clear_error(xvfb):
    proc = run_cli(["--camera", "99", "--mute"], xvfb)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == VideoError.exit_code
    assert "formcheck: error: camera 99 could not be opened" in err


SAMPLES = ROOT / "samples"
SAMPLE_CASES = ["slht_left_good", "slht_right_good", "slht_incomplete_hip_extension"]


@pytest.mark.mediapipe
@pytest.mark.parametrize("name", SAMPLE_CASES)
def test_live_loop_with_mediapipe_on_rendered_samples(name):
    """Rendered clips with known truth through the real capture thread, MediaPipe LIVE_STREAM and
    the loop (every frame, no window): reps per side, and each injected fault's cue shown and spoken."""
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.core.profile import load_profile
    from formcheck.adapters.video import open_video

    truth_path = SAMPLES / f"{name}.truth.json"
    if not truth_path.is_file() or not (SAMPLES / f"{name}.mp4").is_file():
        pytest.skip(f"sample {name} not rendered")
    truth = json.loads(truth_path.read_text())
    video = open_video(SAMPLES / f"{name}.mp4")
    source = LatestFrame(video, size=(video.width, video.height), fps=video.fps, name=video.name,
                         pace=False, drop=False, close_source=video.close)
    speaker = RecordingSpeaker()
    session = LiveSession(source, PoseEstimator(running_mode="live"), ScriptedDisplay(),
                          coach=SpeechCoach(speaker), source_name=video.name)
    try:
        outcome = session.run()
    finally:
        session.close()
    assert outcome.error is None
    reps = [e for e in outcome.events if e["kind"] == "rep"]
    assert len(reps) == truth["rep_count"]
    assert {e["side"] for e in reps} == {truth["working_side"]}
    expected = {c for codes in truth["expected"]["faults_by_rep"].values() for c in codes}
    profile = load_profile(truth["exercise"])
    cues = {e["text"] for e in outcome.events if e["kind"] == "cue"}
    assert cues == {profile.fault(c)["cue"] for c in expected}
    counts = ["one", "two", "three"][: truth["rep_count"]]
    assert [s.split(". ")[0] for s in speaker.said] == counts
    for code in expected:
        assert any(profile.fault(code)["cue"] in s for s in speaker.said)


def clip_labels() -> dict:
    path = CLIPS / "labels.json"
    if not path.is_file():
        pytest.skip("../shared/clips not present")
    return json.loads(path.read_text())["clips"]


@pytest.mark.mediapipe
@pytest.mark.clips
def test_cli_live_on_a_clip_in_real_time(xvfb, tmp_path):
    """The whole command on a real clip at its real pace: reps, the fault cue, outputs, screen."""
    name = "hip_thrust_bench_side_7reps.mp4"
    label = clip_labels()[name]
    rec = tmp_path / "rec"
    proc = run_cli(["--source", str(CLIPS / name), "--realtime", "--mute", "--record", str(rec)], xvfb)
    try:
        win = find_window(xvfb)
        wait_for_picture(xvfb, win, tmp_path / "first.png")
        time.sleep(5.0)  # a few reps in: counter, skeleton and the foot cue on screen
        shot = screenshot(xvfb, tmp_path / "live_clip.png", win)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    # on screen: the clip's frame with the skeleton's working leg drawn over it
    assert shot.shape[:2] == (label["size"][1], label["size"][0])
    assert working_leg_pixels(shot) > 500
    assert shot.std() > 20
    # what the clip contains: 7 reps, feet too far forward on every rep
    log = json.loads(next(rec.glob("*.live.json")).read_text())
    reps = [e for e in log["events"] if e["kind"] == "rep"]
    assert len(reps) == label["reps"] == 7
    assert all("foot_placement" in e["faults"] for e in reps)
    cues = [e["text"] for e in log["events"] if e["kind"] == "cue"]
    assert "Bring your foot closer" in cues
    speech = [e for e in log["events"] if e["kind"] == "speech"]
    assert speech and not any(e["spoken"] for e in speech)  # --mute
    report = json.loads(next(rec.glob("live-*[0-9].json")).read_text())
    assert report["rep_count"] == 7
    assert all(any(f["code"] == "foot_placement" for f in r["faults"]) for r in report["reps"])
    # real pace: frames were dropped to keep up, yet the loop kept a useful rate
    st = log["stats"]
    assert st["frames_captured"] == pytest.approx(label["fps"] * label["duration_s"], rel=0.05)
    assert st["fps_shown"] > 15
    assert len(list(rec.glob("live-*[0-9].mp4")) + list(rec.glob("live-*[0-9].webm"))) == 1
    assert len(LandmarkSeries.load_npz(next(rec.glob("*.landmarks.npz")))) == st["frames_processed"]
    # the terminal summary
    assert "Reps: 7" in out and "Bring your foot closer" in out


@pytest.mark.mediapipe
@pytest.mark.clips
def test_cli_keys_pause_and_quit_on_the_real_window(xvfb, tmp_path):
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool not installed")
    name = "bridge_side_2reps.mp4"
    clip_labels()
    rec = tmp_path / "rec"
    proc = run_cli(["--source", str(CLIPS / name), "--realtime", "--mute", "--record", str(rec)], xvfb)
    try:
        win = find_window(xvfb)
        wait_for_picture(xvfb, win, tmp_path / "first.png")
        time.sleep(1.0)
        subprocess.run(["xdotool", "windowfocus", "--sync", win], env=xvfb, check=True, timeout=10)
        subprocess.run(["xdotool", "key", "space"], env=xvfb, check=True, timeout=10)
        time.sleep(1.0)
        shot = screenshot(xvfb, tmp_path / "live_paused.png", win)
        subprocess.run(["xdotool", "key", "space"], env=xvfb, check=True, timeout=10)
        time.sleep(0.5)
        subprocess.run(["xdotool", "key", "q"], env=xvfb, check=True, timeout=10)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    log = json.loads(next(rec.glob("*.live.json")).read_text())
    keys = [e["key"] for e in log["events"] if e["kind"] == "key"]
    assert keys == ["pause", "resume", "quit"]
    # quit before the clip's end (8.2 s of video)
    assert log["stats"]["frames_captured"] < 0.8 * 8.24 * 59.94
    assert shot.std() > 10


@pytest.mark.mediapipe
def test_ctrl_c_at_the_terminal_keeps_the_recording(xvfb, tmp_path):
    """SIGINT to the whole foreground process group (what Ctrl-C does) reaches formcheck and not
    the ffmpeg encoder, so the recording is finished and decodes to its last frame."""
    import cv2

    proc = subprocess.Popen(
        [sys.executable, "-m", "formcheck.cli", "live", "--source", str(SAMPLES / "slht_left_good.mp4"),
         "--realtime", "--mute", "--record", str(tmp_path)],
        env=xvfb, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)  # its own process group, as a shell's foreground job
    try:
        find_window(xvfb)
        time.sleep(3.0)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    videos = [p for p in tmp_path.iterdir() if p.suffix in (".mp4", ".webm")]
    assert len(videos) == 1 and not videos[0].name.startswith("."), sorted(tmp_path.iterdir())
    cap = cv2.VideoCapture(str(videos[0]))
    expected = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    decoded = 0
    while cap.read()[0]:
        decoded += 1
    cap.release()
    assert expected >= 30 and decoded == expected
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())
