"""manifest.json: every file of a product with its SHA-256, so tampering is visible."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mfgdata.errors import ProductError

MANIFEST = "manifest.json"


#: Digests this process computed for files it wrote, by file identity and version (device,
#: inode, size, mtime, ctime: any write changes the ctime), so that writing the manifest does not
#: read a multi-gigabyte data file a second time. Checking a manifest never uses it.
_REMEMBERED: dict[tuple[int, int, int, int, int], str] = {}
_REMEMBER_AT_MOST = 4096


def _version(path: Path) -> tuple[int, int, int, int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def sha256_file(path: Path, chunk: int = 1 << 20, *, remember: bool = False) -> str:
    """SHA-256 of the file; ``remember``: reuse and keep the digest of this very file version
    (for files the build wrote itself)."""
    before = _version(path) if remember else None
    if before is not None and before in _REMEMBERED:
        return _REMEMBERED[before]
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    digest = h.hexdigest()
    if before is not None and _version(path) == before:
        if len(_REMEMBERED) >= _REMEMBER_AT_MOST:
            del _REMEMBERED[next(iter(_REMEMBERED))]
        _REMEMBERED[before] = digest
    return digest


def product_files(root: Path) -> list[str]:
    """All files below ``root`` except the manifest, as sorted POSIX relative paths."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() != MANIFEST
    )


def write_manifest(root: Path, header: dict[str, Any]) -> dict[str, Any]:
    files = {
        rel: {
            "sha256": sha256_file(root / rel, remember=True),
            "bytes": (root / rel).stat().st_size,
        }
        for rel in product_files(root)
    }
    manifest = {**header, "files": files}
    (root / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        raise ProductError(
            "제품 폴더에 manifest.json이 없습니다",
            "the product folder has no manifest.json",
            file=root,
        )
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ProductError(
            "manifest.json을 읽을 수 없습니다", f"manifest.json is not valid JSON: {e}", file=path
        ) from e
    return data


def check_manifest(root: Path) -> list[dict[str, str]]:
    """Compare the folder with its manifest; returns one problem per changed/missing/extra file."""
    manifest = read_manifest(root)
    listed: dict[str, Any] = manifest.get("files", {})
    problems: list[dict[str, str]] = []
    for rel, meta in sorted(listed.items()):
        p = root / rel
        if not p.is_file():
            problems.append({"file": rel, "problem": "missing"})
        elif sha256_file(p) != meta.get("sha256"):
            problems.append({"file": rel, "problem": "modified"})
    for rel in product_files(root):
        if rel not in listed:
            problems.append({"file": rel, "problem": "unlisted"})
    return problems
