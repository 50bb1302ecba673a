"""One error hierarchy: the library raises these, the CLI turns them into one line and an exit code."""


class FormcheckError(Exception):
    """Base of every error formcheck raises on purpose. The message is meant for the user."""

    exit_code = 1


class InputError(FormcheckError):
    """The input cannot be analysed: missing file, wrong kind of file, no person, bad shape."""

    exit_code = 2


class VideoError(InputError):
    """A video (or camera) could not be opened, decoded or written."""

    exit_code = 3


class ModelError(FormcheckError):
    """The pose model is missing, corrupt or failed to run."""

    exit_code = 4


class ConfigError(FormcheckError):
    """An exercise profile or option is invalid (unknown key, wrong type, bad value)."""

    exit_code = 5


class NoPersonError(InputError):
    """No person was found in enough frames to analyse anything."""

    exit_code = 6


class DisplayError(FormcheckError):
    """No screen to show the live window on."""

    exit_code = 7
