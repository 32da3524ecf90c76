"""A workbook (xlsx, a zip of XML parts) checked before a reader inflates it: bounded inflated
size and ratio (zip bombs), no DTD (entity expansion, billion laughs), no member climbing out
of the archive; and formula cells that carry no computed value are named, never read as empty.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from mfgdata.errors import InputError
from mfgdata.frames.limits import LimitExceeded, Limits

#: Below this inflated size a high ratio is harmless (a tiny styles part compresses well).
RATIO_FLOOR = 16 * 1024**2
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def broken(path: Path, why: str) -> InputError:
    return InputError(
        "엑셀 파일을 읽을 수 없습니다 (손상되었거나 xlsx가 아님)",
        f"cannot read the Excel file (broken or not .xlsx): {why}",
        file=path,
    )


def _unsafe_name(raw: str) -> bool:
    clean = raw.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    return (
        clean.startswith("/")
        or (bool(parts) and ":" in parts[0])
        or ".." in parts
        or "\x00" in clean
        or posixpath.normpath(clean).startswith("..")
    )


def _bomb(path: Path, inflated: int, packed: int, limits: Limits) -> LimitExceeded:
    ratio = inflated / max(packed, 1)
    return LimitExceeded(
        f"압축 폭탄으로 의심되어 거부합니다 (풀린 크기 {inflated:,} 바이트 이상, 압축률 "
        f"{ratio:.0f}배; 한도 {limits.max_decompressed_bytes:,} 바이트, "
        f"{limits.max_compression_ratio:.0f}배)",
        f"rejected as a suspected zip bomb ({inflated:,} bytes or more inflated, ratio "
        f"{ratio:.0f}x; limits {limits.max_decompressed_bytes:,} bytes, "
        f"{limits.max_compression_ratio:.0f}x)",
        file=path,
    )


def check_workbook(path: Path, limits: Limits) -> None:
    """Inflate every part once, counting bytes (stops at a limit); refuse DTDs and unsafe
    member names."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise broken(path, str(e) or type(e).__name__) from e
    with zf:
        packed = max(path.stat().st_size, 1)
        inflated = 0
        for info in zf.infolist():
            if _unsafe_name(info.filename) or stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(
                    f"엑셀 파일 안에 위험한 경로가 있습니다 (경로 조작): {info.filename}",
                    f"the workbook holds an unsafe member path (path traversal): {info.filename}",
                    file=path,
                )
            if info.is_dir():
                continue
            first = True
            try:
                with zf.open(info) as fh:
                    while block := fh.read(1 << 20):
                        if first and _DTD.search(block[:4096]):
                            raise InputError(
                                f"엑셀 파일의 XML에 DTD/엔티티 선언이 있습니다 "
                                f"(엔티티 확장 공격): {info.filename}",
                                f"the workbook's XML declares a DTD/entities (entity "
                                f"expansion attack): {info.filename}",
                                file=path,
                            )
                        first = False
                        inflated += len(block)
                        over_size = inflated > limits.max_decompressed_bytes
                        ratio = inflated / packed
                        if over_size or (
                            inflated > RATIO_FLOOR and ratio > limits.max_compression_ratio
                        ):
                            raise _bomb(path, inflated, packed, limits)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
                raise broken(path, f"{info.filename}: {e}") from e


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding ``sheet`` (workbook.xml → its relationship target)."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rid = next(
        (s.get(f"{REL_NS}id") for s in book.iter(f"{NS}sheet") if s.get("name") == sheet),
        None,
    )
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def uncached_formulas(path: Path, sheet: str, limit: int = 10) -> tuple[int, list[str]]:
    """(count, first cell references) of formula cells in ``sheet`` with no cached value."""
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_part(zf, sheet)
            if part is None or part not in zf.namelist():
                return 0, []
            with zf.open(part) as fh:
                if not _has_formula(fh):
                    return 0, []
            count, cells = 0, list[str]()
            with zf.open(part) as fh:
                for _, el in ElementTree.iterparse(fh):
                    if el.tag != f"{NS}c":
                        continue
                    f, v = el.find(f"{NS}f"), el.find(f"{NS}v")
                    if (
                        f is not None
                        and (v is None or v.text is None)
                        and el.find(f"{NS}is") is None
                    ):
                        count += 1
                        if len(cells) < limit:
                            cells.append(el.get("r", "?"))
                    el.clear()
            return count, cells
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return 0, []  # fastexcel reports a broken workbook in its own words


#: A formula cell that ends without a value (``<f>A2*2</f></c>``), or an empty value: only a
#: sheet holding one of these is parsed cell by cell.
_UNCACHED = re.compile(rb"</f>\s*</c>|<f[^>]*/>\s*</c>|<v\s*/>|<v>\s*</v>")


def _has_formula(fh: object) -> bool:
    """True when the sheet's XML may hold a formula cell without a cached value."""
    tail = b""
    while block := fh.read(1 << 20):  # type: ignore[attr-defined]
        if _UNCACHED.search(tail + block):
            return True
        tail = block[-64:]
    return False
