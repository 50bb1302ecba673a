"""Live coaching: camera (or a clip at its real pace) -> pose -> the streaming Analyzer -> window.

The second driver of the one streaming ``Analyzer`` (the first is offline analysis): this module
holds no form rule. It moves frames, shows what the analyzer returns, speaks it, and records.
Its parts live beside it: ``guide`` (set-up checks), ``capture`` (frame sources), ``window``
(the display), ``recorder`` (video and set files), ``stats`` (timings and the readout).

Never falling behind
    A capture thread (``LatestFrame``) reads the camera (or plays a file at its real pace) and
    keeps only the newest frame; frames the loop did not take in time are dropped, as a camera
    does. The pose model runs in MediaPipe's LIVE_STREAM mode with one frame in flight: when a
    result arrives the loop first submits the newest frame (inference runs on MediaPipe's threads)
    and only then analyses, draws and shows the finished one, so drawing overlaps inference.
    Every frame shown carries its own skeleton; latency is measured from the moment a frame was
    captured to the moment its overlay was on screen.

Testable without a window
    ``LiveSession`` takes its frame source, pose backend, display, speech coach and recorder as
    arguments; ``step()`` runs one turn of the loop. Tests feed synthetic landmark series through
    a fake pose backend and a fake display (scripted keys). ``open_live`` builds the real thing.

Keys: q (or Esc) quit, space pause, r reset the set, s switch the working side, m mute.

The library never prints: notices (e.g. no speech engine) are returned for the CLI to show.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from formcheck.adapters.speech import SilentSpeaker, SpeechCoach
from formcheck.core.analyzer import Analyzer
from formcheck.core.errors import DisplayError, FormcheckError, InputError, NoPersonError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import FrameResult, SetReport
from formcheck.draw.layout import LivePlacer
from formcheck.draw.panels import count_columns
from formcheck.live.capture import Captured, FrameSource, InFlight, LatestFrame
from formcheck.live.guide import READY_PHASES, READY_TEXT, SetupGuide, setup_issues
from formcheck.live.recorder import RECORD_MAX_FPS, RecordClock, Recorder, write_set_files
from formcheck.live.stats import LiveStats, Readout, round_or_none
from formcheck.live.window import CvWindow, Display, check_display

# -- loop pacing ---------------------------------------------------------------------------------
POLL_S = 0.001  # sleep between checks for a pose result
KEY_POLL_S = 0.05  # read the keyboard at least this often when no frame is being shown
IN_FLIGHT_TIMEOUT_S = 2.0  # a frame whose pose result never comes is given up after this
NOTICE_S = 2.0  # a key's confirmation (muted, side switched, reset) stays this long


class PoseBackend(Protocol):
    """What the loop needs of the pose model (``formcheck.adapters.pose.PoseEstimator`` in live mode)."""

    def submit(self, frame_bgr: np.ndarray, t_ms: float) -> None: ...

    def latest(self) -> Any: ...  # PoseResult (image, world, n_people, t_ms) or None

    def close(self) -> None: ...


@dataclass
class LiveOutcome:
    """What a live session produced. ``error``: why it ended early (outputs were still written)."""

    report: SetReport | None
    outputs: dict[str, Path]
    notices: list[str]
    stats: LiveStats
    events: list[dict]
    error: FormcheckError | None = None
    partial: bool = False
    interrupted: bool = False


_KEY_QUIT = {ord("q"), ord("Q"), 27}
_KEY_PAUSE = {ord(" ")}
_KEY_RESET = {ord("r"), ord("R")}
_KEY_SIDE = {ord("s"), ord("S")}
_KEY_MUTE = {ord("m"), ord("M")}


class LiveSession:
    """The live loop over injectable parts; see the module docstring.

    ``source``: a ``LatestFrame`` (or anything with start/take/discard/finished/error/close,
    frames_captured/frames_dropped, size, fps, name). ``pose``: a ``PoseBackend``. ``display``:
    a ``Display``. ``coach``: a ``SpeechCoach`` (silent by default). ``record_dir``: write the
    video, landmarks and JSON report there when the session ends.
    """

    def __init__(self, source: FrameSource, pose: PoseBackend, display: Display, *, exercise: str = "auto",
                 side: str = "auto", profile_path: str | None = None, coach: SpeechCoach | None = None,
                 mirror: bool = False, record_dir: Path | None = None, source_name: str | None = None,
                 clock: Callable[[], float] = time.monotonic, model_name: str = "") -> None:
        self.source = source
        self.pose = pose
        self.display = display
        self.exercise = exercise
        self.profile_path = profile_path
        self.coach = coach or SpeechCoach(SilentSpeaker())
        self.mirror = mirror
        self.clock = clock
        self.source_name = source_name or getattr(source, "name", "camera")
        self.model_name = model_name
        self.record_dir = Path(record_dir) if record_dir is not None else None
        self.side = side
        self._width, self._height = (int(v) for v in source.size)
        self.analyzer = self._new_analyzer()  # ConfigError for a bad exercise/side: now
        self._last: FrameResult | None = None  # the analyzer's latest result
        self.stats = LiveStats()
        self.events: list[dict] = []
        self.notices: list[str] = []
        self.error: FormcheckError | None = None
        self.paused = False
        self.quit = False
        self.guide = SetupGuide()
        self._in_flight = InFlight(clock)
        self._last_t_s = -math.inf
        self._last_key_poll = -math.inf
        self._notice: tuple[str, float] | None = None
        self._last_drawn: tuple[np.ndarray, np.ndarray | None, FrameResult] | None = None
        self._readout = Readout()
        self._placer = LivePlacer()  # panels kept off the athlete's last second
        self._set_notes: list[str] = []
        self._prev_cues: tuple[str, ...] = ()
        self.stem = "live-" + datetime.now().strftime("%Y%m%d-%H%M%S")
        self.recorder: Recorder | None = None
        self._record_clock = RecordClock(getattr(source, "fps", RECORD_MAX_FPS) or RECORD_MAX_FPS)
        if self.record_dir is not None:
            from formcheck.adapters.video import ffmpeg_available

            try:
                self.record_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"cannot create the record folder {self.record_dir} ({exc.strerror or exc})") from exc
            base, k = self.stem, 1
            while any(self.record_dir.glob(f"{self.stem}[.-]*")):  # two sessions in one second
                k += 1
                self.stem = f"{base}-{k}"
            suffix = ".mp4" if ffmpeg_available() else ".webm"
            fps = min(float(getattr(source, "fps", RECORD_MAX_FPS) or RECORD_MAX_FPS), RECORD_MAX_FPS)
            self.recorder = Recorder(self.record_dir / f"{self.stem}{suffix}", fps)
        self._started = False

    # -- the set's analyzer -----------------------------------------------------------------
    def _new_analyzer(self) -> Analyzer:
        """One analyzer per set (a reset starts a new one; a side switch tells it the side)."""
        return Analyzer((self._width, self._height), exercise=self.exercise, side=self.side,
                        profile_path=self.profile_path, source=self.source_name)

    @property
    def rep_count(self) -> int:
        return self._last.rep_count if self._last is not None else 0

    # -- the loop ---------------------------------------------------------------------------
    def start(self) -> None:
        if not self._started:
            self._started = True
            self.source.start()

    def run(self) -> LiveOutcome:
        """Loop until quit, the end of a file, or an error; then write the outputs."""
        self.start()
        interrupted = False
        try:
            while self.step():
                pass
        except KeyboardInterrupt:
            interrupted = True
        except FormcheckError as exc:
            self.error = exc
        return self.finish(interrupted=interrupted)

    def step(self) -> bool:
        """One turn of the loop. False when the session is over."""
        self.start()
        if self.quit:
            return False
        if self.paused:
            if getattr(self.source, "drop", True):
                self.source.discard()  # a camera runs on; a file without --realtime waits
            key = self.display.poll_key()
            self._handle_key(key)
            self._check_window()
            time.sleep(KEY_POLL_S / 2)
            return not self.quit
        res = self.pose.latest()
        done = self._in_flight.finished_by(res)
        if done is not None:
            self.stats.pose_ms.append((self.clock() - self._in_flight.since) * 1000.0)
            self._submit_next(0.0)  # the next inference starts before this frame is drawn
            self._process(done, res)
            return not self.quit
        if self._in_flight.older_than(IN_FLIGHT_TIMEOUT_S):
            self._in_flight.drop()
            self.stats.pose_timeouts += 1
        if not self._in_flight.busy:
            if not self._submit_next(KEY_POLL_S):
                if self.source.error is not None:
                    self.error = self.source.error
                    return False
                if self.source.finished:
                    return False
        else:
            time.sleep(POLL_S)
        if self.clock() - self._last_key_poll > KEY_POLL_S:
            self._handle_key(self.display.poll_key())
            self._last_key_poll = self.clock()
            self._check_window()
        return not self.quit

    def _submit_next(self, timeout: float) -> bool:
        cap = self.source.take(timeout)
        if cap is None:
            return False
        self._in_flight.send(cap, self.pose)
        return True

    def _process(self, cap: Captured, res: Any) -> None:
        if cap.t_s <= self._last_t_s:
            return  # a source whose clock stepped back: skip rather than break the analyzer
        t0 = self.clock()
        self._last_t_s = cap.t_s
        image = np.asarray(res.image, dtype=np.float64)
        world = None if res.world is None else np.asarray(res.world, dtype=np.float64)
        person = bool(np.isfinite(image[:, 0]).any())
        result = self.analyzer.update(cap.t_s, image if person else None, world if person else None)
        self._last = result
        self._log_result(result)

        banner = None
        if self.rep_count == 0:
            self.guide.add(cap.t_s, setup_issues(cap.bgr, image if person else None, result.view))
            banner = self.guide.banner(result.view)
            if banner == READY_TEXT and result.phase not in READY_PHASES:
                banner = None
        self.coach.on_frame(result)
        self._collect_notices()
        self.stats.analyze_ms.append((self.clock() - t0) * 1000.0)
        lm = image if person else None
        self._draw_and_show(cap.bgr, lm, result, banner, cap)

    def _draw_and_show(self, bgr: np.ndarray, lm: np.ndarray | None, result: FrameResult,
                       banner: str | None, cap: Captured | None) -> None:
        import cv2

        from formcheck.draw import overlay  # looked up at call time (tests spy on draw_overlay)

        self._last_drawn = (bgr, lm, result)
        if self.mirror:
            bgr = cv2.flip(bgr, 1)
            if lm is not None:
                lm = lm.copy()
                lm[:, 0] = 1.0 - lm[:, 0]
        now = self.clock()
        if self._notice is not None:
            text, until = self._notice
            if now < until:
                banner = text if not banner else f"{text}  {banner}"
            else:
                self._notice = None
        if self.paused:
            banner = "Paused: space to resume, q to quit."
        fps = None if self.paused else self._readout.fps(now)
        lat = None if self.paused else self._readout.latency_ms()
        if cap is not None:
            self._placer.add(cap.t_s, lm, (bgr.shape[1], bgr.shape[0]))
        layout = self._placer.layout(bgr.shape[1], bgr.shape[0], count_columns(result))
        t0 = self.clock()
        img = overlay.draw_overlay(bgr, lm, result, show_fps=fps, latency_ms=lat, banner=banner, layout=layout)
        t1 = self.clock()
        key = self.display.show(img)
        shown_at = self.clock()
        self._last_key_poll = shown_at
        if cap is not None:
            latency = (shown_at - cap.t_wall) * 1000.0
            self._readout.add(shown_at, latency)
            self.stats.latency_ms.append(latency)
            self.stats.shown_at.append(shown_at)
            self.stats.frames_processed += 1
            self.stats.draw_ms.append((t1 - t0) * 1000.0)
            self.stats.show_ms.append((shown_at - t1) * 1000.0)
            if self.recorder is not None:
                self.recorder.write(img, self._record_clock(cap.t_s))
        self._handle_key(key)
        if self.stats.frames_processed % 15 == 0:
            self._check_window()

    def _check_window(self) -> None:
        if not self.display.is_open():
            self.quit = True
            self._event("key", key="window_closed")

    # -- keys -------------------------------------------------------------------------------
    def _handle_key(self, key: int) -> None:
        if key is None or key < 0:
            return
        key &= 0xFF
        t = self._last_t_s if math.isfinite(self._last_t_s) else 0.0
        if key in _KEY_QUIT:
            self._event("key", key="quit")
            self.quit = True
        elif key in _KEY_PAUSE:
            self.paused = not self.paused
            self._event("key", key="pause" if self.paused else "resume")
            if self.paused:
                if getattr(self.source, "drop", True):
                    self._in_flight.drop()  # stale by the time the pause ends
                self._record_clock.pause()
                self.coach.speaker.stop()
            self._redraw()
        elif key in _KEY_RESET:
            self._event("key", key="reset")
            self._reset_set(t)
            self._set_notice("New set: counts reset.")
            self.coach.announce(t, "New set")
        elif key in _KEY_SIDE:
            self._switch_side(t)
        elif key in _KEY_MUTE:
            self.coach.set_muted(not self.coach.muted)
            self._event("key", key="mute" if self.coach.muted else "unmute")
            if isinstance(self.coach.speaker, SilentSpeaker) and not self.coach.muted:
                self._set_notice("No speech engine installed: cues are shown only.")
            else:
                self._set_notice("Sound off (m)." if self.coach.muted else "Sound on (m).")
            self._redraw()

    def _set_notice(self, text: str) -> None:
        self._notice = (text, self.clock() + NOTICE_S)

    def _redraw(self) -> None:
        """Show the last frame again (paused, or a notice) without analysing anything."""
        if self._last_drawn is None:
            return
        bgr, lm, result = self._last_drawn
        self._draw_and_show(bgr, lm, result, None, None)

    def _reset_set(self, t: float) -> None:
        self.analyzer = self._new_analyzer()
        self._last = None
        self._set_notes = [f"set reset at {t:.1f} s: earlier reps discarded"]
        self.coach.reset()
        self.guide.reset()

    def _switch_side(self, t: float) -> None:
        last = self._last
        current = self.side if self.side in ("left", "right") else (last.working_side if last else "left")
        new = "right" if current == "left" else "left"
        self.side = new
        self.analyzer.set_side(new)
        self._set_notes.append(f"working side set to {new} at {t:.1f} s (key s)")
        self._event("key", key="side", side=new)
        self._set_notice(f"Working side: {new} (s to switch).")
        self.coach.announce(t, f"{new.capitalize()} side")
        self.coach.expect_side(new)
        self._redraw()

    # -- logging ----------------------------------------------------------------------------
    def _event(self, kind: str, **data: Any) -> None:
        t = self._last_t_s if math.isfinite(self._last_t_s) else 0.0
        self.events.append({"t_s": round(t, 3), "kind": kind, **data})

    def _log_result(self, shown: FrameResult) -> None:
        rep = shown.new_rep
        if rep is not None:
            self._event("rep", count=shown.rep_count, side=rep.side, side_count=shown.reps_by_side.get(rep.side),
                        faults=[f.code for f in rep.faults if f.severity == "fault"],
                        warnings=[f.code for f in rep.faults if f.severity == "warn"],
                        peak_hip_deg=round_or_none(rep.peak_hip_extension_deg, 1))
        for cue in shown.cues:
            if cue not in self._prev_cues:
                self._event("cue", text=cue)
        self._prev_cues = shown.cues

    def _collect_notices(self) -> None:
        note = self.coach.speaker.notice()
        if note:
            self.notices.append(note)
            self._set_notice("Speech off: " + note.split(":", 1)[-1].strip())

    # -- the end ----------------------------------------------------------------------------
    def finish(self, *, interrupted: bool = False) -> LiveOutcome:
        """Stop capturing, build the report and write the outputs (partial after an error)."""
        self.source.close()
        if self.error is None and self.source.error is not None:
            self.error = self.source.error
        self.stats.frames_captured = self.source.frames_captured
        self.stats.frames_dropped = max(0, self.source.frames_captured - self.stats.frames_processed)
        self._collect_notices()
        partial = self.error is not None
        for e in self.coach.log:
            self.events.append({"t_s": round(e[0], 3), "kind": "speech", "text": e[1], "spoken": e[2]})
        self.events.sort(key=lambda e: e["t_s"])

        report, report_error = self._report(partial)
        outputs: dict[str, Path] = {}
        if self.record_dir is not None:
            outputs = self._write_outputs(report, partial)
        error = self.error or (None if interrupted else report_error)
        if report_error is not None and error is not report_error:
            self.notices.append(str(report_error))
        return LiveOutcome(report=report, outputs=outputs, notices=list(dict.fromkeys(self.notices)),
                           stats=self.stats, events=self.events, error=error, partial=partial,
                           interrupted=interrupted)

    def _report(self, partial: bool) -> tuple[SetReport | None, FormcheckError | None]:
        if not self.analyzer.frames_fed:
            return None, NoPersonError(f"no frames were analysed from {self.source_name}: no report")
        try:
            report = self.analyzer.finish()
        except NoPersonError as exc:
            return None, exc
        notes = list(self._set_notes)
        st = self.stats
        if st.frames_captured:
            notes.append(f"live: {st.frames_processed} of {st.frames_captured} frames analysed "
                         f"({st.frames_dropped} dropped to keep up with the camera)")
        if partial and self.error is not None:
            notes.append(f"partial set: {self.error}")
        if not notes:
            return report, None
        return replace(report, warnings=report.warnings + tuple(notes)), None

    def _write_outputs(self, report: SetReport | None, partial: bool) -> dict[str, Path]:
        assert self.record_dir is not None
        stem = self.stem + ("-partial" if partial else "")
        out: dict[str, Path] = {}
        if self.recorder is not None:
            suffix = Path(self.recorder.path).suffix
            try:
                video = self.recorder.close(self.record_dir / f"{stem}{suffix}")
            except FormcheckError as exc:
                self.notices.append(f"the recording could not be written: {exc}")
            else:
                if video is not None:
                    out["video"] = video
            if getattr(self.recorder, "frames_dropped", 0):
                self.notices.append(f"the recording skipped {self.recorder.frames_dropped} frames "
                                    "(the encoder could not keep up)")
        series = None
        if self.analyzer.frames_fed:
            t_s, image, world = self.analyzer.buffered()
            series = LandmarkSeries(
                t_s=t_s, image=image.astype(np.float32), image_size=(self._width, self._height),
                world=world.astype(np.float32), source=self.source_name,
                meta={"live": True, "partial": partial, "model": self.model_name,
                      "frames_captured": self.stats.frames_captured,
                      "frames_dropped": self.stats.frames_dropped},
            )
        log = {"source": self.source_name, "partial": partial, "error": str(self.error) if self.error else None,
               "stats": self.stats.to_dict(), "events": self.events}
        out.update(write_set_files(self.record_dir, stem, series=series, report=report, log=log))
        return out

    def close(self) -> None:
        """Release the camera, the model, the window and the speech worker (idempotent)."""
        self.source.close()
        self.pose.close()
        self.display.close()
        self.coach.speaker.close()


from formcheck.live.launch import open_live  # noqa: E402  (the real parts; imports this module lazily)

__all__ = [
    "Captured", "CvWindow", "Display", "DisplayError", "FrameSource", "LatestFrame", "LiveOutcome",
    "LiveSession", "LiveStats", "PoseBackend", "READY_TEXT", "Recorder", "SetupGuide", "check_display",
    "open_live", "setup_issues",
]