"""Raw inputs kept immutably, addressed by SHA-256: ``blobs_dir / sha[:2] / sha``."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from mfgdata.errors import InputError

CHUNK = 1 << 22


def _version(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def blob_path(blobs_dir: Path, sha: str) -> Path:
    return blobs_dir / sha[:2] / sha


#: Sees every block of the stored copy as it is hashed: (buffer, number of valid bytes).
Visit = Callable[[bytearray, int], None]


def _kernel_copy(path: Path, tmp: Path) -> None:
    """Copy inside the kernel (copy_file_range; sendfile as a fallback): no user-space copy."""
    with path.open("rb") as f, tmp.open("wb") as g:
        left = os.fstat(f.fileno()).st_size if hasattr(os, "copy_file_range") else -1
        try:
            while left > 0 and (n := os.copy_file_range(f.fileno(), g.fileno(), left)):
                left -= n
        except OSError:
            left = -1
    if left:
        shutil.copyfile(path, tmp)


def _hash(path: Path, visit: Visit | None) -> str:
    """SHA-256 of ``path`` (hashlib, numpy and file reads release the GIL, so this overlaps the
    Polars pass); ``visit`` sees the same bytes."""
    h = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(view[:n])
            if visit is not None:
                visit(buf, n)
    return h.hexdigest()


def store_blob(path: Path, blobs_dir: Path, visit: Visit | None = None) -> tuple[str, int]:
    """Store the bytes of ``path`` once (copied to a temp name, the copy hashed, then linked into
    place; an existing blob is kept and never modified). Returns (sha256, size). ``visit`` sees
    the bytes while they are hashed (one read serves several purposes)."""
    before = path.stat()
    blobs_dir.mkdir(parents=True, exist_ok=True)
    tmp = blobs_dir / f".{uuid.uuid4().hex}.tmp"
    try:
        _kernel_copy(path, tmp)
        sha = _hash(tmp, visit)  # exactly the bytes kept
        after = path.stat()
        if _version(after) != _version(before):
            raise InputError(
                "읽는 동안 파일이 바뀌었습니다",
                "the file changed while it was being read",
                file=path,
            )
        target = blob_path(blobs_dir, sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, target)  # never replaces an existing blob
    finally:
        tmp.unlink(missing_ok=True)
    return sha, before.st_size


def file_sha256(path: Path) -> str:
    """SHA-256 of the bytes of ``path``."""
    return _hash(path, None)


def identical_files(paths: list[Path]) -> dict[int, tuple[int, str]]:
    """Inputs that repeat an earlier one byte for byte: {index: (index of the first, sha256)}.

    Only files that share their size with another input are hashed here (the rest are read once,
    by the table pass and the blob copy)."""
    by_size: dict[int, list[int]] = {}
    for i, p in enumerate(paths):
        if p.is_file():
            by_size.setdefault(p.stat().st_size, []).append(i)
    out: dict[int, tuple[int, str]] = {}
    for group in by_size.values():
        if len(group) < 2:
            continue
        first: dict[str, int] = {}
        for i in group:
            sha = file_sha256(paths[i])
            if sha in first:
                out[i] = (first[sha], sha)
            else:
                first[sha] = i
    return out
