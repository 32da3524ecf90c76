"""Uploads: raw files streamed to ``{home}/uploads/<org>/<id>/`` in chunks, never whole in memory.

``POST /api/v1/uploads`` takes ``multipart/form-data`` (one file field) or a raw body
(``application/octet-stream`` with ``?filename=``). The size limit (``max_upload_bytes``) is
enforced while streaming (413, and the partial file is removed), the SHA-256 is computed on the
way; placing, checks and rows are the library's (``mfgdata.uploads``). An organisation sees only
its own uploads; another's id answers 404.
"""

from __future__ import annotations

import shutil
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from python_multipart.multipart import MultipartParser, parse_options_header

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.api.auth import ActorDep, DbSession, client_ip, require_user
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.errors import InputError
from mfgdata.settings import Settings
from mfgdata.uploads import repository
from mfgdata.uploads.repository import UploadOut, get_upload, upload_public
from mfgdata.uploads.storage import Sink, UploadTooLarge, place, sanitise_filename, uploads_root

router = APIRouter(prefix="/api/v1", tags=["uploads / 업로드"])


class _Multipart:
    """Streams one file field of a multipart body into a sink (python-multipart callbacks)."""

    def __init__(self, boundary: bytes, sink: Sink) -> None:
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


async def _receive(request: Request, sink: Sink, settings: Settings) -> str:
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


@router.post("/uploads", status_code=201, summary="파일 올리기 / Upload a raw file (streamed)")
async def create_upload(request: Request, actor: ActorDep, session: DbSession) -> UploadOut:
    user = require_user(actor, "api")
    if not can(user, "upload.create"):
        raise PermissionDenied("파일을 올릴 권한이 없습니다", "not allowed to upload files")
    settings = get_settings_dep(request)
    folder = uploads_root(settings) / str(user.org_id) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    sink = Sink(folder / ".partial", settings.max_upload_bytes)
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
        _kind, stored, _ = await run_in_threadpool(
            place, sink.path, folder, filename, sink.head, settings
        )
        rel = (folder / stored).relative_to(settings.home).as_posix()
        row = await run_in_threadpool(
            lambda: repository.create_upload(
                session=session,
                user=user,
                filename=filename,
                stored_path=rel,
                size=sink.size,
                sha256=sink.digest.hexdigest(),
                ip=client_ip(request),
            )
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return upload_public(row, settings)


@router.get("/uploads", summary="내 조직의 업로드 / My organisation's uploads")
def list_uploads(request: Request, actor: ActorDep, session: DbSession) -> list[UploadOut]:
    user = require_user(actor, "read")
    rows = repository.list_uploads(session=session, org_id=user.org_id)
    settings = get_settings_dep(request)
    return [upload_public(r, settings) for r in rows]


@router.get("/uploads/{upload_id}", summary="업로드 하나 / One upload")
def read_upload(
    upload_id: DbInt, request: Request, actor: ActorDep, session: DbSession
) -> UploadOut:
    user = require_user(actor, "read")
    row = get_upload(session=session, user=user, upload_id=upload_id)
    return upload_public(row, get_settings_dep(request))
