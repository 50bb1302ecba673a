"""Building a live session from the real parts: window, camera or file, pose model, speech."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from formcheck.adapters.speech import SpeechCoach
from formcheck.core.errors import ConfigError
from formcheck.live.capture import LatestFrame
from formcheck.live.window import WINDOW_TITLE, CvWindow, check_display

if TYPE_CHECKING:
    from formcheck.live.session import LiveSession


def open_live(*, camera: int = 0, source: str | Path | None = None, realtime: bool = False,
              exercise: str = "auto", side: str = "auto", mirror: bool = False,
              record: str | Path | None = None, mute: bool = False, model: str | Path | None = None,
              profile: str | Path | None = None) -> LiveSession:
    """Open the display, the camera (or file), the pose model and speech; return the session.

    Raises DisplayError (no screen), VideoError (no camera / unreadable file), ModelError,
    ConfigError. Whatever was opened before a failure is closed again.
    """
    from formcheck.adapters.speech import make_speaker
    from formcheck.live.session import LiveSession

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
