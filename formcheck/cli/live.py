"""``formcheck live``: the live coaching window (a thin face over ``formcheck.live.session``).

Registered by the main CLI as ``app.command("live")(live)``; heavy imports (cv2, mediapipe)
happen inside the function so ``formcheck --help`` stays fast. Runs on its own too:
``python -m formcheck.cli live --source clip.mp4 --realtime``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from formcheck.cli.choices import ExerciseChoice as LiveExercise
from formcheck.cli.choices import SideChoice as LiveSide


def live(
    camera: int = typer.Option(0, "--camera", help="Webcam index (0 = the default camera)."),
    source: Optional[Path] = typer.Option(None, "--source", help="Play a video file instead of the camera."),
    realtime: bool = typer.Option(False, "--realtime",
                                  help="With --source: play at the file's real pace, dropping frames as a camera would."),
    exercise: LiveExercise = typer.Option(LiveExercise.auto, help="Exercise; auto recognises it."),
    side: LiveSide = typer.Option(LiveSide.auto, help="Working leg; auto finds the planted foot (key s switches)."),
    mirror: bool = typer.Option(False, "--mirror", help="Show the picture mirrored (like a mirror; analysis unchanged)."),
    record: Optional[Path] = typer.Option(None, "--record", help="Folder for the recording, landmarks (.npz) and JSON report."),
    mute: bool = typer.Option(False, "--mute", help="Start with speech off (key m toggles)."),
    model: Optional[Path] = typer.Option(None, help="Pose model .task (default: the bundled full model; a lite model is faster)."),
    profile: Optional[Path] = typer.Option(None, help="TOML file overriding the exercise profile's thresholds."),
) -> None:
    """Coach a set live from the webcam: skeleton, hip gauge, reps per side, spoken cues.

    Keys: q quit, space pause, r reset the set, s switch side, m mute. On quit the set summary is
    printed (and written to --record DIR).
    """
    from formcheck.core.errors import FormcheckError
    from formcheck.live.session import open_live
    from formcheck.outputs.summary import format_summary

    from formcheck.cli import signals
    from formcheck.outputs.places import check_output_dir

    try:
        if record is not None:
            check_output_dir(record, "--record")
        session = open_live(camera=camera, source=source, realtime=realtime, exercise=exercise.value,
                            side=side.value, mirror=mirror, record=record, mute=mute, model=model,
                            profile=profile)
    except FormcheckError as exc:
        typer.echo(f"formcheck: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    for note in session.notices:
        typer.echo(f"formcheck: note: {note}", err=True)
    shown = set(session.notices)
    try:
        outcome = session.run()
    finally:
        session.close()
    for note in outcome.notices:
        if note not in shown:
            typer.echo(f"formcheck: note: {note}", err=True)
    if outcome.report is not None:
        typer.echo(format_summary(outcome.report))
    st = outcome.stats
    lat = st.latency_summary()
    if st.frames_processed:
        typer.echo(f"Live: {st.fps_shown:.1f} fps shown, latency {lat['median']:.0f} ms median "
                   f"({lat['p90']:.0f} ms p90); {st.frames_processed} of {st.frames_captured} frames analysed")
    if outcome.outputs:
        kind = "Wrote (partial)" if outcome.partial else "Wrote"
        typer.echo(f"{kind}: " + ", ".join(str(p) for p in outcome.outputs.values()))
    if outcome.error is not None:
        typer.echo(f"formcheck: error: {outcome.error}", err=True)
        raise typer.Exit(outcome.error.exit_code)
    if outcome.interrupted:
        raise typer.Exit(signals.stop_code())  # the entry point prints "interrupted"/"terminated"
