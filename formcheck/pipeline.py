"""From a file to outputs: landmarks (cached), the SetReport, JSON/CSV/plot and annotated video.

Every output is written under a temporary name and renamed when complete, so an interrupted or
failed run never leaves a file that looks finished.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from formcheck.core.analyzer import analyze_series, initial_profile
from formcheck.core.errors import InputError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import SetReport
from formcheck.outputs.places import not_a_file

VIDEO_EXTS = (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")
LANDMARK_EXTS = (".npz",)
CACHE_SUFFIX = ".landmarks.npz"


@dataclass
class AnalysisResult:
    report: SetReport
    series: LandmarkSeries
    outputs: dict[str, Path] = field(default_factory=dict)


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders become their videos (sorted). Missing paths fail up front."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in VIDEO_EXTS + LANDMARK_EXTS
                           and not q.name.endswith(CACHE_SUFFIX))
            if not found:
                raise InputError(f"no videos or .npz landmark files in folder {p}")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(not_a_file(p))
    return out


def output_stem(path: Path) -> str:
    """The name an input's outputs share: ``clip.mp4`` and ``clip.landmarks.npz`` -> ``clip``."""
    name = Path(path).name
    return name[: -len(CACHE_SUFFIX)] if name.endswith(CACHE_SUFFIX) else Path(path).stem


def output_files(out_dir: Path, stem: str) -> list[Path]:
    """Every file a run of ``stem`` may write into ``out_dir``, the JSON report first."""
    names = (".json", ".csv", ".angles.png", ".annotated.mp4", ".annotated.webm")
    return [Path(out_dir) / f"{stem}{suffix}" for suffix in names]


def _file_key(path: Path, model: Path | None) -> str:
    st = path.stat()
    h = hashlib.sha256(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{model or 'bundled'}".encode())
    return h.hexdigest()[:16]


ProgressFn = Callable[[int, int | None], None]


def landmarks_for_video(path: Path, *, model: Path | None, cache: Path | None,
                        progress: bool | ProgressFn) -> LandmarkSeries:
    """Run the pose model over a video, or load the cached landmarks of an unchanged video.

    ``progress``: True draws a terminal bar; a function is called with (frames done, total).
    """
    key = _file_key(path, model)
    if cache is not None and cache.is_file():
        try:
            cached = LandmarkSeries.load_npz(cache)
            if cached.meta.get("cache_key") == key:
                return cached
        except InputError:
            pass  # a damaged cache is simply rebuilt
    from formcheck.adapters.pose import PoseEstimator, extract_landmarks
    from formcheck.adapters.video import open_video

    with open_video(path) as video, PoseEstimator(model_path=model) as estimator:
        bar = _progress_bar(path.name, video.frame_count) if progress is True else None
        on_frames = bar.update if bar else (progress if callable(progress) else None)
        try:
            series = extract_landmarks(video, estimator, progress=on_frames)
        finally:
            if bar:
                bar.close()
    series.meta["cache_key"] = key
    if cache is not None:
        series.save_npz(cache)
    return series


class _progress_bar:
    """A small stderr progress bar (rich), closed explicitly."""

    def __init__(self, name: str, total: int | None) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._p = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TimeRemainingColumn(), transient=True)
        self._p.start()
        self._task = self._p.add_task(f"pose {name}", total=total or None)

    def update(self, done: int, total: int | None = None) -> None:
        self._p.update(self._task, completed=done, total=total or None)

    def close(self) -> None:
        self._p.stop()


def analyze_path(path: Path, *, exercise: str = "auto", side: str = "auto", out_dir: Path,
                 model: Path | None = None, profile_path: Path | None = None, use_cache: bool = True,
                 annotate: bool = True, progress: bool | ProgressFn = False, json_path: Path | None = None,
                 csv_path: Path | None = None, stem: str | None = None) -> AnalysisResult:
    """Analyse one video or landmark file and write its outputs into ``out_dir``.

    ``stem`` names the outputs (default: :func:`output_stem`); callers with several inputs
    of the same name pass unique stems."""
    path = Path(path)
    if not path.is_file():
        raise InputError(not_a_file(path))
    # A bad profile is reported before the pose model runs; the one loaded here is the one used.
    profile = initial_profile(exercise, profile_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or output_stem(path)
    is_video = path.suffix.lower() in VIDEO_EXTS
    if path.suffix.lower() in LANDMARK_EXTS:
        series = LandmarkSeries.load_npz(path)
    elif is_video:
        cache = out_dir / f"{stem}{CACHE_SUFFIX}" if use_cache else None
        series = landmarks_for_video(path, model=model, cache=cache, progress=progress)
    else:
        raise InputError(f"{path.name}: not a video ({', '.join(VIDEO_EXTS)}) or .npz landmark file")
    if not series.source:
        series = LandmarkSeries(series.t_s, series.image, series.image_size, series.world, path.name, series.meta)
    report = analyze_series(series, exercise=exercise, side=side,
                            profile_path=str(profile_path) if profile_path else None, profile=profile)
    # The slowest, likeliest-to-fail output first and the JSON report last: a run that stops
    # part-way never leaves a report beside a missing video. Each file is written atomically.
    outputs: dict[str, Path] = {}
    if annotate and is_video:
        from formcheck.outputs.annotated_video import write_annotated

        outputs["video"] = write_annotated(path, series, report, out_dir / f"{stem}.annotated.mp4")
    from formcheck.outputs.plots import plot_angles

    outputs["plot"] = plot_angles(report, out_dir / f"{stem}.angles.png", targets_deg=report.targets_deg())
    outputs["csv"] = out_dir / f"{stem}.csv"
    report.write_csv(outputs["csv"])
    if csv_path:
        report.write_csv(csv_path)
        outputs["csv_copy"] = Path(csv_path)
    outputs["json"] = out_dir / f"{stem}.json"
    report.write_json(outputs["json"])
    if json_path:
        report.write_json(json_path)
        outputs["json_copy"] = Path(json_path)
    return AnalysisResult(report, series, outputs)
