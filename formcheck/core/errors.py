"""One error hierarchy and the one table of exit codes.

The library raises these; every face (CLI, web) turns them into one line and, for the CLI, the
class's ``exit_code``. :data:`EXIT_CODES` is the only list of codes: the README's table is
checked against it by a test.
"""


class FormcheckError(Exception):
    """Base of every error formcheck raises on purpose. The message is meant for the user."""

    exit_code = 1
    summary = "unexpected error (a bug: the one-line message says what failed)"


class InputError(FormcheckError):
    """The input cannot be analysed: missing file, wrong kind of file, no person, bad shape."""

    exit_code = 2
    summary = ("bad input: missing file, not a regular file (folder, FIFO, device), not a video "
               "or landmark file, unreadable or oversized landmark file")


class VideoError(InputError):
    """A video (or camera) could not be opened, decoded or written."""

    exit_code = 3
    summary = "a video or camera that cannot be read (corrupt, empty, not really a video)"


class ModelError(FormcheckError):
    """The pose model is missing, corrupt or failed to run."""

    exit_code = 4
    summary = "the pose model is missing or broken"


class ConfigError(FormcheckError):
    """An exercise profile or option is invalid (unknown key, wrong type, bad value)."""

    exit_code = 5
    summary = "a bad option or profile (unknown exercise, bad value, unknown profile key)"


class NoPersonError(InputError):
    """No person was found in enough frames to analyse anything."""

    exit_code = 6
    summary = "no person found, or a clip too short to analyse"


class DisplayError(FormcheckError):
    """No screen to show the live window on."""

    exit_code = 7
    summary = "no display for the live window"


class OutputError(FormcheckError):
    """An output could not be written: the place is a file or a device, read-only, or full.

    Raised before the expensive work when the place is wrong, and when a write fails part-way
    (the partial files are removed)."""

    exit_code = 8
    summary = "an output cannot be written (--out, --json, --csv or --record is a file, read-only or full)"


EXIT_OK = 0
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM

ERROR_CLASSES: tuple[type[FormcheckError], ...] = (
    FormcheckError, InputError, VideoError, ModelError, ConfigError, NoPersonError, DisplayError,
    OutputError,
)

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "every input analysed (or the command did what it was asked)",
    **{cls.exit_code: cls.summary for cls in ERROR_CLASSES},
    EXIT_INTERRUPTED: "interrupted (Ctrl-C): partial files removed, live keeps what was recorded",
    EXIT_TERMINATED: "terminated (SIGTERM): handled like Ctrl-C",
}
