"""Uploads: raw files streamed to ``{home}/uploads/<org>/<id>/`` in chunks, never whole in memory.

``POST /api/v1/uploads`` takes ``multipart/form-data`` (one file field) or a raw body
(``application/octet-stream`` with ``?filename=``). The size limit (``max_upload_bytes``) is
enforced while streaming (413, and the partial file is removed), the SHA-256 is computed on the
way, the kind is sniffed from the bytes, and zip archives are checked (``uploadcheck``) and
unpacked. An organisation sees only its own uploads; another's id answers 404.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.api.uploadcheck import EXTENSION, HEAD_BYTES, ZipLimits, check_zip, extract_zip, sniff
from mfgdata.catalog.errors import NotFound
from mfgdata.db.tables import Upload, User
from mfgdata.errors import InputError
from mfgdata.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["uploads / 업로드"])

KEEP_EXT = {
    "csv": (".csv", ".tsv", ".txt", ".tab"),
    "xlsx": (".xlsx", ".xlsm"),
    "jsonl": (".jsonl", ".ndjson"),
}
FILES_DIR = "files"


class UploadTooLarge(InputError):
    code = "upload_too_large"
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"업로드 파일이 너무 큽니다 (한도 {limit} 바이트)",
            f"the upload is too large (limit {limit} bytes)",
        )


class UploadOut(BaseModel):
    id: int
    filename: str
    kind: str
    bytes: int
    sha256: str
    files: list[str]
    created: datetime


def sanitise_filename(name: str) -> str:
    """A safe base name: no folders, control or reserved characters; Korean kept; ≤ 120 chars."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[:110]}.{ext}" if stem else f"upload.{ext}"
    return name[:120] or "upload"


def uploads_root(settings: Settings) -> Path:
    return settings.home / "uploads"


class _Sink:
    """Receives file bytes: writes, hashes and counts them, failing past the limit."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit = path, limit
        self.fh = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise UploadTooLarge(self.limit)
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        self.digest.update(data)
        self.fh.write(data)


class _Multipart:
    """Streams one file field of a multipart body into a sink (python-multipart callbacks)."""

    def __init__(self, boundary: bytes, sink: _Sink) -> None:
        self.sink, self.filename = sink, ""
        self._field, self._value, self._headers = b"", b"", {}  # type: tuple[bytes, bytes, dict[bytes, bytes]]
        self._in_file, self._files = False, 0
        callbacks: Any = {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: setattr(self, "_field", self._field + d[s:e]),
            "on_header_value": lambda d, s, e: setattr(self, "_value", self._value + d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
        }
        self.parser = MultipartParser(boundary, callbacks)

    def _begin(self) -> None:
        self._headers, self._in_file = {}, False

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        raw = params.get(b"filename")
        if raw is not None:
            self._files += 1
            if self._files > 1:
                raise InputError(
                    "한 번에 파일 하나만 올릴 수 있습니다", "upload one file at a time"
                )
            try:
                self.filename = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.filename = raw.decode("latin-1")
            self._in_file = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.sink.write(data[start:end])

    def write(self, chunk: bytes) -> None:
        self.parser.write(chunk)


async def _receive(request: Request, sink: _Sink, settings: Settings) -> str:
    """Stream the request body into ``sink``; the client's file name."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes + 65536:
        raise UploadTooLarge(settings.max_upload_bytes)
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype == b"multipart/form-data":
        boundary = params.get(b"boundary")
        if not boundary:
            raise InputError("multipart 경계(boundary)가 없습니다", "multipart boundary missing")
        parser = _Multipart(boundary, sink)
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > settings.max_upload_bytes + 65536:
                raise UploadTooLarge(settings.max_upload_bytes)
            parser.write(chunk)
        if not parser.filename and sink.size == 0:
            raise InputError("파일 필드가 없습니다 (file)", "no file field in the form (file)")
        return parser.filename
    async for chunk in request.stream():
        sink.write(chunk)
    return request.query_params.get("filename", "upload")


def _finish(tmp: Path, folder: Path, filename: str, head: bytes) -> tuple[str, str, list[str]]:
    """Sniff, check archives, move into place; (kind, stored name, extracted files)."""
    kind = sniff(head, tmp, filename)
    stem, ext = Path(filename).stem or "upload", Path(filename).suffix.lower()
    stored = filename if ext in KEEP_EXT.get(kind, (EXTENSION[kind],)) else stem + EXTENSION[kind]
    files: list[str] = []
    if kind in ("zip", "xlsx"):
        members = check_zip(tmp, filename, ZipLimits(), data_only=kind == "zip")
        if kind == "zip":
            members = [
                m
                for m in members
                if not any(p.startswith((".", "__MACOSX")) for p in Path(m).parts)
            ]
            extracted = extract_zip(tmp, folder / FILES_DIR, members)
            for path, member in zip(extracted, members, strict=True):
                inner = sniff(path.open("rb").read(HEAD_BYTES), path, member)
                if inner in ("zip",):
                    raise InputError(
                        "압축 파일 안의 압축 파일은 받지 않습니다",
                        "nested archives are not accepted",
                        file=member,
                    )
            files = members
    tmp.rename(folder / stored)
    return kind, stored, files


def _out(row: Upload, settings: Settings) -> UploadOut:
    stored = settings.home / row.stored_path
    kind = next((k for k, e in EXTENSION.items() if stored.suffix.lower() == e), "csv")
    for k, exts in KEEP_EXT.items():
        if stored.suffix.lower() in exts:
            kind = k
    files_dir = stored.parent / FILES_DIR
    files = (
        sorted(p.relative_to(files_dir).as_posix() for p in files_dir.rglob("*") if p.is_file())
        if files_dir.is_dir()
        else []
    )
    return UploadOut(
        id=row.id,
        filename=row.filename,
        kind=kind,
        bytes=row.bytes,
        sha256=row.sha256,
        files=files,
        created=row.created,
    )


def upload_inputs(row: Upload, settings: Settings) -> list[Path]:
    """The data files of an upload (a zip's extracted files, else the file itself)."""
    stored = settings.home / row.stored_path
    files_dir = stored.parent / FILES_DIR
    if files_dir.is_dir():
        return sorted(p for p in files_dir.rglob("*") if p.is_file())
    return [stored]


def _save(
    session: Session, user: User, filename: str, rel: str, sink: _Sink, request: Request
) -> Upload:
    row = Upload(
        org_id=user.org_id,
        user_id=user.id,
        filename=filename,
        stored_path=rel,
        bytes=sink.size,
        sha256=sink.digest.hexdigest(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="upload.create",
        actor=user,
        target=f"upload:{row.id}",
        ip=request.client.host if request.client else None,
        detail={"sha256": row.sha256, "bytes": row.bytes},
    )
    session.commit()
    return row


@router.post("/uploads", status_code=201, summary="파일 올리기 / Upload a raw file (streamed)")
async def create_upload(request: Request, actor: ActorDep, session: DbSession) -> UploadOut:
    user = require_user(actor, "api")
    if not can(user, "upload.create"):
        raise PermissionDenied("파일을 올릴 권한이 없습니다", "not allowed to upload files")
    settings = get_settings_dep(request)
    folder = uploads_root(settings) / str(user.org_id) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    sink = _Sink(folder / ".partial", settings.max_upload_bytes)
    try:
        try:
            raw_name = await _receive(request, sink, settings)
        finally:
            sink.fh.close()
        filename = sanitise_filename(raw_name)
        if sink.size == 0:
            raise InputError(
                "빈 파일입니다 (0 바이트)", "the file is empty (0 bytes)", file=filename
            )
        _kind, stored, _ = await run_in_threadpool(_finish, sink.path, folder, filename, sink.head)
        rel = (folder / stored).relative_to(settings.home).as_posix()
        row = await run_in_threadpool(_save, session, user, filename, rel, sink, request)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _out(row, settings)


def get_upload(*, session: Session, user: User, upload_id: int) -> Upload:
    """One upload of the user's organisation; NotFound for any other id (ids are not confirmed)."""
    row = session.get(Upload, upload_id)
    if row is None or not can(user, "upload.view", row):
        raise NotFound(f"업로드를 찾을 수 없습니다: {upload_id}", f"upload not found: {upload_id}")
    return row


@router.get("/uploads", summary="내 조직의 업로드 / My organisation's uploads")
def list_uploads(request: Request, actor: ActorDep, session: DbSession) -> list[UploadOut]:
    user = require_user(actor, "read")
    rows = session.scalars(
        select(Upload).where(Upload.org_id == user.org_id).order_by(Upload.id.desc()).limit(500)
    ).all()
    settings = get_settings_dep(request)
    return [_out(r, settings) for r in rows]


@router.get("/uploads/{upload_id}", summary="업로드 하나 / One upload")
def read_upload(
    upload_id: DbInt, request: Request, actor: ActorDep, session: DbSession
) -> UploadOut:
    user = require_user(actor, "read")
    return _out(
        get_upload(session=session, user=user, upload_id=upload_id), get_settings_dep(request)
    )
