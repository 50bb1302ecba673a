"""A folder of clips through the workers' queue (``formcheck submit``): the coach app's own jobs.

Each video becomes an upload in storage and a clip row owned by a batch account (or a named
athlete), then a delivery on the queue: exactly what the upload page does, so the same workers,
reapers and idempotent writes apply. The rows are the progress; nothing is tracked on the side.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from formcheck.core.atomic import atomic_write_text
from formcheck.core.errors import ConfigError, InputError
from formcheck.core.report import SetReport
from formcheck.outputs.html import write_index_html
from formcheck.outputs.html.index import IndexEntry
from formcheck.web.jobs import AppParts
from formcheck.web.models import Clip, User
from formcheck.web.review import THUMBNAIL_NAME
from formcheck.web.storage import read_text
from formcheck.web.upload import NOT_A_VIDEO, SNIFF_BYTES, sniff_container

BATCH_EMAIL = "batch@formcheck.invalid"
VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")
CHUNK_BYTES = 1 << 20


def batch_owner(parts: AppParts, email: str | None) -> str:
    """The owner of submitted clips: a named athlete, or the batch account (no password: no sign-in)."""
    with parts.db.session() as s:
        if email:
            user = s.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None or user.role != "athlete":
                raise ConfigError(f"no athlete with email {email}")
            return user.id
        user = s.scalar(select(User).where(User.email == BATCH_EMAIL))
        if user is None:
            user = User(email=BATCH_EMAIL, role="athlete", password_hash="!no-sign-in")
            s.add(user)
            s.commit()
        return user.id


def folder_videos(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    videos = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    if not videos:
        raise InputError(f"no videos ({', '.join(VIDEO_SUFFIXES)}) in {folder}")
    return videos


def _store(parts: AppParts, path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
        suffix = sniff_container(head)
        if suffix is None:
            raise InputError(f"{path.name}: {NOT_A_VIDEO}")
        key = parts.storage.new_key("uploads", suffix)
        pending = parts.storage.open_write(key)
        try:
            pending.write(head)
            while chunk := fh.read(CHUNK_BYTES):
                pending.write(chunk)
            pending.commit()
        except BaseException:
            pending.discard()
            raise
    return key


def submit_videos(parts: AppParts, videos: list[Path], owner_id: str, exercise: str = "auto",
                  side: str = "auto") -> list[str]:
    """Store each video, commit its row, then deliver it: the row exists before any worker sees it."""
    ids = []
    for path in videos:
        key = _store(parts, path)
        with parts.db.session() as s:
            clip = Clip(owner_id=owner_id, original_name=path.name, upload_key=key, exercise=exercise, side=side)
            s.add(clip)
            s.commit()
            ids.append(clip.id)
        parts.queue.enqueue(clip.id)
    return ids


@dataclass
class Row:
    """One clip's state, as the summary table and the index page show it."""

    clip_id: str
    name: str
    status: str
    progress: int
    reps: int | None
    flags: int | None
    error: str | None
    report: dict | None
    video_key: str | None
    upload_key: str


def _row(clip: Clip) -> Row:
    report = json.loads(clip.report_json) if clip.report_json else None
    flags = sum(len(r.get("faults", [])) for r in report["reps"]) if report else None
    return Row(clip.id, clip.original_name, clip.status, clip.progress,
               report["rep_count"] if report else None, flags, clip.error, report, clip.video_key,
               clip.upload_key)


def read_rows(parts: AppParts, ids: list[str]) -> list[Row]:
    with parts.db.session() as s:
        clips = {c.id: c for c in s.scalars(select(Clip).where(Clip.id.in_(ids)))}
    return [_row(clips[i]) for i in ids if i in clips]


def counts(rows: list[Row]) -> dict[str, int]:
    out = {"queued": 0, "running": 0, "done": 0, "failed": 0}
    for r in rows:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def summary_table(rows: list[Row]) -> str:
    """A fixed-width text table: clip, status, reps, flags, and the reason of a failure."""
    width = max([len("clip"), *(len(r.name) for r in rows)])
    lines = [f"{'clip':<{width}}  {'status':<7}  {'reps':>4}  {'flags':>5}  note",
             f"{'-' * width}  -------  ----  -----  ----"]
    for r in rows:
        reps = "-" if r.reps is None else str(r.reps)
        flags = "-" if r.flags is None else str(r.flags)
        lines.append(f"{r.name:<{width}}  {r.status:<7}  {reps:>4}  {flags:>5}  {r.error or ''}".rstrip())
    return "\n".join(lines)


def write_results(parts: AppParts, rows: list[Row], out_dir: Path) -> Path:
    """The HTML report's index of the batch, each clip's page and annotated video beside it
    (copied out of storage: the folder works offline, with no link that expires) and its
    JSON report; a clip without a report is listed with its reason. Returns the index path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries, missing, used = [], [], set()
    for r in rows:
        if r.report is None:
            missing.append((r.name, (r.error or f"not finished ({r.status})").removeprefix(f"{r.name}: ")))
            continue
        stem = _unique_stem(re.sub(r"[^\w.-]+", "_", Path(r.name).stem).strip("._") or "clip", used)
        atomic_write_text(out_dir / f"{stem}.json", json.dumps(r.report, indent=2) + "\n")
        page = _export_page(parts, r, stem, out_dir)
        entries.append(IndexEntry(SetReport.from_dict(r.report), page or f"{stem}.json",
                                  _stored_text(parts, r, THUMBNAIL_NAME)))
    return write_index_html(entries, out_dir / "index.html", missing=missing)


def _unique_stem(stem: str, used: set[str]) -> str:
    """``a.mp4`` and ``a.mov`` in one folder: the second's outputs are ``a-2.*``."""
    name, n = stem, 1
    while name in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name)
    return name


def _job_key(r: Row, name: str) -> str:
    return f"out/{r.clip_id}/{name}"


def _stored_text(parts: AppParts, r: Row, name: str) -> str:
    return read_text(parts.storage, _job_key(r, name)) or ""


def _export_page(parts: AppParts, r: Row, stem: str, out_dir: Path) -> str | None:
    """The worker's page for the clip, renamed after the athlete's file, with its video: the
    page's file name, or None when the job stored no page (a set analysed before pages)."""
    stored = Path(r.upload_key).stem  # the job's outputs are named after the random upload name
    text = _stored_text(parts, r, f"{stored}.html")
    if not text:
        return None
    if r.video_key:
        video_name = f"{stem}{Path(r.video_key).name.removeprefix(stored)}"
        try:
            shutil.copyfile(parts.storage.local_path(r.video_key), out_dir / video_name)
        finally:
            parts.storage.release(r.video_key)
    # The page names the stored file (source, warnings, the video's src): show the athlete's own.
    text = text.replace(Path(r.upload_key).name, html.escape(r.name)).replace(stored, html.escape(stem))
    atomic_write_text(out_dir / f"{stem}.html", text)
    return f"{stem}.html"
