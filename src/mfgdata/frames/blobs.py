"""Raw inputs kept immutably, addressed by SHA-256: ``blobs_dir / sha[:2] / sha``."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from pathlib import Path

from mfgdata.errors import InputError

CHUNK = 1 << 22


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def blob_path(blobs_dir: Path, sha: str) -> Path:
    return blobs_dir / sha[:2] / sha


def store_blob(path: Path, blobs_dir: Path) -> tuple[str, int]:
    """Store the bytes of ``path`` once (write to a temp name, then link into place; an existing
    blob is kept and never modified). Returns (sha256, size)."""
    sha = sha256_of(path)
    target = blob_path(blobs_dir, sha)
    size = path.stat().st_size
    if target.exists():
        return sha, size
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{sha}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(path, tmp)  # kernel copy (sendfile); checked below
        if sha256_of(tmp) != sha:
            raise InputError(
                "읽는 동안 파일이 바뀌었습니다",
                "the file changed while it was being read",
                file=path,
            )
        os.chmod(tmp, 0o444)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, target)  # never replaces an existing blob
    finally:
        tmp.unlink(missing_ok=True)
    return sha, size
