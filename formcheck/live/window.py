"""The live window: a ``Display`` Protocol and the OpenCV window behind it, with a display probe."""

from __future__ import annotations

import os
import socket
import sys
from typing import Protocol

import numpy as np

from formcheck.core.errors import DisplayError

WINDOW_TITLE = "formcheck live"


class Display(Protocol):
    def show(self, img: np.ndarray) -> int: ...  # a key code, or -1

    def poll_key(self) -> int: ...

    def is_open(self) -> bool: ...

    def close(self) -> None: ...


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

