"""The formcheck command line (typer). A thin face: parse, call the library, print, exit.

Exit codes: 0 every input analysed; 2 bad input (missing file, unreadable landmark file);
3 a video or camera could not be read; 4 the pose model is missing or broken; 5 bad option or
profile; 6 no person found; 7 no display for the live window; 130 interrupted. With several
inputs, the first failure's code is returned after the others were analysed.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from formcheck.adapters.stdio import route_native_stderr
from formcheck.core.errors import ConfigError, FormcheckError
from formcheck.cli.live import live
from formcheck.core.profile import EXERCISES
from formcheck.cli.render import render
from formcheck.cli.serve import serve, users_app

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Exercise form checker for the hip thrust family.")


class ExerciseChoice(str, Enum):
    auto = "auto"
    single_leg_hip_thrust = "single-leg-hip-thrust"
    hip_thrust = "hip-thrust"
    glute_bridge = "glute-bridge"
    single_leg_glute_bridge = "single-leg-glute-bridge"


class SideChoice(str, Enum):
    auto = "auto"
    left = "left"
    right = "right"


def _fail(exc: FormcheckError) -> "typer.Exit":
    typer.echo(f"formcheck: error: {exc}", err=True)
    return typer.Exit(exc.exit_code)


@app.command()
def analyze(
    paths: list[Path] = typer.Argument(..., help="Videos (mp4, mov, avi, webm, mkv), folders of videos, or .npz landmark files."),
    exercise: ExerciseChoice = typer.Option(ExerciseChoice.auto, help="Exercise; auto recognises it."),
    side: SideChoice = typer.Option(SideChoice.auto, help="Working leg; auto finds the planted foot."),
    out: Path = typer.Option(Path("formcheck-out"), help="Output folder (JSON, CSV, plot, annotated video, landmark cache)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the JSON report here (one input only)."),
    csv_path: Optional[Path] = typer.Option(None, "--csv", help="Also write the per-frame CSV here (one input only)."),
    annotate: bool = typer.Option(True, "--annotate/--no-annotate", help="Write an annotated video."),
    model: Optional[Path] = typer.Option(None, help="Pose model .task (default: the bundled full model)."),
    profile: Optional[Path] = typer.Option(None, help="TOML file overriding the exercise profile's thresholds."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Re-run the pose model even if landmarks are cached."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Analyse recorded sets: count reps per side and judge each rep."""
    from formcheck.pipeline import analyze_path, expand_inputs
    from formcheck.outputs.summary import format_summary

    try:
        inputs = expand_inputs(paths)
        if (json_path or csv_path) and len(inputs) > 1:
            raise ConfigError("--json and --csv take one input; with several, use --out (one file per input)")
    except FormcheckError as exc:
        raise _fail(exc)
    first_code = 0
    for path in inputs:
        try:
            result = analyze_path(
                path, exercise=exercise.value, side=side.value, out_dir=out, model=model,
                profile_path=profile, use_cache=not no_cache, annotate=annotate, progress=not quiet,
                json_path=json_path, csv_path=csv_path,
            )
        except FormcheckError as exc:
            typer.echo(f"formcheck: {path}: {exc}", err=True)
            first_code = first_code or exc.exit_code
            continue
        except KeyboardInterrupt:
            typer.echo("formcheck: interrupted", err=True)
            raise typer.Exit(130)
        typer.echo(format_summary(result.report))
        typer.echo("Wrote: " + ", ".join(str(p) for p in result.outputs.values()))
        typer.echo("")
    raise typer.Exit(first_code)


@app.command("profile")
def show_profile(
    exercise: ExerciseChoice = typer.Argument(ExerciseChoice.single_leg_hip_thrust,
                                              help="Exercise whose built-in profile to print."),
) -> None:
    """Print an exercise's built-in profile (copy it, edit values, pass it with --profile)."""
    from importlib import resources

    if exercise == ExerciseChoice.auto:
        raise _fail(ConfigError(f"choose an exercise: {', '.join(EXERCISES)}"))
    typer.echo(resources.files("formcheck.profiles").joinpath(f"{exercise.value}.toml").read_text())


app.command("live")(live)
app.command("render")(render)
app.command("serve")(serve)
app.add_typer(users_app, name="users")


def main() -> None:  # pragma: no cover - console entry
    """The ``formcheck`` command: native libraries' log lines never reach the terminal."""
    route_native_stderr()
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
