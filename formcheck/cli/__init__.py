"""The command-line face: typer commands that parse options and call the library."""

from formcheck.cli.app import app

__all__ = ["app"]
