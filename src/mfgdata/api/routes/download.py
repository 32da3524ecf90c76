"""``GET /api/v1/products/{id}/versions/{v}/download``: the product folder as a zip.

The zip is built once per manifest (``{home}/objects/zips/<manifest sha256>.zip``, written to a
temporary file and renamed) and streamed from disk with HTTP range support: one range answers 206
with ``Content-Range``, an unsatisfiable one 416, several ranges (or an ``If-Range`` that does not
match) the whole file. The ETag is the manifest's SHA-256. Who may download: the owner
organisation, an organisation with a live grant, an admin (``version.download``); a token needs
the ``download`` scope. Every download served (whole or a range) is audited
(``product.download``).
"""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from mfgdata.accounts import audit
from mfgdata.accounts.errors import AuthError, PermissionDenied
from mfgdata.api.auth import ActorDep, DbSession, client_ip
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.catalog import access
from mfgdata.catalog.register import version_folder
from mfgdata.db.engine import objects_dir
from mfgdata.db.tables import ProductVersion
from mfgdata.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["download / 다운로드"])

CHUNK = 256 * 1024
_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


def zip_path(version: ProductVersion, settings: Settings) -> Path:
    """The cached zip of a version (built on first use; immutable like the folder)."""
    path = objects_dir(settings) / "zips" / f"{version.manifest_sha256}.zip"
    if path.is_file():
        return path
    folder = version_folder(version, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for file in sorted(p for p in folder.rglob("*") if p.is_file()):
                rel = file.relative_to(folder).as_posix()
                info = zipfile.ZipInfo(f"{version.product_id}-v{version.version}/{rel}")
                info.date_time = (1980, 1, 1, 0, 0, 0)  # reproducible bytes
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with file.open("rb") as src, zf.open(info, "w") as dst:
                    while block := src.read(CHUNK):
                        dst.write(block)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """``bytes=a-b`` → (start, end inclusive); None: serve it all; "416": unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec.strip():
        return None
    parts = spec.split(",")
    if len(parts) > 1:
        return None  # several ranges: the whole file (allowed by RFC 9110)
    match = _RANGE.match(parts[0])
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "416"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid syntax: ignore the header
    if start >= size:
        return "416"
    return start, end


def _stream(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(start)
        left = end - start + 1
        while left > 0:
            block = fh.read(min(CHUNK, left))
            if not block:
                return
            left -= len(block)
            yield block


@router.get(
    "/products/{product_id}/versions/{version}/download",
    summary="제품 zip 다운로드 (Range 지원) / Download the product as a zip (HTTP ranges)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}, 206: {}, 416: {}},
)
async def download(
    product_id: str, version: DbInt, request: Request, actor: ActorDep, session: DbSession
) -> Response:
    user = actor.user
    if user is None:
        raise AuthError(
            "다운로드에는 로그인이나 API 토큰이 필요합니다", "download needs a login or token"
        )
    row = access.data_version(session=session, user=user, product_id=product_id, version=version)
    if actor.via == "token" and not actor.has_scope("download"):
        raise PermissionDenied(
            "이 토큰에는 'download' 권한이 없습니다", "the token lacks the 'download' scope"
        )
    access.authorize(session=session, user=user, action="version.download", resource=row)
    path = await run_in_threadpool(zip_path, row, get_settings_dep(request))
    size = path.stat().st_size
    etag = f'"{row.manifest_sha256}"'
    name = f"{product_id}-v{version}.zip"
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}",
        "Cache-Control": "private, max-age=0",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    wanted = request.headers.get("range")
    if_range = request.headers.get("if-range")
    chosen = parse_range(wanted, size) if wanted and (not if_range or if_range == etag) else None
    if chosen == "416":
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status_code=416, headers=headers)
    audit.record(
        session=session,
        action="product.download",
        actor=user,
        target=f"version:{row.id}",
        ip=client_ip(request),
        detail={"product": product_id, "version": version, "range": wanted or ""},
    )
    session.commit()
    if isinstance(chosen, tuple):
        start, end = chosen
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        headers["Content-Length"] = str(end - start + 1)
        return StreamingResponse(
            _stream(path, start, end),
            status_code=206,
            media_type="application/zip",
            headers=headers,
        )
    headers["Content-Length"] = str(size)
    return StreamingResponse(
        _stream(path, 0, size - 1), media_type="application/zip", headers=headers
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
