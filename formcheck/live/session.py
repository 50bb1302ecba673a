"""Live coaching: camera (or a clip at its real pace) -> pose -> the streaming Analyzer -> window.

The second driver of the one streaming ``Analyzer`` (the first is offline analysis): this module
holds no form rule. It moves frames, shows what the analyzer returns, speaks it, and records.

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

import json
import math
import os
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

import numpy as np

from formcheck.core.analyzer import Analyzer
from formcheck.core.errors import ConfigError, DisplayError, FormcheckError, InputError, NoPersonError, VideoError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import FrameResult, SetReport
from formcheck.adapters.speech import SilentSpeaker, SpeechCoach

WINDOW_TITLE = "formcheck live"

# -- set-up guidance: display checks shown before the first rep (not form thresholds) ---------
# A head or foot landmark is "seen" with at least this MediaPipe visibility ...
GUIDE_MIN_VISIBILITY = 0.5
# ... and at least this far (fraction of the frame) inside the frame edge; MediaPipe keeps
# guessing points just outside the frame, so points on or past the edge mean "cut off".
GUIDE_EDGE_MARGIN = 0.02
# Mean grey level (0-255) of the frame below this: too dark for steady landmarks (typical lit
# rooms measure 90-140 on webcams; MediaPipe jitters markedly below ~50).
GUIDE_MIN_BRIGHTNESS = 50.0
# The body's longer extent (bounding box of the seen landmarks) as a fraction of the frame's
# width/height: below MIN the person is small (joints a few pixels apart, noisy angles), above
# MAX a small movement takes a limb out of the frame.
GUIDE_MIN_BODY_FRAC = 0.35
GUIDE_MAX_BODY_FRAC = 0.95
# An issue is shown when it was found in at least SHOW_FRAC of the frames of the last WINDOW_S
# (so the banner does not flicker with single-frame misses).
GUIDE_WINDOW_S = 1.0
GUIDE_SHOW_FRAC = 0.6

# -- loop pacing ---------------------------------------------------------------------------------
POLL_S = 0.001  # sleep between checks for a pose result
KEY_POLL_S = 0.05  # read the keyboard at least this often when no frame is being shown
IN_FLIGHT_TIMEOUT_S = 2.0  # a frame whose pose result never comes is given up after this
FPS_WINDOW_S = 1.0  # the frame-rate readout counts frames shown over this long
LATENCY_WINDOW = 30  # the latency readout is the median of this many recent frames
NOTICE_S = 2.0  # a key's confirmation (muted, side switched, reset) stays this long
RECORD_MAX_FPS = 30.0  # the recording's frame rate: the source's, capped at this
RECORD_QUEUE_FRAMES = 64  # frames waiting for the encoder; beyond this they are dropped (counted)
CAMERA_JOIN_S = 2.0  # how long closing waits for the capture thread

HEAD = (0, 7, 8)  # nose, ears
FEET = (27, 28, 29, 30, 31, 32)  # ankles, heels, toes

ISSUE_TEXT = {
    "no_person": "Step into view: whole body side-on to the camera, 2-3 m away.",
    "dark": "Too dark: add light or face a window.",
    "head_out": "Head out of frame: move the camera back or aim it higher.",
    "feet_out": "Feet out of frame: move the camera back or aim it lower.",
    "far": "Too far: move the camera closer (body fills under a third of the frame).",
    "close": "Too close: move the camera back.",
    "front_view": ("Camera is along the body: it only counts reps from here. Turn it side-on to judge "
                   "hip extension, neck, elbows, feet and free leg."),
    "oblique_view": "Camera is at an angle: turn it side-on for exact hip and neck angles.",
}
# Order in which issues are listed (the first ones block everything else).
ISSUE_ORDER = ("no_person", "dark", "head_out", "feet_out", "far", "close", "front_view", "oblique_view")
MAX_ISSUES_SHOWN = 2
READY_TEXT = "Ready: side-on, whole body in view."
# The ready message is hidden once the athlete moves (it would cover the body mid-rep).
READY_PHASES = ("setup", "bottom", "unknown")


# ================================================================================ set-up guidance
def setup_issues(frame_bgr: np.ndarray, landmarks: np.ndarray | None, view: str) -> list[str]:
    """Keys of ``ISSUE_TEXT`` that hold for one frame (normalized landmarks (33, 4) or None)."""
    issues: list[str] = []
    # Mean of a 1-in-8 subsample: the light level to a fraction of a grey level, in ~50 us.
    if float(np.mean(frame_bgr[::8, ::8])) < GUIDE_MIN_BRIGHTNESS:
        issues.append("dark")
    lm = None if landmarks is None else np.asarray(landmarks, dtype=np.float64)
    if lm is None or not np.isfinite(lm[:, 0]).any():
        issues.insert(0, "no_person")
        return issues
    xy, vis = lm[:, :2], lm[:, 3]
    inside = np.all((xy >= GUIDE_EDGE_MARGIN) & (xy <= 1.0 - GUIDE_EDGE_MARGIN), axis=1)
    seen = inside & ~(vis < GUIDE_MIN_VISIBILITY) & np.isfinite(xy[:, 0])
    if not seen[list(HEAD)].any():
        issues.append("head_out")
    if not seen[list(FEET)].any():
        issues.append("feet_out")
    pts = xy[np.isfinite(xy[:, 0]) & ~(vis < GUIDE_MIN_VISIBILITY)]
    if len(pts):
        span = pts.max(axis=0) - pts.min(axis=0)
        extent = float(max(span[0], span[1]))
        if extent < GUIDE_MIN_BODY_FRAC:
            issues.append("far")
        elif extent > GUIDE_MAX_BODY_FRAC:
            issues.append("close")
    if view in ("front", "back"):
        issues.append("front_view")
    elif view == "oblique":
        issues.append("oblique_view")
    return issues


class SetupGuide:
    """Keeps the issues found over the last ``GUIDE_WINDOW_S`` and writes the banner."""

    def __init__(self) -> None:
        self._hist: deque[tuple[float, tuple[str, ...]]] = deque()

    def reset(self) -> None:
        self._hist.clear()

    def add(self, t_s: float, issues: Iterable[str]) -> None:
        self._hist.append((t_s, tuple(issues)))
        while self._hist and self._hist[0][0] < t_s - GUIDE_WINDOW_S:
            self._hist.popleft()

    def stable_issues(self) -> list[str]:
        n = len(self._hist)
        if n == 0:
            return []
        counts: dict[str, int] = {}
        for _, issues in self._hist:
            for k in issues:
                counts[k] = counts.get(k, 0) + 1
        return [k for k in ISSUE_ORDER if counts.get(k, 0) >= GUIDE_SHOW_FRAC * n]

    def banner(self, view: str) -> str | None:
        issues = self.stable_issues()
        if issues:
            return "Set-up: " + " ".join(ISSUE_TEXT[k] for k in issues[:MAX_ISSUES_SHOWN])
        if view.startswith("side"):
            return READY_TEXT
        return None  # view not known yet: nothing to say


# ================================================================================ frame sources
@dataclass(frozen=True)
class Captured:
    """One frame handed to the loop."""

    seq: int  # capture order from 0 (gaps between frames taken = frames dropped)
    t_s: float  # the frame's own time: camera seconds since opening, or the file's timestamp
    t_wall: float  # clock() when the frame became available: latency is measured from here
    bgr: np.ndarray


class LatestFrame:
    """A capture thread over an iterable of frames (``Frame(index, t_s, bgr)``).

    ``pace=True`` releases each frame at its timestamp relative to the first (a file played at
    its real pace, like a camera). ``drop=True`` keeps only the newest frame: one the loop did
    not take before the next arrived is dropped (counted). ``drop=False`` hands over every frame
    (the thread waits for the loop; for files analysed as fast as possible).

    Errors of the source (a camera that stops) are kept in ``error`` for the loop to report.
    ``close_source`` is called on the capture thread when it ends.
    """

    def __init__(self, frames: Iterable[Any], *, size: tuple[int, int], fps: float, name: str,
                 pace: bool = False, drop: bool = True, clock: Callable[[], float] = time.monotonic,
                 close_source: Callable[[], None] | None = None) -> None:
        self.size = (int(size[0]), int(size[1]))
        self.fps = float(fps) if fps and math.isfinite(fps) and fps > 0 else 30.0
        self.name = name
        self.pace = pace
        self.drop = drop
        self.clock = clock
        self.frames_captured = 0
        self.frames_dropped = 0
        self.error: FormcheckError | None = None
        self._frames = frames
        self._close_source = close_source
        self._cond = threading.Condition()
        self._slot: Captured | None = None
        self._done = False
        self._stop = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)
            self._thread.start()

    @property
    def finished(self) -> bool:
        """The source has ended (or failed) and every frame it gave was taken or dropped."""
        with self._cond:
            return self._done and self._slot is None

    def take(self, timeout: float = 0.0) -> Captured | None:
        """The newest frame not taken yet; waits up to ``timeout`` s for one."""
        with self._cond:
            if self._slot is None and timeout > 0 and not self._done:
                self._cond.wait(timeout)
            cap, self._slot = self._slot, None
            if cap is not None:
                self._cond.notify_all()
            return cap

    def discard(self) -> None:
        """Drop the waiting frame (paused)."""
        with self._cond:
            if self._slot is not None:
                self._slot = None
                self.frames_dropped += 1
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(CAMERA_JOIN_S)

    def _run(self) -> None:
        t0_wall: float | None = None
        t0: float | None = None
        try:
            for seq, frame in enumerate(self._frames):
                _, t_s, bgr = frame[0], float(frame[1]), frame[2]
                if self.pace:
                    if t0_wall is None:
                        t0_wall, t0 = self.clock(), t_s
                    due = t0_wall + (t_s - t0)
                    with self._cond:
                        while not self._stop and (wait := due - self.clock()) > 0:
                            self._cond.wait(wait)
                with self._cond:
                    while not self.drop and self._slot is not None and not self._stop:
                        self._cond.wait(0.1)
                    if self._stop:
                        return
                    if self._slot is not None:
                        self.frames_dropped += 1
                    self._slot = Captured(seq, t_s, self.clock(), bgr)
                    self.frames_captured += 1
                    self._cond.notify_all()
        except FormcheckError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - cv2.error, OSError...: kept for the loop to report
            self.error = VideoError(f"{self.name}: reading frames failed ({exc.__class__.__name__}: {exc})")
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()
            if self._close_source is not None:
                self._close_source()


# ================================================================================ protocols
class PoseBackend(Protocol):
    """What the loop needs of the pose model (``formcheck.adapters.pose.PoseEstimator`` in live mode)."""

    def submit(self, frame_bgr: np.ndarray, t_ms: float) -> None: ...

    def latest(self) -> Any: ...  # PoseResult (image, world, n_people, t_ms) or None

    def close(self) -> None: ...


class Display(Protocol):
    def show(self, img: np.ndarray) -> int: ...  # a key code, or -1

    def poll_key(self) -> int: ...

    def is_open(self) -> bool: ...

    def close(self) -> None: ...


# ================================================================================ the window
def check_display(env: dict[str, str] | None = None, platform: str | None = None) -> None:
    """DisplayError unless a window can be opened (Qt aborts the whole process otherwise).

    On Linux, OpenCV's Qt backend needs an X server (Wayland sessions provide one, XWayland, via
    DISPLAY); the server's socket is probed so an unreachable DISPLAY fails here, in one line.
    """
    env = dict(os.environ if env is None else env)
    platform = platform or sys.platform
    if platform.startswith(("win", "darwin", "cygwin")):
        return
    display = env.get("DISPLAY", "")
    if not display:
        raise DisplayError(
            "no display: formcheck live needs a desktop session (DISPLAY is not set); "
            "for recorded videos use 'formcheck analyze'"
        )
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit() or "/" in host:
        return  # unusual form (e.g. a launchd path): let the window try
    n = int(number)
    try:
        if host in ("", "unix"):
            paths = [f"/tmp/.X11-unix/X{n}"]
            last: OSError | None = None
            for path in paths + ["\0" + paths[0]]:  # file socket, then Linux abstract socket
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(1.0)
                    try:
                        s.connect(path)
                        return
                    except OSError as exc:
                        last = exc
            raise last or OSError("no socket")
        with socket.create_connection((host, 6000 + n), timeout=1.0):
            return
    except OSError as exc:
        raise DisplayError(f"cannot reach the display {display!r} ({exc.strerror or exc}): "
                           "formcheck live needs a desktop session") from exc


class CvWindow:
    """An OpenCV highgui window (Qt backend in our cv2 build)."""

    def __init__(self, title: str = WINDOW_TITLE) -> None:
        check_display()
        _quiet_qt_fonts()
        import cv2

        self._cv2 = cv2
        self.title = title
        try:
            cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
        except cv2.error as exc:
            raise DisplayError(f"cannot open a window ({exc}): formcheck live needs a desktop session") from exc
        self._open = True
        self._shown = False

    def show(self, img: np.ndarray) -> int:
        self._cv2.imshow(self.title, img)
        self._shown = True
        return self._cv2.waitKey(1)

    def poll_key(self) -> int:
        return self._cv2.waitKey(1)

    def is_open(self) -> bool:
        if not self._open:
            return False
        if not self._shown:
            return True
        try:
            return self._cv2.getWindowProperty(self.title, self._cv2.WND_PROP_VISIBLE) >= 1
        except self._cv2.error:
            return False

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                self._cv2.destroyWindow(self.title)
                self._cv2.waitKey(1)
            except self._cv2.error:
                pass


def _quiet_qt_fonts() -> None:
    """Point Qt at the system fonts (the cv2 wheel ships none and complains on stderr)."""
    if "QT_QPA_FONTDIR" in os.environ:
        return
    for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype", "/usr/share/fonts"):
        if os.path.isdir(d):
            os.environ["QT_QPA_FONTDIR"] = d
            return


# ================================================================================ recording
class Recorder:
    """Writes the frames shown to a video on a worker thread, at a constant rate.

    Frames arrive at the (variable) rate they were shown; each is written as many times as
    needed to keep the video in real time at ``fps`` (pauses are cut out by the caller's
    timestamps). The encoder (``formcheck.adapters.video.VideoWriter``, atomic) never slows the loop:
    when it falls ``RECORD_QUEUE_FRAMES`` behind, frames are dropped and counted.
    """

    def __init__(self, path: Path, fps: float) -> None:
        import queue

        self.path = Path(path)
        self.fps = float(fps)
        self.frames_in = 0
        self.frames_dropped = 0
        self.error: FormcheckError | None = None
        self._q: queue.Queue = queue.Queue(maxsize=RECORD_QUEUE_FRAMES)
        self._writer = None
        self._written = 0
        self._t0: float | None = None
        self._thread = threading.Thread(target=self._run, name="formcheck-record", daemon=True)
        self._thread.start()

    def write(self, img: np.ndarray, t_s: float) -> None:
        import queue

        if self.error is not None:
            return
        try:
            self._q.put_nowait((img, float(t_s)))
            self.frames_in += 1
        except queue.Full:
            self.frames_dropped += 1

    def _run(self) -> None:
        from formcheck.adapters.video import VideoWriter

        while True:
            item = self._q.get()
            if item is None:
                return
            if self.error is not None:
                continue
            img, t_s = item
            try:
                if self._writer is None:
                    self._writer = VideoWriter(self.path, fps=self.fps, size=(img.shape[1], img.shape[0]))
                    self._t0 = t_s
                # Real time: frame k of the video shows t0 + k / fps.
                target = int(math.floor((t_s - self._t0) * self.fps + 1e-6)) + 1
                n = min(max(target - self._written, 0 if self._written else 1), int(5 * self.fps))
                for _ in range(n):
                    self._writer.write(img)
                self._written += n
            except FormcheckError as exc:
                self.error = exc

    def close(self, final_path: Path | None = None) -> Path | None:
        """Finish the video (moved to ``final_path`` when given). None when nothing was written."""
        self._q.put(None)
        self._thread.join()
        if self.error is not None:
            if self._writer is not None:
                self._writer.abort()
            raise self.error
        if self._writer is None:
            return None
        path = self._writer.close()
        if final_path is not None and Path(final_path) != path:
            os.replace(path, final_path)
            path = Path(final_path)
        return path

    def abort(self) -> None:
        self._q.put(None)
        self._thread.join()
        if self._writer is not None:
            self._writer.abort()


# ================================================================================ the session
@dataclass
class LiveStats:
    frames_captured: int = 0
    frames_dropped: int = 0  # captured but never analysed (the loop was busy, or paused)
    frames_processed: int = 0  # analysed and shown
    pose_timeouts: int = 0
    latency_ms: list[float] = field(default_factory=list)
    pose_ms: list[float] = field(default_factory=list)  # submit to result seen (inference + waiting)
    analyze_ms: list[float] = field(default_factory=list)  # Analyzer.update + set-up checks + speech
    draw_ms: list[float] = field(default_factory=list)  # draw_overlay
    show_ms: list[float] = field(default_factory=list)  # imshow + waitKey
    shown_at: list[float] = field(default_factory=list)  # clock() of each frame shown

    @property
    def fps_shown(self) -> float:
        if len(self.shown_at) < 2 or self.shown_at[-1] <= self.shown_at[0]:
            return float("nan")
        return (len(self.shown_at) - 1) / (self.shown_at[-1] - self.shown_at[0])

    def latency_summary(self) -> dict[str, float]:
        if not self.latency_ms:
            return {"median": float("nan"), "p90": float("nan"), "max": float("nan")}
        a = np.asarray(self.latency_ms)
        return {"median": float(np.median(a)), "p90": float(np.percentile(a, 90)), "max": float(a.max())}

    def stage_medians(self) -> dict[str, float | None]:
        return {k: _round(float(np.median(v))) if v else None
                for k, v in (("pose_ms", self.pose_ms), ("analyze_ms", self.analyze_ms),
                             ("draw_ms", self.draw_ms), ("show_ms", self.show_ms))}

    def to_dict(self) -> dict:
        lat = self.latency_summary()
        out = {
            "frames_captured": self.frames_captured, "frames_dropped": self.frames_dropped,
            "frames_processed": self.frames_processed, "pose_timeouts": self.pose_timeouts,
            "fps_shown": _round(self.fps_shown), "latency_ms_median": _round(lat["median"]),
            "latency_ms_p90": _round(lat["p90"]), "latency_ms_max": _round(lat["max"]),
        }
        out.update({f"{k}_median": v for k, v in self.stage_medians().items()})
        return out


def _round(v: float, nd: int = 2) -> float | None:
    return round(float(v), nd) if math.isfinite(v) else None


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

    def __init__(self, source: Any, pose: PoseBackend, display: Display, *, exercise: str = "auto",
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
        self._in_flight: Captured | None = None
        self._in_flight_ms = -1
        self._in_flight_since = 0.0
        self._last_ms = -1
        self._last_t_s = -math.inf
        self._last_key_poll = -math.inf
        self._notice: tuple[str, float] | None = None
        self._last_drawn: tuple[np.ndarray, np.ndarray | None, FrameResult] | None = None
        self._fps_times: deque[float] = deque()
        self._lat: deque[float] = deque(maxlen=LATENCY_WINDOW)
        # landmarks of the current set (since the last reset), for the .npz
        self._t: list[float] = []
        self._image: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._set_notes: list[str] = []
        self._rec_offset = 0.0
        self._rec_last_t: float | None = None
        self._rec_gap = False
        self._prev_cues: tuple[str, ...] = ()
        self.stem = "live-" + datetime.now().strftime("%Y%m%d-%H%M%S")
        self.recorder: Recorder | None = None
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
        if self._in_flight is not None and res is not None and res.t_ms == self._in_flight_ms:
            done = self._in_flight
            self._in_flight = None
            self.stats.pose_ms.append((self.clock() - self._in_flight_since) * 1000.0)
            self._submit_next(0.0)  # the next inference starts before this frame is drawn
            self._process(done, res)
            return not self.quit
        now = self.clock()
        if self._in_flight is not None and now - self._in_flight_since > IN_FLIGHT_TIMEOUT_S:
            self._in_flight = None
            self.stats.pose_timeouts += 1
        if self._in_flight is None:
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
        t_ms = max(int(round(cap.t_s * 1000.0)), self._last_ms + 1)
        self._last_ms = t_ms
        self._in_flight, self._in_flight_ms, self._in_flight_since = cap, t_ms, self.clock()
        self.pose.submit(cap.bgr, t_ms)
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
        self._t.append(cap.t_s)
        self._image.append(image.astype(np.float32))
        self._world.append((world if world is not None else np.full((33, 4), np.nan)).astype(np.float32))
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

        from formcheck.draw.overlay import draw_overlay

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
        fps = None if self.paused else self._fps_readout()
        lat = float(np.median(self._lat)) if self._lat and not self.paused else None
        t0 = self.clock()
        img = draw_overlay(bgr, lm, result, show_fps=fps, latency_ms=lat, banner=banner)
        t1 = self.clock()
        key = self.display.show(img)
        shown_at = self.clock()
        self._last_key_poll = shown_at
        if cap is not None:
            latency = (shown_at - cap.t_wall) * 1000.0
            self._lat.append(latency)
            self.stats.latency_ms.append(latency)
            self.stats.shown_at.append(shown_at)
            self.stats.frames_processed += 1
            self.stats.draw_ms.append((t1 - t0) * 1000.0)
            self.stats.show_ms.append((shown_at - t1) * 1000.0)
            self._fps_times.append(shown_at)
            if self.recorder is not None:
                self.recorder.write(img, self._record_time(cap.t_s))
        self._handle_key(key)
        if self.stats.frames_processed % 15 == 0:
            self._check_window()

    def _record_time(self, t_s: float) -> float:
        """The frame's time in the recording: pauses are cut out."""
        if self._rec_gap and self._rec_last_t is not None:
            self._rec_offset += max(0.0, t_s - self._rec_last_t - 1.0 / max(self.source.fps, 1.0))
            self._rec_gap = False
        self._rec_last_t = t_s
        return t_s - self._rec_offset

    def _fps_readout(self) -> float | None:
        now = self.clock()
        while self._fps_times and self._fps_times[0] < now - FPS_WINDOW_S:
            self._fps_times.popleft()
        if len(self._fps_times) < 2:
            return None
        span = self._fps_times[-1] - self._fps_times[0]
        return (len(self._fps_times) - 1) / span if span > 0 else None

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
                    self._in_flight = None  # stale by the time the pause ends
                self._rec_gap = True
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
        self._t, self._image, self._world = [], [], []
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
                        peak_hip_deg=_round(rep.peak_hip_extension_deg, 1))
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
        if not self._t:
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
        if self._t:
            series = LandmarkSeries(
                t_s=np.asarray(self._t), image=np.stack(self._image), image_size=(self._width, self._height),
                world=np.stack(self._world), source=self.source_name,
                meta={"live": True, "partial": partial, "model": self.model_name,
                      "frames_captured": self.stats.frames_captured,
                      "frames_dropped": self.stats.frames_dropped},
            )
            out["landmarks"] = self.record_dir / f"{stem}.landmarks.npz"
            series.save_npz(out["landmarks"])
        if report is not None:
            out["json"] = self.record_dir / f"{stem}.json"
            report.write_json(out["json"])
        log = {"source": self.source_name, "partial": partial, "error": str(self.error) if self.error else None,
               "stats": self.stats.to_dict(), "events": self.events}
        out["log"] = self.record_dir / f"{stem}.live.json"
        _atomic_write(out["log"], json.dumps(log, indent=2) + "\n")
        return out

    def close(self) -> None:
        """Release the camera, the model, the window and the speech worker (idempotent)."""
        self.source.close()
        self.pose.close()
        self.display.close()
        self.coach.speaker.close()


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text)
    tmp.replace(path)


# ================================================================================ building it
def open_live(*, camera: int = 0, source: str | Path | None = None, realtime: bool = False,
              exercise: str = "auto", side: str = "auto", mirror: bool = False,
              record: str | Path | None = None, mute: bool = False, model: str | Path | None = None,
              profile: str | Path | None = None) -> LiveSession:
    """Open the display, the camera (or file), the pose model and speech; return the session.

    Raises DisplayError (no screen), VideoError (no camera / unreadable file), ModelError,
    ConfigError. Whatever was opened before a failure is closed again.
    """
    from formcheck.adapters.speech import make_speaker

    if source is None and realtime:
        raise ConfigError("--realtime plays a file at its real pace: use it with --source FILE")
    check_display()
    opened: list[Callable[[], None]] = []
    try:
        if source is not None:
            from formcheck.adapters.video import open_video

            video = open_video(source)
            opened.append(video.close)
            frames = LatestFrame(video, size=(video.width, video.height), fps=video.fps, name=video.name,
                                 pace=realtime, drop=realtime, close_source=video.close)
        else:
            from formcheck.adapters.video import open_camera

            cam = open_camera(camera)
            opened.append(cam.close)
            frames = LatestFrame(cam, size=(cam.width, cam.height), fps=cam.fps, name=f"camera {camera}",
                                 pace=False, drop=True, close_source=cam.close)
        opened.append(frames.close)
        from formcheck.adapters.pose import PoseEstimator

        estimator = PoseEstimator(model_path=model, running_mode="live")
        opened.append(estimator.close)
        speaker, notice = make_speaker()
        opened.append(speaker.close)
        coach = SpeechCoach(speaker, muted=mute)
        window = CvWindow(WINDOW_TITLE)
        opened.append(window.close)
        session = LiveSession(
            frames, estimator, window, exercise=exercise, side=side,
            profile_path=str(profile) if profile else None, coach=coach, mirror=mirror,
            record_dir=Path(record) if record is not None else None, source_name=frames.name,
            model_name=estimator.model_path.name,
        )
    except BaseException:
        for close in reversed(opened):
            close()
        raise
    if notice:
        session.notices.append(notice)
    return session


__all__ = [
    "Captured", "CvWindow", "DisplayError", "LatestFrame", "LiveOutcome", "LiveSession", "LiveStats",
    "Recorder", "SetupGuide", "check_display", "open_live", "setup_issues",
]
