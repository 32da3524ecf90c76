"""What an uploaded file is (by its bytes, not its name) and whether a zip archive is safe.

Allowed: XLSX, Parquet, JSON Lines, zip archives of those, and CSV/TSV text: any other file is
taken as text and judged by the build's own CSV checks (``frames.guard``, any encoding the build
reads; binary, gzip or NUL bytes are refused there with the build's message).

A zip is safe when no entry is absolute, climbs out (``..``), is a symlink or a nested archive, the
entry count is bounded, and the *measured* (not declared) uncompressed size stays
under the total limit and the compression ratio limit (zip bombs). JSON Lines nest no deeper
than ``Settings.max_json_depth`` (measured before any parser sees a line, so a 5,000-level line
is a clear 4xx, never a ``RecursionError``).
"""

from __future__ import annotations

import json
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mfgdata.errors import InputError

EXTENSION = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "parquet": ".parquet",
    "jsonl": ".jsonl",
    "zip": ".zip",
}
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 1000
    max_total_bytes: int = 20 * 1024**3
    max_ratio: float = 200.0


def _reject(ko: str, en: str, name: str) -> InputError:
    return InputError(ko, en, file=name)


def json_depth(line: bytes) -> int:
    """The deepest ``{``/``[`` nesting of one JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in line:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return deepest


def _is_jsonl(head: bytes, max_depth: int) -> bool:
    line = head.lstrip().split(b"\n", 1)[0].strip()
    if not line.startswith(b"{"):
        return False
    if json_depth(line) > max_depth:  # json.loads would recurse past the stack
        return True
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def sniff(head: bytes, path: Path, name: str, max_depth: int = 64) -> str:
    """The kind of a file from its first bytes: csv, xlsx, parquet, jsonl or zip."""
    if head.startswith(b"PAR1"):
        return "parquet"  # a cut or fake one is refused by the parquet check (frames.guard)
    elif head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as e:
            if name.lower().endswith(".xlsx"):
                raise _reject(
                    "손상된 Excel(xlsx) 파일입니다", "a damaged Excel (xlsx) file", name
                ) from e
            raise _reject("손상된 zip 파일입니다", "a damaged zip file", name) from e
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    elif _is_jsonl(head, max_depth):
        return "jsonl"
    # Anything else is judged as a text table by the build's own CSV checks (frames.guard, run
    # by storage.place): they keep Latin-1/CP1252/UTF-16 apart and name the real problem
    # (binary, gzip, NUL at line N, mixed encodings at line N) as `mfgdata build` does.
    return "csv"


def _safe_member_name(raw: str, name: str) -> str:
    clean = raw.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    if clean.startswith("/") or (parts and ":" in parts[0]) or ".." in parts or "\x00" in clean:
        raise _reject(
            f"압축 파일에 위험한 경로가 있습니다 (경로 조작): {raw}",
            f"the archive contains an unsafe path (path traversal): {raw}",
            name,
        )
    return posixpath.normpath(clean)


def check_zip(path: Path, name: str, limits: ZipLimits, data_only: bool = True) -> list[str]:
    """Validate an archive by reading every entry; the file entries' safe names."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise _reject("손상된 zip 파일입니다", "a damaged zip file", name) from e
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            raise _reject(
                f"압축 파일의 항목이 너무 많습니다 ({len(infos)} > {limits.max_entries})",
                f"too many entries in the archive ({len(infos)} > {limits.max_entries})",
                name,
            )
        total, packed, names = 0, 0, []
        for info in infos:
            member = _safe_member_name(info.filename, name)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _reject(
                    f"압축 파일에 심볼릭 링크가 있습니다: {info.filename}",
                    f"the archive contains a symbolic link: {info.filename}",
                    name,
                )
            if info.is_dir():
                continue
            packed += info.compress_size
            total += _measure(zf, info, limits, total, name)
            if data_only and PurePosixPath(member).suffix.lower() in (".zip", ".gz", ".7z"):
                raise _reject(
                    f"압축 파일 안의 압축 파일은 받지 않습니다: {member}",
                    f"nested archives are not accepted: {member}",
                    name,
                )
            names.append(member)
        if packed and total / packed > limits.max_ratio:
            raise _bomb(name, total, packed, limits)
        return names


def _bomb(name: str, total: int, packed: int, limits: ZipLimits) -> InputError:
    return _reject(
        f"압축 폭탄으로 의심되어 거부합니다 (압축률 {total / max(packed, 1):.0f}배 또는 "
        f"풀린 크기 {total} 바이트가 한도를 넘음)",
        f"rejected as a suspected zip bomb (ratio {total / max(packed, 1):.0f}x or "
        f"uncompressed size {total} bytes over the limit)",
        name,
    )


def _measure(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, before: int, name: str
) -> int:
    """Decompress one entry counting bytes; stop as soon as a limit is crossed."""
    size = 0
    ratio_cap = max(info.compress_size, 1) * limits.max_ratio + 1024 * 1024
    with zf.open(info) as fh:
        while block := fh.read(1 << 20):
            size += len(block)
            if before + size > limits.max_total_bytes or size > ratio_cap:
                raise _bomb(name, before + size, max(info.compress_size, 1), limits)
    return size


def extract_zip(path: Path, dest: Path, members: list[str]) -> list[Path]:
    """Extract already checked ``members`` under ``dest`` (each path re-checked to stay inside)."""
    root = dest.resolve()
    out: list[Path] = []
    with zipfile.ZipFile(path) as zf:
        by_name = {_safe_member_name(i.filename, path.name): i for i in zf.infolist()}
        for member in members:
            target = (root / member).resolve()
            if not target.is_relative_to(root):
                raise _reject("위험한 경로입니다", "unsafe path", member)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(by_name[member]) as src, target.open("wb") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
            out.append(target)
    return out
