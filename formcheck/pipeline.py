"""From a file to outputs: landmarks (cached), the SetReport, JSON/CSV/plot and annotated video.

Every output is written under a temporary name and renamed when complete, so an interrupted or
failed run never leaves a file that looks finished.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from formcheck.core.analyzer import analyze_series, initial_profile
from formcheck.core.errors import FormcheckError, InputError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.profile import Profile
from formcheck.core.report import SetReport
from formcheck.outputs.places import not_a_file

VIDEO_EXTS = (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")
LANDMARK_EXTS = (".npz",)
CACHE_SUFFIX = ".landmarks.npz"
POSE_PASS = "seams-1"  # in the cache key: landmarks cached by an older pose pass are made again


@dataclass
class AnalysisResult:
    report: SetReport
    series: LandmarkSeries
    outputs: dict[str, Path] = field(default_factory=dict)
    thumbnail: str = ""  # a small picture of the set (data URI) for an index page; "" if none
    page_images: Any = None  # the page's PageImages (keyframes), for an app that embeds the report


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
    names = (".json", ".csv", ".angles.png", ".html", ".annotated.mp4", ".annotated.webm")
    return [Path(out_dir) / f"{stem}{suffix}" for suffix in names]


def _file_key(path: Path, model: Path | None) -> str:
    st = path.stat()
    h = hashlib.sha256(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{model or 'bundled'}|{POSE_PASS}".encode())
    return h.hexdigest()[:16]


def _cached(cache: Path | None, key: str) -> LandmarkSeries | None:
    if cache is None or not cache.is_file():
        return None
    try:
        cached = LandmarkSeries.load_npz(cache)
    except InputError:
        return None  # a damaged cache is simply rebuilt
    return cached if cached.meta.get("cache_key") == key else None


def _keep(series: LandmarkSeries, key: str, cache: Path | None) -> LandmarkSeries:
    series.meta["cache_key"] = key
    if cache is not None:
        series.save_npz(cache)
    return series


ProgressFn = Callable[[int, int | None], None]


def landmarks_for_video(path: Path, *, model: Path | None, cache: Path | None,
                        progress: bool | ProgressFn, jobs: int | None = None, pool: Any = None) -> LandmarkSeries:
    """Run the pose model over a video, or load the cached landmarks of an unchanged video.

    ``jobs`` processes share the clip (default: the cores available); the landmarks are the same
    for any ``jobs`` (the landmarker restarts at seams fixed by the clip, see ``pose_pool``), and
    a clip without a seam (under 12 s) runs in this process. High frame rate clips are sampled
    at about 30 fps, with their own timestamps (see ``video.model_step``). ``pool``: an open
    ``WorkerPool`` of ``jobs`` workers to use (else one is opened for a split clip).
    """
    from formcheck.adapters.pose_pool import available_cores, plan_chunks
    from formcheck.adapters.video import model_step, open_video

    key = _file_key(path, model)
    cached = _cached(cache, key)
    if cached is not None:
        return cached
    jobs = available_cores() if jobs is None else max(1, int(jobs))
    with open_video(path) as video:
        chunks = plan_chunks(path, video.frame_count, jobs, video.fps, step=model_step(video.fps))
    if len(chunks) > 1:
        series = _extract_in_pool(path, jobs, model, progress, pool)
    else:
        series = _extract_here(chunks[0], model, progress)
    return _keep(series, key, cache)


def _extract_here(chunk, model: Path | None, progress: bool | ProgressFn) -> LandmarkSeries:  # noqa: ANN001
    """The whole clip in this process, through the same seams as a split run."""
    from formcheck.adapters.pose_pool import run_chunk, stitch

    bar = progress_bar(chunk.path.name, None) if progress is True else None
    on_frames = bar.update if bar else (progress if callable(progress) else None)
    try:
        return stitch([run_chunk(chunk, model, progress=on_frames)])
    finally:
        if bar:
            bar.close()


def _extract_in_pool(path: Path, jobs: int, model: Path | None, progress: bool | ProgressFn,
                     pool: Any = None) -> LandmarkSeries:
    """The clip in chunks; a progress function hears of the frames once, when all are in."""
    from formcheck.adapters.pose_pool import extract_parallel

    bar = progress_bar(f"{path.name} ({jobs} processes)", None) if progress is True else None
    try:
        result = extract_parallel([path], jobs, model=model, pool=pool)[path]
    finally:
        if bar:
            bar.close()
    if isinstance(result, FormcheckError):
        raise result
    if callable(progress):
        progress(len(result), result.meta.get("frames_expected"))
    return result


class progress_bar:
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
                 csv_path: Path | None = None, stem: str | None = None, jobs: int | None = None,
                 html: bool = True) -> AnalysisResult:
    """Analyse one video or landmark file and write its outputs into ``out_dir``.

    ``stem`` names the outputs (default: :func:`output_stem`); callers with several inputs
    of the same name pass unique stems. ``jobs``: processes for the pose model (default: the
    cores available; 1 = this process). ``html``: also write the set's page (``stem.html``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(not_a_file(path))
    # A bad profile is reported before the pose model runs; the one loaded here is the one used.
    profile = initial_profile(exercise, profile_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or output_stem(path)
    if path.suffix.lower() in LANDMARK_EXTS:
        series = LandmarkSeries.load_npz(path)
        return _report_and_outputs(path, series, exercise=exercise, side=side, out_dir=out_dir,
                                   profile_path=profile_path, annotate=annotate, json_path=json_path,
                                   csv_path=csv_path, stem=stem, jobs=jobs, profile=profile, html=html)
    if path.suffix.lower() not in VIDEO_EXTS:
        raise InputError(f"{path.name}: not a video ({', '.join(VIDEO_EXTS)}) or .npz landmark file")
    import contextlib

    from formcheck.adapters.pose_pool import WorkerPool, available_cores

    jobs = available_cores() if jobs is None else max(1, int(jobs))
    # One pool for the pose pass and the annotated video: its workers start once (~1 s each),
    # and only when a split clip or a long video needs them.
    with WorkerPool(jobs) if jobs > 1 else contextlib.nullcontext() as pool:
        cache = out_dir / f"{stem}{CACHE_SUFFIX}" if use_cache else None
        series = landmarks_for_video(path, model=model, cache=cache, progress=progress, jobs=jobs, pool=pool)
        return _report_and_outputs(path, series, exercise=exercise, side=side, out_dir=out_dir,
                                   profile_path=profile_path, annotate=annotate, json_path=json_path,
                                   csv_path=csv_path, stem=stem, jobs=jobs, profile=profile, html=html,
                                   pool=pool)


def analyze_paths(paths: list[Path], on_result: Callable[[Path, "AnalysisResult | FormcheckError"], None],
                  *, jobs: int | None = None, model: Path | None = None, use_cache: bool = True,
                  stems: dict[Path, str] | None = None, **options: Any) -> None:
    """Analyse several inputs, ``jobs`` pose processes at a time (default: the cores available).

    Whole clips go to the workers (the last ones are split, see ``pose_pool.extract_parallel``);
    each clip's report and outputs are made here as soon as its landmarks are in, while the
    workers go on with the others. ``on_result(path, result_or_error)`` is called once per input,
    in the order they complete; a file that cannot be read or written is that input's error,
    never the end of the others. ``stems``: output names (default :func:`output_stem`).
    ``options``: the keywords of ``analyze_path`` (``out_dir`` required). A bad profile raises
    before any work.
    """
    from formcheck.adapters.pose_pool import Task, available_cores, extract_parallel
    from formcheck.outputs.places import os_error_of

    jobs = available_cores() if jobs is None else max(1, int(jobs))
    paths = [Path(p) for p in paths]
    names = {p: (stems or {}).get(p) or output_stem(p) for p in paths}
    out_dir = Path(options.pop("out_dir"))

    def deliver(path: Path, work: Callable[[], AnalysisResult]) -> None:
        try:
            result: AnalysisResult | FormcheckError = work()
        except FormcheckError as exc:
            result = exc
        except OSError as exc:
            result = os_error_of(exc, path, out_dir)
        on_result(path, result)

    def whole(path: Path, path_jobs: int) -> None:
        deliver(path, lambda: analyze_path(path, model=model, use_cache=use_cache, jobs=path_jobs,
                                           out_dir=out_dir, stem=names[path], **options))

    if len(paths) == 1 or jobs == 1:  # one clip: split in time (or kept whole when short)
        for path in paths:
            whole(path, jobs)
        return
    options.pop("progress", None)  # the pool's clips report as they complete
    profile = initial_profile(options.get("exercise", "auto"), options.get("profile_path"))
    annotate = options.pop("annotate", True)
    keys: dict[Path, str] = {}
    caches: dict[Path, Path | None] = {}
    to_extract: list[Path] = []
    drawn: list[Task] = []  # the videos of clips whose landmarks were cached

    def finish(path: Path, series: "LandmarkSeries | FormcheckError") -> "list[Task] | None":
        """The report here; the annotated video as a task in the pool; the other files when it is in."""
        try:
            if isinstance(series, FormcheckError):
                raise series
            kept = series if path not in keys else _keep(series, keys[path], caches[path])
            kept, report = _report_of(path, kept, profile=profile, **options)
            video = _video_task(path, kept, report, out_dir, names[path]) if annotate else None
        except (FormcheckError, OSError) as exc:
            deliver(path, lambda: _raise(exc))
            return None

        def outputs(video_path: "Path | None") -> AnalysisResult:
            return _write_outputs(path, kept, report, out_dir=out_dir, stem=names[path], video=video_path,
                                  annotate=annotate, **options)
        if video is None:
            deliver(path, lambda: outputs(None))
            return None
        fn, args, target = video
        return [Task(fn, args, lambda res: deliver(path, lambda: outputs(
            _raise(res) if isinstance(res, FormcheckError) else target)))]

    for path in paths:
        if path.suffix.lower() not in VIDEO_EXTS or not path.is_file():
            whole(path, 1)
            continue
        key = _file_key(path, model)
        caches[path] = out_dir / f"{names[path]}{CACHE_SUFFIX}" if use_cache else None
        cached = _cached(caches[path], key)
        if cached is not None:
            drawn.extend(finish(path, cached) or [])
        else:
            keys[path] = key
            to_extract.append(path)
    if to_extract or drawn:
        extract_parallel(to_extract, jobs, model=model, on_done=finish, first=drawn)


def _raise(exc: BaseException) -> Any:
    raise exc


def _report_of(path: Path, series: LandmarkSeries, *, exercise: str = "auto", side: str = "auto",
               profile_path: Path | None = None, profile: "Profile | None" = None,
               **_: Any) -> tuple[LandmarkSeries, SetReport]:
    """The series (named after its file) and its SetReport."""
    if not series.source:
        series = LandmarkSeries(series.t_s, series.image, series.image_size, series.world, path.name, series.meta)
    report = analyze_series(series, exercise=exercise, side=side,
                            profile_path=str(profile_path) if profile_path else None, profile=profile)
    return series, _hip_level(path, series, report)


def _hip_level(path: Path, series: LandmarkSeries, report: SetReport) -> SetReport:
    """Hip level judged from the waistband in the video's top frames, where the profile says the
    view can (from the feet, two-leg reps: ``core/hip_level.py``); a landmark file has no picture,
    so its report keeps saying why hip level was not judged."""
    from formcheck.core.hip_level import frames_to_read, judge_waistband, judged_by_waistband
    from formcheck.core.vocab import FaultCode

    if path.suffix.lower() not in VIDEO_EXTS or not judged_by_waistband(report):
        return report
    from formcheck.adapters.frames import each_frame
    from formcheck.adapters.hip_image import waistband_tilt_deg

    wanted = sorted({f for frames in frames_to_read(report).values() for f in frames})
    min_torso_sw = report.exercise_profile.fault(FaultCode.UNLEVEL_HIPS).waistband_min_torso_sw
    pixels = series.pixels
    readings: dict[int, float | None] = {}
    for frame, bgr in each_frame(path, wanted, series.t_s):  # one full frame held at a time
        if bgr.shape[:2] == (series.image_size[1], series.image_size[0]):
            readings[frame] = waistband_tilt_deg(bgr, pixels[frame], min_torso_sw=min_torso_sw)
    return judge_waistband(report, readings)


def _video_task(path: Path, series: LandmarkSeries, report: SetReport, out_dir: Path,
                stem: str) -> tuple[Callable[..., Any], tuple, Path] | None:
    """A folder clip's annotated video as one pool task (``draw_clip``): (function, arguments,
    the file it writes); None for a landmark file."""
    if path.suffix.lower() not in VIDEO_EXTS:
        return None
    from formcheck.adapters.video import open_video
    from formcheck.outputs.annotated_parallel import draw_clip
    from formcheck.outputs.annotated_video import annotated_suffix, check_frame_size

    with open_video(path) as video:
        check_frame_size(path, (video.width, video.height), series)
    target = out_dir / f"{stem}.annotated{annotated_suffix()}"
    return draw_clip, (path, series, report, target), target


def _report_and_outputs(path: Path, series: LandmarkSeries, *, exercise: str = "auto", side: str = "auto",
                        out_dir: Path, profile_path: Path | None = None, annotate: bool = True,
                        json_path: Path | None = None, csv_path: Path | None = None,
                        progress: bool | ProgressFn = False, stem: str | None = None,
                        jobs: int | None = 1, profile: "Profile | None" = None, html: bool = True,
                        pool: Any = None) -> AnalysisResult:
    """The SetReport of a series and its files (video, plot, CSV, JSON, page) in ``out_dir``.

    The annotated video is drawn in ``jobs`` processes (default here: this one).
    ``profile``: already loaded (else loaded here).
    """
    del progress  # the pose pass is over
    series, report = _report_of(path, series, exercise=exercise, side=side, profile_path=profile_path,
                                profile=profile)
    return _write_outputs(path, series, report, out_dir=out_dir, annotate=annotate, json_path=json_path,
                          csv_path=csv_path, stem=stem, jobs=jobs, html=html, pool=pool)


def _write_outputs(path: Path, series: LandmarkSeries, report: SetReport, *, out_dir: Path, annotate: bool = True,
                   json_path: Path | None = None, csv_path: Path | None = None, stem: str | None = None,
                   jobs: int | None = 1, html: bool = True, video: Path | None = None, pool: Any = None,
                   **_: Any) -> AnalysisResult:
    """A report's files in ``out_dir``; ``video``: its annotated video, already drawn (else drawn
    here when ``annotate``, in ``jobs`` processes: ``pool``'s if open)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or output_stem(path)
    is_video = path.suffix.lower() in VIDEO_EXTS
    # The slowest, likeliest-to-fail output first and the JSON report last: a run that stops
    # part-way never leaves a report beside a missing video. Each file is written atomically.
    outputs: dict[str, Path] = {}
    if video is not None:
        outputs["video"] = video
    elif annotate and is_video:
        from formcheck.adapters.pose_pool import available_cores
        from formcheck.outputs.annotated_parallel import write_annotated_parallel

        outputs["video"] = write_annotated_parallel(
            path, series, report, out_dir / f"{stem}.annotated.mp4",
            jobs=available_cores() if jobs is None else jobs, pool=pool)
    from formcheck.outputs.plots import plot_angles

    outputs["plot"] = plot_angles(report, out_dir / f"{stem}.angles.png", targets_deg=report.targets_deg())
    thumbnail, page_images = "", None
    if html:
        from formcheck.outputs.html import write_clip_html

        outputs["html"] = out_dir / f"{stem}.html"
        page_images = write_clip_html(report, series, outputs["html"], source_video=path if is_video else None,
                                      annotated_video=outputs.get("video"), targets_deg=report.targets_deg(),
                                      cue_s=report.cue_s)
        thumbnail = page_images.thumbnail
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
    return AnalysisResult(report, series, outputs, thumbnail, page_images)
