"""A folder of clips through the workers' queue (``formcheck submit``): the coach app's own jobs.

Each video becomes an upload in storage and a clip row owned by a batch account (or a named
athlete), then a delivery on the queue: exactly what the upload page does, so the same workers,
reapers and idempotent writes apply. The rows are the progress; nothing is tracked on the side.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from formcheck.core.errors import ConfigError, InputError
from formcheck.web.jobs import AppParts
from formcheck.web.models import Clip, User
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


def _row(clip: Clip) -> Row:
    report = json.loads(clip.report_json) if clip.report_json else None
    flags = sum(len(r.get("faults", [])) for r in report["reps"]) if report else None
    return Row(clip.id, clip.original_name, clip.status, clip.progress,
               report["rep_count"] if report else None, flags, clip.error, report, clip.video_key)


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
    """Each report as JSON beside a simple index page linking them (and the videos); the index path.

    A plain page: the HTML report (issue 11) was not on main when this was written; when it lands,
    its index replaces ``_index_html``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for r in rows:
        if r.report is not None:
            (out_dir / f"{r.clip_id}.json").write_text(json.dumps(r.report, indent=2) + "\n")
    index = out_dir / "index.html"
    tmp = index.with_name(".index.html.part")
    tmp.write_text(_index_html(parts, rows))
    tmp.replace(index)
    return index


def _video_link(parts: AppParts, key: str | None) -> str:
    if not key:
        return ""
    signed = parts.storage.presigned_url(key)
    href = signed or parts.storage.local_path(key).as_uri()
    return f'<a href="{html.escape(href)}">video</a>'


def _index_html(parts: AppParts, rows: list[Row]) -> str:
    """One row per clip; its links and any failure reason sit under its name (fits a phone)."""
    body = []
    for r in rows:
        links = [f'<a href="{r.clip_id}.json">report</a>'] if r.report is not None else []
        links += [_video_link(parts, r.video_key)] if r.video_key else []
        under = " ".join(links) + (f'<div class="err">{html.escape(r.error)}</div>' if r.error else "")
        cells = [f'<td class="wrap">{html.escape(r.name)}<div class="sub">{under}</div></td>',
                 f"<td>{r.status}</td>", f'<td class="n">{"" if r.reps is None else r.reps}</td>',
                 f'<td class="n">{"" if r.flags is None else r.flags}</td>']
        body.append("<tr>" + "".join(cells) + "</tr>")
    c = counts(rows)
    return ("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>"
            "<title>formcheck batch</title>"
            "<style>body{font:15px system-ui,sans-serif;margin:1.5rem;max-width:50rem}"
            "table{border-collapse:collapse;width:100%}td,th{padding:.4rem .5rem;border-bottom:1px solid #ddd;"
            "text-align:left;white-space:nowrap;vertical-align:top}.n{text-align:right}"
            ".wrap{white-space:normal;overflow-wrap:anywhere;width:100%}.sub{font-size:13px;margin-top:.2rem}"
            ".sub a+a{margin-left:.6rem}.err{color:#a11}</style>"
            f"<h1>formcheck batch</h1><p>{c['done']} done, {c['failed']} failed of {len(rows)} clips. "
            "Video links from an object store expire after a few minutes.</p>"
            "<table><tr><th>clip<th>status<th class=n>reps<th class=n>flags</tr>" + "".join(body) + "</table>\n")
