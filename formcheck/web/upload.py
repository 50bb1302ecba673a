"""Uploads streamed to storage: size limit while the bytes arrive, container sniffed from them.

The multipart body is parsed as it streams (python-multipart's push parser), so a 500 MB clip
never sits in memory or in a temp folder, an upload over the limit stops at the limit, and the
partial file is removed. The uploaded file name is kept only as a label, never as a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import AsyncIterator, Callable

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from formcheck.core.errors import InputError
from formcheck.web.errors import Forbidden, TooLarge, UnsupportedMedia
from formcheck.web.storage import PendingFile, Storage

SNIFF_BYTES = 64
MAX_FIELD_BYTES = 1024
NOT_A_VIDEO = "this file is not a video we can read (mp4, mov, webm, mkv or avi)"


def too_large_message(limit_bytes: int) -> str:
    return f"the file is larger than this server's limit of {limit_bytes // 2**20} MB"


def sniff_container(head: bytes) -> str | None:
    """The file suffix for a video container recognised from its first bytes, else None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return ".mov" if head[8:12] == b"qt  " else ".mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return ".mov"
    if head[:4] == b"\x1aE\xdf\xa3":
        return ".webm" if b"webm" in head[:SNIFF_BYTES] else ".mkv"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    return None


def display_name(filename: str) -> str:
    """The uploaded name as a label: its last part only, printable, at most 120 characters."""
    base = PureWindowsPath(PurePosixPath(filename).name).name
    clean = "".join(c for c in base if c.isprintable() and c not in '<>"\\/').strip(". ")
    return clean[:120] or "clip"


@dataclass
class Upload:
    """A committed upload: where it is stored, and the form's other fields."""

    key: str = ""
    filename: str = ""
    size_bytes: int = 0
    fields: dict[str, str] = field(default_factory=dict)


class _Receiver:
    """python-multipart callbacks: headers per part, the file part written as it streams."""

    def __init__(self, storage: Storage, limit_bytes: int, csrf_ok: Callable[[str | None], bool]) -> None:
        self.storage, self.limit_bytes, self.csrf_ok = storage, limit_bytes, csrf_ok
        self.result = Upload()
        self._headers: dict[str, str] = {}
        self._hname = self._hvalue = b""
        self._name = ""
        self._is_file = False
        self._head = bytearray()
        self._buf = bytearray()
        self.pending: PendingFile | None = None

    def callbacks(self) -> dict[str, Callable]:
        return {"on_part_begin": self._part_begin, "on_header_field": self._hfield,
                "on_header_value": self._hval, "on_header_end": self._hend,
                "on_headers_finished": self._headers_done, "on_part_data": self._data,
                "on_part_end": self._part_end}

    def _part_begin(self) -> None:
        self._headers, self._buf, self._head = {}, bytearray(), bytearray()

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._hname += data[start:end]

    def _hval(self, data: bytes, start: int, end: int) -> None:
        self._hvalue += data[start:end]

    def _hend(self) -> None:
        self._headers[self._hname.decode("latin-1").lower()] = self._hvalue.decode("utf-8", "replace")
        self._hname = self._hvalue = b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", ""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        self._is_file = b"filename" in params and self._name == "file"
        if self._is_file:
            if self.result.key or self.pending:
                raise InputError("send one file per upload")
            if not self.csrf_ok(self.result.fields.get("csrf_token")):
                raise Forbidden("the form's security token is missing or stale: reload the page")
            self.result.filename = display_name(params[b"filename"].decode("utf-8", "replace"))

    def _data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self._is_file:
            self._buf += chunk
            if len(self._buf) > MAX_FIELD_BYTES:
                raise InputError(f"form field {self._name!r} is too long")
            return
        self.result.size_bytes += len(chunk)
        if self.result.size_bytes > self.limit_bytes:
            raise TooLarge(too_large_message(self.limit_bytes))
        if self.pending is None:
            self._head += chunk
            if len(self._head) >= SNIFF_BYTES:
                self._open()
        else:
            self.pending.write(chunk)

    def _open(self) -> None:
        suffix = sniff_container(bytes(self._head))
        if suffix is None:
            raise UnsupportedMedia(NOT_A_VIDEO)
        self.result.key = self.storage.new_key("uploads", suffix)
        self.pending = self.storage.open_write(self.result.key)
        self.pending.write(bytes(self._head))

    def _part_end(self) -> None:
        if not self._is_file:
            self.result.fields[self._name] = self._buf.decode("utf-8", "replace")
        elif self.pending is None:
            if not self._head:
                raise InputError("the file is empty")
            self._open()
        self._is_file = False


async def receive_upload(content_type: str, body: AsyncIterator[bytes], storage: Storage, limit_bytes: int,
                         csrf_ok: Callable[[str | None], bool]) -> Upload:
    """Stream a multipart body into storage; on any failure nothing is left on disk."""
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise InputError("send the clip as multipart/form-data with a 'file' field")
    rx = _Receiver(storage, limit_bytes, csrf_ok)
    parser = MultipartParser(params[b"boundary"], rx.callbacks())
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
        if rx.pending is None:
            raise InputError("no file in the upload: choose a clip first")
        rx.pending.commit()
    except BaseException as exc:
        if rx.pending is not None:
            rx.pending.discard()
        if isinstance(exc, MultipartParseError):
            raise InputError("the upload is malformed: send it again") from None
        raise
    return rx.result
