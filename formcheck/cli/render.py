"""``formcheck render``: a synthetic clip of the hip-thrust family with its ground truth.

A thin face over :func:`formcheck.synth.render.render_clip`: parse the options into
``MotionParams``, ``Camera`` and ``RenderOptions`` (their own validation is the only copy of the
rules), render, and print what was written. Register it with ``app.command("render")(render)``.
"""

from __future__ import annotations

import shlex
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from formcheck.cli.choices import RenderExercise, RenderSide, RenderVariation, RenderView
from formcheck.core.errors import ConfigError, FormcheckError, OutputError
from formcheck.outputs.places import check_output_dir, describe_write_error, says_disk_full
from formcheck.core.vocab import Exercise, Variation


class RenderSetup(str, Enum):
    none = "none"
    lie_flat = "lie_flat"


class SecondPerson(str, Enum):
    none = "none"
    static = "static"
    moving = "moving"


_OVERRIDE_KEYS_FLOAT = ("peak_hip_deg", "bottom_hip_deg", "concentric_s", "hold_s", "eccentric_s",
                        "bottom_pause_s", "neck_top_deg", "neck_bottom_deg", "pelvic_drop_deg", "elbow_push",
                        "free_leg_hip_deg", "free_leg_knee_deg")


def _parse_overrides(items: list[str]) -> dict[int, dict]:
    """``["2:peak_hip_deg=150,eccentric_s=0.3", ...]`` -> ``{2: {...}}``."""
    out: dict[int, dict] = {}
    for item in items:
        rep, sep, body = item.partition(":")
        if not sep or not rep.strip().isdigit() or not body.strip():
            raise ConfigError(f"--rep-override {item!r}: expected REP:KEY=VALUE[,KEY=VALUE...], e.g. 2:peak_hip_deg=150")
        d = out.setdefault(int(rep), {})
        for kv in body.split(","):
            key, eq, val = kv.partition("=")
            key = key.strip()
            if not eq:
                raise ConfigError(f"--rep-override {item!r}: {kv!r} is not KEY=VALUE")
            if key == "free_foot_touch":
                if val.strip().lower() not in ("true", "false", "1", "0"):
                    raise ConfigError(f"--rep-override {item!r}: free_foot_touch must be true or false")
                d[key] = val.strip().lower() in ("true", "1")
            elif key in _OVERRIDE_KEYS_FLOAT:
                try:
                    d[key] = float(val)
                except ValueError:
                    raise ConfigError(f"--rep-override {item!r}: {key} must be a number, got {val!r}") from None
            else:
                raise ConfigError(f"--rep-override {item!r}: unknown key {key!r}; allowed: "
                                  f"{', '.join(_OVERRIDE_KEYS_FLOAT + ('free_foot_touch',))}")
    return out


def _canonical_command(ctx: typer.Context | None) -> str | None:
    """``formcheck render`` with every option that differs from its default: re-running it
    reproduces the clip (recorded in the truth JSON)."""
    if ctx is None or getattr(ctx, "command", None) is None:
        return None
    parts = ["formcheck", "render"]
    for param in ctx.command.params:
        if not getattr(param, "opts", None) or param.name not in ctx.params:
            continue
        value, default = ctx.params[param.name], param.default
        if isinstance(value, Enum):
            value = value.value
        if isinstance(default, Enum):
            default = default.value
        if isinstance(value, (list, tuple)):
            if list(value) == list(default or []):
                continue
            for v in value:
                parts += [param.opts[0], shlex.quote(str(v))]
            continue
        if value == default:
            continue
        if getattr(param, "is_flag", False):
            if getattr(param, "secondary_opts", None) and not value:
                parts.append(param.secondary_opts[0])
            else:
                parts.append(param.opts[0])
            continue
        parts += [param.opts[0], shlex.quote(str(value))]
    return " ".join(parts)


def render(
    ctx: typer.Context,
    out: Path = typer.Option(Path("formcheck-render"), help="Output folder (created if missing)."),
    name: Optional[str] = typer.Option(None, help="File name stem (default: from exercise, side and view)."),
    exercise: RenderExercise = typer.Option(RenderExercise.single_leg_hip_thrust, help="Exercise."),
    variation: RenderVariation = typer.Option(RenderVariation.default,
                                              help="single-leg, two-leg or two-up-one-down (default: the exercise's)."),
    side: RenderSide = typer.Option(RenderSide.left, help="Working leg."),
    reps: int = typer.Option(3, help="Number of reps."),
    switch_side_after: Optional[int] = typer.Option(None, help="Switch the working leg after this many reps."),
    view: RenderView = typer.Option(RenderView.side_left, help="Camera view (side_left: head on the image's left)."),
    yaw: Optional[float] = typer.Option(None, help="Oblique only: camera azimuth in degrees (90 = side_left, 0 = front)."),
    yaw_offset: float = typer.Option(0.0, help="Small misalignment added to any view, degrees."),
    height: Optional[float] = typer.Option(None, help="Camera height above the floor, metres (default: per view)."),
    distance: Optional[float] = typer.Option(None, help="Camera distance, metres (default: fit the body in frame)."),
    fov: float = typer.Option(60.0, help="Horizontal field of view, degrees."),
    width: int = typer.Option(640, help="Frame width, pixels."),
    height_px: int = typer.Option(480, help="Frame height, pixels."),
    fps: float = typer.Option(30.0, help="Frames per second."),
    duration: Optional[float] = typer.Option(None, help="Clip length in seconds (default: the whole set)."),
    seed: int = typer.Option(0, help="Seed: noise, outfit and floor texture (same seed, same pixels)."),
    peak_hip: float = typer.Option(180.0, help="Hip extension at the top, deg (<165 incomplete, >200 arched)."),
    bottom_hip: Optional[float] = typer.Option(None, help="Hip angle at the bottom, deg (default: from the geometry)."),
    knee_top: Optional[float] = typer.Option(None, help="Working knee at the top, deg (foot placement; bench ~90)."),
    neck_top: Optional[float] = typer.Option(None, help="Neck at the top, deg (+ flexion, - head dropped back)."),
    pelvic_drop: float = typer.Option(0.0, help="Free-side hip drop at the top, deg (unlevel hips > 7)."),
    elbow_push: float = typer.Option(0.0, help="0 arms flat .. 1 elbows bent and pushing."),
    free_leg_hip: float = typer.Option(90.0, help="Free-leg hip angle, deg (60-120 is fine)."),
    free_foot_touch: bool = typer.Option(False, "--free-foot-touch", help="The free foot touches down mid-descent."),
    hold: float = typer.Option(1.0, help="Hold at the top, seconds."),
    eccentric: float = typer.Option(1.5, help="Descent, seconds."),
    concentric: float = typer.Option(1.0, help="Rise, seconds."),
    bottom_pause: float = typer.Option(0.5, help="Pause at the bottom between reps, seconds."),
    bench_depth: float = typer.Option(0.40, help="Bench (or box) depth from the edge under the shoulders, metres; "
                                      "a narrow box (~0.14) lets a dropped head hang past it."),
    rep_override: List[str] = typer.Option([], help="Per-rep change, REP:KEY=VALUE[,KEY=VALUE], e.g. 2:peak_hip_deg=150. Repeatable."),
    setup: RenderSetup = typer.Option(RenderSetup.none, help="lie_flat: lie with straight legs first (not a rep)."),
    start_at_top: bool = typer.Option(False, "--start-at-top", help="The clip opens at the top of rep 1."),
    noise: float = typer.Option(0.0, help="Sensor noise, sd in grey levels."),
    blur: float = typer.Option(0.0, help="Gaussian blur sigma, pixels."),
    lighting: float = typer.Option(0.0, help="Slow lighting change amplitude (fraction of brightness)."),
    second_person: SecondPerson = typer.Option(SecondPerson.none, help="A bystander in the background."),
    outfit: Optional[int] = typer.Option(None, help="Outfit index (default: chosen by the seed)."),
    supersample: int = typer.Option(1, help="Anti-aliasing: rays per pixel per axis (1-4)."),
    plate: bool = typer.Option(False, "--plate", help="A loaded barbell across the hips (plates hide them side-on)."),
    landmarks: bool = typer.Option(True, "--landmarks/--no-landmarks", help="Also write the true landmarks (.npz)."),
) -> None:
    """Render a synthetic set (video + ground-truth JSON + true landmarks) for testing the analysis."""
    try:
        from formcheck.synth.camera import Camera
        from formcheck.synth.motion import MotionParams
        from formcheck.synth.render import RenderOptions, render_clip

        if yaw is not None and view != RenderView.oblique:
            raise ConfigError("--yaw needs --view oblique (use --yaw-offset to turn a named view a little)")
        ex = Exercise(exercise.value).ident
        var = None if variation == RenderVariation.default else Variation(variation.name).value
        try:
            params = MotionParams(
                exercise=ex, variation=var, working_side=side.value, reps=reps, switch_side_after=switch_side_after,
                concentric_s=concentric, hold_s=hold, eccentric_s=eccentric, bottom_pause_s=bottom_pause,
                peak_hip_deg=peak_hip, bottom_hip_deg=bottom_hip, knee_top_deg=knee_top, neck_top_deg=neck_top,
                pelvic_drop_deg=pelvic_drop, elbow_push=elbow_push, free_leg_hip_deg=free_leg_hip,
                free_foot_touch=free_foot_touch, setup=None if setup == RenderSetup.none else setup.value,
                start_at_top=start_at_top, rep_overrides=_parse_overrides(rep_override), bench_depth_m=bench_depth,
                seed=seed,
            )
            camera = Camera(view=view.value, yaw_deg=yaw, yaw_offset_deg=yaw_offset, height_m=height,
                            distance_m=distance, fov_deg=fov, width=width, height=height_px)
            options = RenderOptions(noise=noise, blur=blur, lighting=lighting,
                                    second_person=None if second_person == SecondPerson.none else second_person.value,
                                    outfit=outfit, supersample=supersample, plate=plate, seed=seed)
            if not (0 < fps <= 240):
                raise ValueError(f"fps must be in (0, 240], got {fps}")
            if duration is not None and not (0 < duration <= 600):
                raise ValueError(f"duration must be in (0, 600] seconds, got {duration}")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        stem = name or f"{exercise.value}_{side.value}_{view.value}"
        if not stem or "/" in stem or stem.startswith("."):
            raise ConfigError(f"--name must be a plain file name stem, got {stem!r}")
        command = _canonical_command(ctx)
        check_output_dir(out, "--out")
        try:
            clip = render_clip(params, camera, out, stem, fps=fps, duration_s=duration, options=options,
                               save_landmarks=landmarks, command=command)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        except OSError as exc:
            raise OutputError(describe_write_error(exc)) from None
    except FormcheckError as exc:
        code = OutputError.exit_code if says_disk_full(exc) else exc.exit_code
        typer.echo(f"formcheck: error: {exc}", err=True)
        raise typer.Exit(code)
    m = clip.motion
    faults = sorted({f"{f.code} (rep {f.rep})" for f in m.injected_faults if f.severity == "fault"})
    typer.echo(f"{clip.video.name}: {len(m)} frames, {m.t_s[-1] + 1 / m.fps:.1f} s, {m.rep_count} reps, "
               f"view {clip.camera.view} (azimuth {clip.camera.azimuth_deg:.0f} deg), rendered in {clip.seconds:.1f} s")
    typer.echo("Injected faults: " + (", ".join(faults) if faults else "none"))
    written = [clip.video, clip.truth] + ([clip.landmarks] if clip.landmarks else [])
    typer.echo("Wrote: " + ", ".join(str(p) for p in written))


__all__ = ["render"]
