"""Where the images are: folders and zip archives, read one file at a time.

A folder is walked recursively for image extensions; a zip is read entry by entry with the
limits the uploads use for tables (``uploads.checks.ZipLimits``: measured, not declared,
uncompressed size and compression ratio) and an entry count from ``Settings``. An entry whose
path is absolute, climbs out (``..``), is a symlink or names a drive is refused: it becomes a
finding and its bytes are never read. A zip bomb stops the whole archive (an ``InputError``).
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mfgdata.errors import InputError
from mfgdata.quality.findings import Finding
from mfgdata.uploads.checks import ZipLimits

#: file name endings read as images
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"})


@dataclass(frozen=True)
class ImageFile:
    """One image file's bytes. ``name`` is its path as the user knows it (posix, relative to its
    root); ``root`` the folder or zip it came from; ``class_dir`` its first folder under the root
    (the class when labels come from sub-folders), None at the root."""

    name: str
    root: str
    class_dir: str | None
    data: bytes


def _class_dir(rel: PurePosixPath) -> str | None:
    return rel.parts[0] if len(rel.parts) > 1 else None


def unsafe_member(raw: str) -> bool:
    """True for an entry name that is absolute, names a drive, climbs out or holds a NUL."""
    clean = raw.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    return (
        clean.startswith("/")
        or (bool(parts) and ":" in parts[0])
        or ".." in parts
        or ("\x00" in clean)
    )


def _folder(root: Path, prefix: str) -> Iterator[ImageFile]:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        rel = PurePosixPath(path.relative_to(root).as_posix())
        yield ImageFile(
            name=f"{prefix}{rel}", root=str(root), class_dir=_class_dir(rel), data=path.read_bytes()
        )


def _bomb(name: str, total: int, packed: int) -> InputError:
    return InputError(
        f"압축 폭탄으로 의심되어 거부합니다 (풀린 크기 {total} 바이트, 압축 {packed} 바이트)",
        f"rejected as a suspected zip bomb ({total} bytes uncompressed from {packed} packed)",
        file=name,
    )


def _read_entry(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, before: int, name: str
) -> bytes:
    """One entry's bytes, counted while decompressing; a crossed limit stops the archive."""
    cap = max(info.compress_size, 1) * limits.max_ratio + 1024 * 1024
    chunks: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while block := fh.read(1 << 20):
            size += len(block)
            if before + size > limits.max_total_bytes or size > cap:
                raise _bomb(name, before + size, max(info.compress_size, 1))
            chunks.append(block)
    return b"".join(chunks)


def _common_top(names: list[str]) -> str:
    """The one top folder every entry shares ('' when none): stripped so classes are found."""
    tops = {PurePosixPath(n).parts[0] for n in names if len(PurePosixPath(n).parts) > 1}
    flat = any(len(PurePosixPath(n).parts) == 1 for n in names)
    return f"{tops.pop()}/" if len(tops) == 1 and not flat else ""


def _zip(path: Path, limits: ZipLimits, findings: list[Finding]) -> Iterator[ImageFile]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError("손상된 zip 파일입니다", "a damaged zip file", file=path.name) from e
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            raise InputError(
                f"압축 파일의 항목이 너무 많습니다 ({len(infos)} > {limits.max_entries})",
                f"too many entries in the archive ({len(infos)} > {limits.max_entries})",
                file=path.name,
            )
        safe: list[zipfile.ZipInfo] = []
        refused: list[str] = []
        for info in infos:
            if unsafe_member(info.filename) or stat.S_ISLNK(info.external_attr >> 16):
                refused.append(info.filename)
            elif not info.is_dir() and PurePosixPath(info.filename).suffix.lower() in (
                IMAGE_SUFFIXES
            ):
                safe.append(info)
        if refused:
            findings.append(
                Finding(
                    code="images.unsafe_member",
                    severity="error",
                    message_ko=f"위험한 경로의 압축 항목 {len(refused)}개를 읽지 않았습니다",
                    message_en=f"{len(refused)} archive entries with unsafe paths were refused",
                    count=len(refused),
                    examples=tuple(refused),
                    step="images",
                )
            )
        names = [posixpath.normpath(i.filename.replace("\\", "/")) for i in safe]
        top = _common_top(names)
        total = 0
        for info, member in sorted(zip(safe, names, strict=True), key=lambda t: t[1]):
            data = _read_entry(zf, info, limits, total, path.name)
            total += len(data)
            rel = PurePosixPath(member[len(top) :])
            yield ImageFile(name=member, root=str(path), class_dir=_class_dir(rel), data=data)
        packed = sum(i.compress_size for i in safe)
        if packed and total / packed > limits.max_ratio:
            raise _bomb(path.name, total, packed)


def iter_images(
    paths: list[Path], findings: list[Finding], *, max_entries: int = 200_000
) -> Iterator[ImageFile]:
    """Every image file under ``paths`` (folders, zips or single images), one at a time.

    With several roots each name starts with its root's name so names stay distinct.
    """
    limits = ZipLimits(max_entries=max_entries)
    several = len(paths) > 1
    for p in paths:
        prefix = f"{p.name}/" if several else ""
        if p.is_dir():
            yield from _folder(p, prefix)
        elif p.is_file() and p.suffix.lower() == ".zip":
            for f in _zip(p, limits, findings):
                yield ImageFile(f"{prefix}{f.name}", f.root, f.class_dir, f.data)
        elif p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES:
            yield ImageFile(p.name, str(p.parent), None, p.read_bytes())
        else:
            raise InputError(
                "이미지 폴더, zip 또는 이미지 파일이 아닙니다",
                "not an image folder, zip or image file",
                file=str(p),
            )
