"""Spoken rep counts and cues for live coaching, offline and without blocking the video loop.

Two parts:

- **Speakers** say a text without waiting: ``CommandSpeaker`` runs a system TTS program
  (``espeak-ng``, else ``espeak``) on a worker thread, one utterance at a time; a newer text
  replaces one still waiting, so speech never lags behind the set. ``SilentSpeaker`` is the
  fallback when no engine is installed (``make_speaker`` says so once, as a notice for the CLI to
  print; the library never prints).
- **SpeechCoach** decides what to say from the analyzer's ``FrameResult`` stream: every new rep's
  count (with the side when it changes), the rep's fault cue, and cues that appear later (e.g. a
  fast descent judged once the rep is over) while they are on screen. It never nags: a given cue
  is spoken at most once every ``CUE_REPEAT_S``, and a cue that is not part of a rep
  announcement waits until ``MIN_GAP_S`` after the last utterance. Times are the frames' own
  timestamps, so its decisions are deterministic and testable without a clock.

The numbers below pace speech; they are not form thresholds.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Protocol

from formcheck.core.report import FrameResult

# Pacing of speech (not form thresholds).
CUE_REPEAT_S = 8.0  # the same cue is spoken at most once in this long (it stays on screen anyway)
MIN_GAP_S = 2.0  # a cue that is not part of a rep announcement waits this long after the last utterance
WORDS_PER_MINUTE = 175  # espeak's default speed (175) is clear; faster gets hard to follow mid-set
TTS_PROGRAMS = ("espeak-ng", "espeak")  # tried in this order (PATH lookup)
# A TTS process that takes longer than this is stopped (one cue is a few words: ~2 s).
UTTERANCE_TIMEOUT_S = 10.0

NO_ENGINE_NOTICE = (
    "no offline text-to-speech engine found (install espeak-ng, e.g. 'apt install espeak-ng'): "
    "cues are shown on screen but not spoken"
)


class Speaker(Protocol):
    """Says texts without blocking the caller."""

    def say(self, text: str) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...

    def notice(self) -> str | None:
        """A one-time message for the user (e.g. the engine failed), or None."""
        ...


class SilentSpeaker:
    """Says nothing (no TTS engine, or speech disabled). Keeps what it was asked to say."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass

    def notice(self) -> str | None:
        return None


class CommandSpeaker:
    """Speak through a TTS program (``argv + [text]``) on a worker thread.

    At most one utterance is in flight and at most one waits; ``say`` replaces a waiting text
    and returns at once. ``stop`` drops the waiting text and ends the current utterance. If the
    program fails (exit status, or an ``error`` line on stderr as espeak-ng prints when there is
    no audio device) speech turns itself off and ``notice()`` returns the reason once.
    """

    def __init__(self, argv: list[str], *, name: str | None = None,
                 timeout_s: float = UTTERANCE_TIMEOUT_S) -> None:
        self.argv = list(argv)
        self.name = name or self.argv[0]
        self.timeout_s = timeout_s
        self.spoken: list[str] = []  # texts whose utterance finished without error
        self._pending: queue.Queue[str | None] = queue.Queue(maxsize=1)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._failed: str | None = None
        self._notice_given = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="formcheck-speech", daemon=True)
        self._thread.start()

    # -- caller side --------------------------------------------------------------------------
    def say(self, text: str) -> None:
        text = " ".join(str(text).split())
        if not text or self._closed or self._failed:
            return
        with self._lock:
            try:
                self._pending.get_nowait()  # the newer text wins
            except queue.Empty:
                pass
            self._pending.put_nowait(text)

    def stop(self) -> None:
        with self._lock:
            try:
                self._pending.get_nowait()
            except queue.Empty:
                pass
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.stop()
        with self._lock:
            try:
                self._pending.get_nowait()
            except queue.Empty:
                pass
            self._pending.put_nowait(None)
        self._thread.join(timeout=2.0)

    def notice(self) -> str | None:
        if self._failed and not self._notice_given:
            self._notice_given = True
            return self._failed
        return None

    @property
    def busy(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    # -- worker -------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            text = self._pending.get()
            if text is None or self._closed:
                return
            try:
                proc = subprocess.Popen(self.argv + [text], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except OSError as exc:
                self._failed = f"speech turned off: could not run {self.name} ({exc})"
                return
            with self._lock:
                self._proc = proc
            try:
                _, err = proc.communicate(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            with self._lock:
                self._proc = None
            if proc.returncode < 0:  # stopped by stop()/close() or the timeout: not a failure
                continue
            msg = _error_line(err)
            if proc.returncode != 0 or msg:
                self._failed = (f"speech turned off: {self.name} could not speak "
                                f"({msg or f'exit status {proc.returncode}'}); check the audio output")
                return
            self.spoken.append(text)


def _error_line(stderr: bytes | None) -> str:
    """espeak-ng exits 0 without an audio device but prints 'error: ...' (after ALSA noise)."""
    for line in (stderr or b"").decode("utf-8", "replace").splitlines():
        if line.lower().startswith("error"):
            return line.strip()
    return ""


def find_tts() -> list[str] | None:
    """The argv of an installed offline TTS program, or None."""
    for prog in TTS_PROGRAMS:
        exe = shutil.which(prog)
        if exe:
            return [exe, "-s", str(WORDS_PER_MINUTE), "--"]
    return None


def make_speaker() -> tuple[Speaker, str | None]:
    """The best available speaker and a one-time notice when it is the silent fallback."""
    argv = find_tts()
    if argv is None:
        return SilentSpeaker(), NO_ENGINE_NOTICE
    return CommandSpeaker(argv, name=argv[0].rsplit("/", 1)[-1]), None


# -- what to say ---------------------------------------------------------------------------------
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                 "eighteen", "nineteen", "twenty")


def count_words(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


@dataclass
class SpeechCoach:
    """Turns the FrameResult stream into utterances; see the module docstring for the rules.

    ``on_frame`` returns the text handed to the speaker (or None). ``muted`` silences it; what
    it would have said is still decided (and logged in ``log``) so muting changes nothing else.
    """

    speaker: Speaker
    muted: bool = False
    cue_repeat_s: float = CUE_REPEAT_S
    min_gap_s: float = MIN_GAP_S
    log: list[tuple[float, str, bool]] = field(default_factory=list)  # (t_s, text, spoken)
    _last_said_t: float = field(default=float("-inf"), repr=False)
    _cue_t: dict[str, float] = field(default_factory=dict, repr=False)
    _last_side: str | None = field(default=None, repr=False)

    def reset(self) -> None:
        """A new set: forget the rep sides and cue history."""
        self._cue_t.clear()
        self._last_side = None

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)
        if self.muted:
            self.speaker.stop()

    def expect_side(self, side: str) -> None:
        """The side was just announced: the next rep on it needs no side prefix."""
        self._last_side = side

    def announce(self, t_s: float, text: str) -> str | None:
        """Say a one-off message now (e.g. 'Right side'), muting permitting."""
        return self._emit(t_s, text)

    def on_frame(self, result: FrameResult) -> str | None:
        """Decide what to say after one frame (the counts spoken are ``result.reps_by_side``)."""
        t = float(result.t_s)
        parts: list[str] = []
        rep = result.new_rep
        if rep is not None:
            n = result.reps_by_side.get(rep.side, result.rep_count)
            prefix = ""
            if rep.side in ("left", "right") and rep.side != self._last_side and self._last_side is not None:
                prefix = f"{rep.side.capitalize()} side, "
            self._last_side = rep.side
            parts.append(prefix + count_words(n))
            cue = next((f.cue for f in rep.faults if f.severity == "fault" and f.cue), None)
            if cue and self._cue_due(cue, t):
                parts.append(cue)
                self._cue_t[cue] = t
        elif t - self._last_said_t >= self.min_gap_s:
            # A cue on screen that was not said lately: one that appeared after the rep (e.g. a
            # fast descent, judged once the rep is over) or one held back by the gap until now.
            for cue in result.cues:
                if self._cue_due(cue, t):
                    parts.append(cue)
                    self._cue_t[cue] = t
                    break
        if not parts:
            return None
        return self._emit(t, ". ".join(parts))

    def _cue_due(self, cue: str, t: float) -> bool:
        return t - self._cue_t.get(cue, float("-inf")) >= self.cue_repeat_s

    def _emit(self, t: float, text: str) -> str | None:
        self._last_said_t = t
        self.log.append((t, text, not self.muted))
        if self.muted:
            return None
        self.speaker.say(text)
        return text


__all__ = [
    "CUE_REPEAT_S", "MIN_GAP_S", "NO_ENGINE_NOTICE", "CommandSpeaker", "SilentSpeaker", "Speaker",
    "SpeechCoach", "count_words", "find_tts", "make_speaker",
]
