"""A worker process: consumes analysis jobs from the queue.

``formcheck serve --workers N`` starts N of these as its own children (``start_workers``); they
die with the server, even on SIGKILL (Linux's parent-death signal, and a watchdog elsewhere), so
a restarted server never finds an orphan still running an old job.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Callable

from formcheck.web.config import Settings

log = logging.getLogger("formcheck.web.worker")

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the watchdog thread below covers it


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(1.0)


def start_workers(settings: Settings, count: int) -> list[subprocess.Popen]:
    """Start ``count`` worker processes, one job at a time each."""
    env = {**os.environ, **settings.to_env(), "FORMCHECK_PARENT_PID": str(os.getpid())}
    # A session of their own: a Ctrl-C at the terminal reaches the server, which stops them.
    return [subprocess.Popen([sys.executable, "-m", "formcheck.web.worker"], env=env, start_new_session=True,
                             preexec_fn=_die_with_parent if sys.platform == "linux" else None)
            for _ in range(count)]


class Supervisor:
    """Keeps ``count`` workers alive: a worker that dies is replaced and its job taken back."""

    def __init__(self, settings: Settings, on_death: Callable[[int], object]) -> None:
        self.settings, self.on_death = settings, on_death
        self.procs = start_workers(settings, settings.workers)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for i, proc in enumerate(self.procs):
                if proc.poll() is not None and not self._stop.is_set():
                    log.warning("worker %d exited (%s): replacing it", proc.pid, proc.returncode)
                    self.on_death(proc.pid)
                    self.procs[i] = start_workers(self.settings, 1)[0]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        stop_workers(self.procs)


def stop_workers(procs: list[subprocess.Popen], timeout_s: float = 10.0) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + timeout_s
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()


def main() -> None:
    from formcheck.adapters.stdio import route_native_stderr
    from formcheck.web.jobs import _worker_parts

    parent = os.environ.get("FORMCHECK_PARENT_PID")
    if parent:
        threading.Thread(target=_watch_parent, args=(int(parent),), daemon=True).start()
    route_native_stderr()
    parts = _worker_parts()
    if parts.settings.queue_url:  # a shared queue: every worker also reaps (formcheck.web.liveness)
        from formcheck.web.liveness import start_reaper

        start_reaper(parts)
    parts.queue.run_worker(workers=1)


if __name__ == "__main__":
    main()
