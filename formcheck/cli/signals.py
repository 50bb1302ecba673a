"""SIGTERM handled like Ctrl-C, so a service manager or a worker's stop is a clean stop.

The handler raises :class:`Terminated`, a ``KeyboardInterrupt``: every place that already
cleans up after Ctrl-C (video writers delete their hidden partial file, live writes the set so
far) does the same for SIGTERM. The faces ask :func:`stop_code` which code to exit with.
"""

from __future__ import annotations

import signal
import threading

from formcheck.core.errors import EXIT_INTERRUPTED, EXIT_TERMINATED


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by the SIGTERM handler."""


_state = {"terminated": False}


def _on_sigterm(signum: int, frame: object) -> None:
    if _state["terminated"]:
        return  # a second SIGTERM must not break the clean-up the first one started
    _state["terminated"] = True
    raise Terminated()


def install() -> None:
    """Route SIGTERM to :class:`Terminated` (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


def stop_code() -> int:
    """130 after Ctrl-C, 143 after SIGTERM."""
    return EXIT_TERMINATED if _state["terminated"] else EXIT_INTERRUPTED


def stop_message() -> str:
    return "formcheck: terminated" if _state["terminated"] else "formcheck: interrupted"
