"""``formcheck compare A B``: two sets on one page, lined up rep by rep and phase by phase.

A thin face over :func:`formcheck.comparison.compare_paths`: parse, call, print the page's path.
Register it with ``app.command("compare")(compare)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from formcheck.cli.choices import ExerciseChoice, SideChoice
from formcheck.core.errors import ConfigError, FormcheckError

__all__ = ["compare"]


def _keymarks(path: Optional[Path], option: str):
    from formcheck.comparison import read_keymarks
    from formcheck.core.report import read_json

    if path is None:
        return ()
    return read_keymarks(read_json(path, "a JSON list of keyframes"), f"{option} {path.name}")


def compare(
    a: Path = typer.Argument(..., help="Set A: a video (analysed, with its landmark cache) or the JSON report "
                                      "`formcheck analyze` wrote (its CSV and annotated video beside it)."),
    b: Optional[Path] = typer.Argument(None, help="Set B, the same kinds (left out with --sides)."),
    out: Path = typer.Option(Path("formcheck-compare"), help="Output folder: the page, the videos it plays "
                             "and the analyses of video inputs."),
    rep_a: Optional[int] = typer.Option(None, "--rep-a", min=1, help="Show this rep of A first, paired with "
                                        "--rep-b's (default: the one B's rep is matched with)."),
    rep_b: Optional[int] = typer.Option(None, "--rep-b", min=1, help="Show this rep of B first (default: the one "
                                        "A's rep is matched with)."),
    sides: bool = typer.Option(False, "--sides", help="Left leg against right leg within set A."),
    one_file: bool = typer.Option(False, "--one-file", help="Put both videos inside the page: one HTML file "
                                  "to send (larger; no video files beside it)."),
    keyframes_a: Optional[Path] = typer.Option(None, "--keyframes-a", help="A coach's keyframes of A: JSON "
                                               "[{\"t_s\": 2.4, \"title\": \"...\"}] (default: the report's own)."),
    keyframes_b: Optional[Path] = typer.Option(None, "--keyframes-b", help="The same for B."),
    exercise: ExerciseChoice = typer.Option(ExerciseChoice.auto, help="Exercise of video inputs; auto recognises it."),
    side: SideChoice = typer.Option(SideChoice.auto, help="Working leg of video inputs."),
    model: Optional[Path] = typer.Option(None, help="Pose model .task (default: the bundled full model)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Compare two sets (or the left and right legs of one) on one HTML page, rep by rep."""
    from formcheck.comparison import compare_paths
    from formcheck.outputs.places import check_output_dir

    try:
        if sides and b is not None:
            raise ConfigError("--sides compares the legs of one set: give one input")
        if not sides and b is None:
            raise ConfigError("give two sets to compare (or one with --sides)")
        check_output_dir(out, "--out")
        page = compare_paths(a, b, out, sides=sides, pick=(rep_a, rep_b),
                             keymarks_a=_keymarks(keyframes_a, "--keyframes-a"),
                             keymarks_b=_keymarks(keyframes_b, "--keyframes-b"),
                             exercise=exercise.value, side=side.value, model=model, progress=not quiet,
                             one_file=one_file)
    except FormcheckError as exc:
        typer.echo(f"formcheck: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    typer.echo(f"Wrote: {page}")
