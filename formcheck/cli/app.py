"""The formcheck command line (typer). A thin face: parse, call the library, print, exit.

Exit codes come from one table, ``formcheck.core.errors.EXIT_CODES`` (each error class carries
its code; the README's table is checked against it). A bad option is a ConfigError (5), not
click's usage error. With several inputs, the first failure's code is returned after the
others were analysed. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from formcheck.adapters.stdio import route_native_stderr
from formcheck.cli import signals
from formcheck.adapters.pose_pool import available_cores
from formcheck.cli.batch import plan_inputs, run_many, run_one
from formcheck.core.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, ConfigError, FormcheckError
from formcheck.cli.choices import ExerciseChoice, SideChoice
from formcheck.cli.compare import compare
from formcheck.cli.live import live
from formcheck.core.profile import EXERCISES
from formcheck.cli.render import render
from formcheck.cli.serve import serve, users_app
from formcheck.cli.submit import submit
from formcheck.cli.worker import worker

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Exercise form checker for the hip thrust family.")


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
    html: bool = typer.Option(True, "--html/--no-html", help="Write NAME.html (and index.html for several inputs)."),
    model: Optional[Path] = typer.Option(None, help="Pose model .task (default: the bundled full model)."),
    profile: Optional[Path] = typer.Option(None, help="TOML file overriding the exercise profile's thresholds."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Re-run the pose model even if landmarks are cached."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Processes for the pose model (default: the cores available)."),
) -> None:
    """Analyse recorded sets: count reps per side and judge each rep."""
    try:
        plan = plan_inputs(paths, out=out, json_path=json_path, csv_path=csv_path)
    except FormcheckError as exc:
        raise _fail(exc)
    for note in plan.notes:
        typer.echo(f"formcheck: note: {note}", err=True)
    codes: dict[Path, int] = {}
    done: dict[Path, object] = {}

    def show(path: Path, result: object) -> None:
        """One input's summary on stdout, or its one-line error on stderr."""
        if isinstance(result, FormcheckError):
            message = str(result).removeprefix(f"{path.name}: ")  # the library names the file too
            typer.echo(f"formcheck: {path}: {message}", err=True)
            codes[path] = result.exit_code
            return
        from formcheck.outputs.summary import format_summary

        typer.echo(format_summary(result.report))
        typer.echo("Wrote: " + ", ".join(str(p) for p in result.outputs.values()))
        typer.echo("")
        done[path] = result

    options = dict(exercise=exercise.value, side=side.value, out_dir=out, model=model, profile_path=profile,
                   use_cache=not no_cache, annotate=annotate, progress=not quiet, jobs=jobs, html=html)
    try:
        if len(plan.items) > 1 and (jobs or available_cores()) > 1:
            run_many(plan.items, show, **{**options, "jobs": jobs or available_cores()})
        else:
            for path, stem in plan.items:
                try:
                    show(path, run_one(path, stem, json_path=json_path, csv_path=csv_path, **options))
                except FormcheckError as exc:
                    show(path, exc)
    except KeyboardInterrupt:
        raise typer.Exit(signals.stop_code())
    except FormcheckError as exc:  # before any input was analysed (a bad profile)
        raise _fail(exc)
    if html and len(plan.items) > 1 and done:
        from formcheck.outputs.html import write_index_from_results

        in_order = [done[path] for path, _ in plan.items if path in done]
        typer.echo(f"Index: {write_index_from_results(in_order, out / 'index.html')}")
    raise typer.Exit(next((codes[path] for path, _ in plan.items if path in codes), 0))


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
app.command("worker")(worker)
app.command("submit")(submit)
app.command("compare")(compare)


def _one_line(text: str) -> str:
    text = " ".join(line.strip() for line in str(text).splitlines() if line.strip())
    return text.replace("Value error, ", "")  # typer's wording for an enum choice


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - console entry
    """The ``formcheck`` command: one line and a code from the table for every way it can end.

    Native libraries' log lines never reach the terminal; SIGTERM stops like Ctrl-C."""
    route_native_stderr()
    signals.install()
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.TyperException as exc:  # click's usage errors: a bad option is exit 5
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            return 0
        typer.echo(f"formcheck: error: {_one_line(exc.format_message())}", err=True)
        return ConfigError.exit_code
    except (KeyboardInterrupt, typer.Abort):
        code = EXIT_INTERRUPTED
    except FormcheckError as exc:
        typer.echo(f"formcheck: error: {_one_line(exc)}", err=True)
        return exc.exit_code
    except MemoryError:
        typer.echo("formcheck: error: out of memory", err=True)
        return 1
    except Exception as exc:  # a bug: still one line, never a traceback
        typer.echo(f"formcheck: internal error: {exc.__class__.__name__}: {_one_line(exc)}", err=True)
        return 1
    code = int(code or 0)
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        typer.echo(signals.stop_message(), err=True)
        return signals.stop_code()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
