"""Two sets to one compare page: the library call behind ``formcheck compare``.

Each set is a video (or landmark file), analysed through :func:`pipeline.analyze_path` with its
landmark cache (so a second compare of the same clip does not run the pose model again), or a
JSON report an earlier ``analyze`` wrote, read with the per-frame CSV and the annotated video
beside it. The page and the videos it plays end up in one folder, so the page opens anywhere.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from formcheck.core.align import pair_reps
from formcheck.core.errors import ConfigError, InputError, OutputError
from formcheck.core.report import SetReport, read_json
from formcheck.outputs.html.compare import CompareSide, Keymark, relative_url, video_data_uri, write_compare_html
from formcheck.outputs.places import describe_write_error, not_a_file

__all__ = ["LoadedSet", "compare_paths", "load_set", "read_keymarks"]


@dataclass(frozen=True)
class LoadedSet:
    report: SetReport
    video: Path | None  # the annotated video, where it is
    keymarks: tuple[Keymark, ...] = ()
    stem: str = ""
    name: str = ""  # the input's file name, as the page shows it


def read_keymarks(items: object, where: str) -> tuple[Keymark, ...]:
    """A coach's keyframes, ``[{"t_s": 2.4, "title": "..."}, ...]``, checked; InputError if malformed."""
    if items is None:
        return ()
    try:
        return tuple(Keymark(float(k["t_s"]), str(k["title"])) for k in items)  # type: ignore[union-attr]
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{where}: keyframes must be a list of {{\"t_s\": seconds, \"title\": text}}") from None


def load_set(path: Path, out_dir: Path, stem: str, **analyze_options) -> LoadedSet:
    """A set from a video / landmark file (analysed into ``out_dir``) or from a JSON report."""
    from formcheck.pipeline import LANDMARK_EXTS, VIDEO_EXTS, analyze_path

    path = Path(path)
    if not path.is_file():
        raise InputError(not_a_file(path))
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            report = SetReport.read(path)
        except InputError as exc:
            raise InputError(str(exc) if path.name in str(exc) else f"{path.name}: {exc}") from None
        raw = read_json(path, "a formcheck report")
        video = path.with_name(f"{path.stem}.annotated.mp4")
        source = Path(report.source).name if report.source and ":" not in report.source else path.name
        return LoadedSet(report, video if video.is_file() else None,
                         read_keymarks(raw.get("keyframes"), path.name), path.stem, source)
    if suffix not in VIDEO_EXTS + LANDMARK_EXTS:
        raise InputError(f"{path.name}: not a video ({', '.join(VIDEO_EXTS)}), a .npz landmark file "
                         "or a formcheck JSON report")
    result = analyze_path(path, out_dir=out_dir, stem=stem, **analyze_options)
    return LoadedSet(result.report, result.outputs.get("video"), (), stem, path.name)


def _beside(video: Path | None, out_dir: Path, label: str) -> Path | None:
    """The video in the page's folder: itself when there already, else a link or a copy."""
    if video is None:
        return None
    if video.resolve().parent == out_dir.resolve():
        return video
    target = out_dir / f"{label.lower()}-{video.name}"
    try:
        if target.exists():
            target.unlink()
        try:
            os.link(video, target)
        except OSError:
            shutil.copyfile(video, target)
    except OSError as exc:
        raise OutputError(describe_write_error(exc, target)) from None
    return target


def _video_ref(video: Path | None, out_dir: Path, label: str, page: Path, one_file: bool) -> str | None:
    """How the page reaches a set's video: inside it (``one_file``) or a file beside it."""
    if one_file:
        return video_data_uri(video) if video is not None else None
    return relative_url(_beside(video, out_dir, label), page)


def compare_paths(path_a: Path, path_b: Path | None, out_dir: Path, *, sides: bool = False,
                  pick: tuple[int | None, int | None] = (None, None), keymarks_a: tuple[Keymark, ...] = (),
                  keymarks_b: tuple[Keymark, ...] = (), one_file: bool = False, **analyze_options) -> Path:
    """Write the compare page of A and B (or of A's left and right reps) into ``out_dir``.
    ``one_file``: the videos inside the page (one file to send), not beside it."""
    from formcheck.pipeline import output_stem

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem_a = output_stem(Path(path_a))
    stem_b = output_stem(Path(path_b)) if path_b is not None else stem_a
    if path_b is not None and stem_a == stem_b and Path(path_a).resolve() != Path(path_b).resolve():
        stem_a, stem_b = f"{stem_a}-a", f"{stem_b}-b"
    set_a = load_set(Path(path_a), out_dir, stem_a, **analyze_options)
    set_b = set_a if path_b is None else load_set(Path(path_b), out_dir, stem_b, **analyze_options)
    if set_a.report.exercise != set_b.report.exercise:
        raise InputError(f"A is a {_words(set_a.report.exercise)} set, B a {_words(set_b.report.exercise)} set: "
                         "compare two sets of one exercise")
    marks_a, marks_b = keymarks_a or set_a.keymarks, keymarks_b or set_b.keymarks
    if sides:
        reps_a = tuple(r for r in set_a.report.reps if r.side == "left")
        reps_b = tuple(r for r in set_a.report.reps if r.side == "right")
        if not reps_a or not reps_b:
            raise InputError(f"{Path(path_a).name}: --sides needs reps on both legs "
                             f"(left {len(reps_a)}, right {len(reps_b)})")
        page = out_dir / f"{set_a.stem}-left-vs-right.html"
        video = _video_ref(set_a.video, out_dir, "a", page, one_file)
        side_a = CompareSide(set_a.report, "L", video, reps_a, marks_a, set_a.name)
        side_b = CompareSide(set_a.report, "R", video, reps_b, (), set_a.name)
    else:
        page = out_dir / f"{set_a.stem}-vs-{set_b.stem}.html"
        side_a = CompareSide(set_a.report, "A", _video_ref(set_a.video, out_dir, "a", page, one_file), (), marks_a,
                             set_a.name)
        side_b = CompareSide(set_b.report, "B", _video_ref(set_b.video, out_dir, "b", page, one_file), (), marks_b,
                             set_b.name)
    chosen = _pick(side_a, side_b, pick, not sides)
    title = f"{set_a.name}: left leg against right" if sides else None
    return write_compare_html(side_a, side_b, page, same_side=not sides, pick=chosen, title=title)


def _words(code: str) -> str:
    return code.replace("-", " ").replace("_", " ")


def _pick(a: CompareSide, b: CompareSide, pick: tuple[int | None, int | None],
          same_side: bool) -> tuple[int, int] | None:
    """Both picks; a missing one is the rep the other is matched with by default (else its first)."""
    i, j = pick
    if i is None and j is None:
        return None
    ia = [r.index for r in a.rep_list()]
    ib = [r.index for r in b.rep_list()]
    for value, have, name in ((i, ia, "--rep-a"), (j, ib, "--rep-b")):
        if value is not None and value not in have:
            raise ConfigError(f"{name} {value}: that set's reps are {', '.join(map(str, have)) or 'none'}")
    default = pair_reps(a.rep_list(), b.rep_list(), same_side=same_side)
    if j is None:
        j = next((pb for pa, pb in default if pa == i), ib[0])
    if i is None:
        i = next((pa for pa, pb in default if pb == j), ia[0])
    return i, j
