"""Where uploads live and how a received file is placed: ``{home}/uploads/<org>/<id>/``.

``Sink`` receives bytes (hashes and counts them, refusing past ``max_upload_bytes``);
``place`` sniffs the kind from the bytes, checks archives and runs the build's own input checks
(``frames.guard``: columns, header and cell size, workbook bombs, JSON nesting), unpacks a zip into
``files/`` and moves the upload into place. ``upload_inputs`` lists the data files a build reads.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from mfgdata.errors import InputError, MfgDataError
from mfgdata.frames.guard import check_input
from mfgdata.frames.limits import Limits
from mfgdata.settings import Settings
from mfgdata.uploads.checks import (
    EXTENSION,
    HEAD_BYTES,
    ZipLimits,
    check_zip,
    extract_zip,
    sniff,
)

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


class Sink:
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


def place(
    tmp: Path, folder: Path, filename: str, head: bytes, settings: Settings
) -> tuple[str, str, list[str]]:
    """Sniff, check, move into place; (kind, stored name, extracted files)."""
    depth = settings.max_json_depth
    limits = Limits.from_settings(settings)
    kind = sniff(head, tmp, filename, max_depth=depth)
    stem, ext = Path(filename).stem or "upload", Path(filename).suffix.lower()
    stored = filename if ext in KEEP_EXT.get(kind, (EXTENSION[kind],)) else stem + EXTENSION[kind]
    files: list[str] = []
    if kind != "zip":
        _guard(tmp, filename, kind, limits)
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
                with path.open("rb") as fh:
                    inner = sniff(fh.read(HEAD_BYTES), path, member, max_depth=depth)
                if inner == "zip":
                    raise InputError(
                        "압축 파일 안의 압축 파일은 받지 않습니다",
                        "nested archives are not accepted",
                        file=member,
                    )
                _guard(path, member, inner, limits)
            files = members
    tmp.rename(folder / stored)
    return kind, stored, files


def _guard(path: Path, name: str, kind: str, limits: Limits) -> None:
    """The build's own limits and table checks (``frames.guard``), so that an upload a build
    would refuse is refused now; the error names the file as the user named it."""
    try:
        check_input(path, limits, fmt=kind)
    except MfgDataError as e:
        e.where = replace(e.where, file=name)
        e.args = (e.message(),)
        raise


def stored_kind(stored: Path) -> str:
    """The kind of a stored upload, from the name it was stored under."""
    kind = next((k for k, e in EXTENSION.items() if stored.suffix.lower() == e), "csv")
    for k, exts in KEEP_EXT.items():
        if stored.suffix.lower() in exts:
            kind = k
    return kind


def extracted_files(stored: Path) -> list[Path]:
    """The files unpacked from a stored zip (empty for any other upload)."""
    files_dir = stored.parent / FILES_DIR
    return sorted(p for p in files_dir.rglob("*") if p.is_file()) if files_dir.is_dir() else []


def upload_inputs(stored_path: str, settings: Settings) -> list[Path]:
    """The data files of an upload (a zip's extracted files, else the file itself)."""
    stored = settings.home / stored_path
    return extracted_files(stored) or [stored]
