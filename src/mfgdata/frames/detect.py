"""Sniffing a text table: encoding, delimiter, decimal comma, header row and a row of units."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from mfgdata.errors import EncodingError, InputError
from mfgdata.frames.encoding import detect_encoding
from mfgdata.frames.headers import looks_like_unit
from mfgdata.frames.infer import is_junk_token

SAMPLE_BYTES = 1 << 20
csv.field_size_limit(1 << 30)  # cells are bounded by Settings.max_cell_bytes, not by csv
DELIMITERS = (",", "\t", ";", "|")
_DOT_NUM = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)\.\d+$")
_COMMA_NUM = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_ANY_NUM = re.compile(r"^[+-]?[\d.,]*\d([eE][+-]?\d+)?$")
#: a date or time of day (2024-01-01, 2024.01.01 00:00, 2024년 1월 1일, 12:30:05): a header
#: names its columns, it does not hold a reading's time
_DATE_OR_TIME = re.compile(
    r"^(\d{2,4}\s*[-./년]\s*\d{1,2}\s*[-./월]\s*\d{1,2}|\d{1,2}:\d{2}(:\d{2})?)"
)


@dataclass(frozen=True)
class Dialect:
    """What a CSV/TSV looks like. ``header_line``/``data_line`` are 0-based physical lines."""

    encoding: str
    delimiter: str
    decimal: str
    header_line: int
    data_line: int
    header: list[str]
    units: list[str | None] | None
    sample: list[list[str]]
    cr_only: bool = False  # old Mac line endings: transcoded to LF before reading


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(0-based start line, fields) of every complete record in ``text``."""
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 0
    try:
        for row in reader:
            out.append((start, row))
            start = reader.line_num
    except csv.Error:
        pass
    return [r for r in out if r[1]]


def _tail_block(records: list[tuple[int, list[str]]]) -> tuple[int, int]:
    """(width, index of the first record of the block of equal widths that ends the sample)."""
    if not records:
        return 0, 0
    width = Counter(len(r) for _, r in records[-50:]).most_common(1)[0][0]
    first = len(records)
    for i in range(len(records) - 1, -1, -1):
        if len(records[i][1]) == width:
            first = i
        elif (
            len(records) - i > 3
            and first < len(records)
            and all(len(r) != width for _, r in records[max(0, i - 2) : i + 1])
        ):
            break  # the preamble; a few odd rows inside the data surface later as errors
    return width, first


def _has_units_row(row: list[str], below: list[list[str]]) -> bool:
    cells = [c.strip() for c in row]
    if not any(cells) or any(_ANY_NUM.match(c) for c in cells if c):
        return False
    if not all(looks_like_unit(c) or c in {"", "-"} for c in cells):
        return False
    return any(
        cells[j] and sum(bool(_ANY_NUM.match(r[j].strip())) for r in below if j < len(r)) > 0
        for j in range(len(cells))
    )


def _numeric_columns(rows: list[list[str]]) -> set[int]:
    """Columns holding numbers in at least 80% of ``rows``."""
    width = max((len(r) for r in rows), default=0)
    return {
        j
        for j in range(width)
        if sum(j < len(r) and bool(_ANY_NUM.match(r[j].strip())) for r in rows) >= 0.8 * len(rows)
    }


def _header_index(records: list[tuple[int, list[str]]], first: int) -> int:
    """The header inside the block of equal widths: the last row before the data whose cells
    under the numeric columns are all text (a preamble line such as ``설비명,사출기 3호기`` can
    have as many fields as the data); a units row just above the data is skipped."""
    rows = [r for _, r in records[first:]]
    numeric = _numeric_columns(rows[(len(rows) + 1) // 2 :][-50:])  # the data's end
    if not numeric:
        return first

    def header_like(row: list[str]) -> bool:
        cells = [row[j].strip() for j in numeric if j < len(row)]
        if any(_DATE_OR_TIME.match(c.strip()) for c in row):
            return False  # a data row whose readings are status texts (Inp OutRange, ...)
        return all(c and not _ANY_NUM.match(c) and not is_junk_token(c) for c in cells)

    def data_like(row: list[str]) -> bool:
        cells = [row[j].strip() for j in numeric if j < len(row)]
        return sum(bool(_ANY_NUM.match(c)) for c in cells) * 2 >= len(numeric)

    k = next((i for i, r in enumerate(rows) if data_like(r)), len(rows))
    h = k - 1
    if h >= 1 and _has_units_row(rows[h], rows[k : k + 50]):
        h -= 1
    # the nearest header-like row above the data: a title line padded to the table's width
    # (``Line 3 export,,,``) or a row of separators is not one
    h = next((i for i in range(h, -1, -1) if header_like(rows[i])), h)
    return first + max(h, 0)


def sniff_text(path: Path, text: str, encoding: str, max_rows: int) -> Dialect:
    """Pick the delimiter giving the longest block of equal-width rows (width >= 2)."""
    if text and not text.endswith("\n"):
        cut = text.rfind("\n")
        text = text[: cut + 1] if cut > 0 else text
    best: tuple[int, int, str] | None = None
    for d in DELIMITERS:
        records = _records(text, d)
        width, first = _tail_block(records)
        if width >= 2 and (best is None or len(records) - first > best[0]):
            best = (len(records) - first, width, d)
    delimiter = best[2] if best else ","
    records = _records(text, delimiter)
    _, first = _tail_block(records) if best else (0, 0)
    first = _header_index(records, first) if records else first
    if not records:
        raise InputError("빈 파일입니다", "the file is empty", file=path)
    header_line, header = records[first]
    rest = [r for _, r in records[first + 1 : first + 1 + max_rows]]
    units: list[str | None] | None = None
    data_line = records[first + 1][0] if len(records) > first + 1 else header_line + 1
    if rest and _has_units_row(rest[0], rest[1:50]):
        units = [c.strip() or None for c in rest[0]]
        rest = rest[1:]
        data_line = records[first + 2][0] if len(records) > first + 2 else data_line + 1
    if not rest:
        raise InputError(
            "데이터 행이 없습니다 (머리글만 있음)",
            "the file has no data rows (a header only)",
            file=path,
        )
    decimal = "."
    if delimiter != ",":
        cells = [c.strip() for r in rest[:500] for c in r]
        if sum(bool(_COMMA_NUM.match(c)) for c in cells) > sum(
            bool(_DOT_NUM.match(c)) for c in cells
        ):
            decimal = ","
    return Dialect(encoding, delimiter, decimal, header_line, data_line, header, units, rest)


def _enough(head: bytes) -> bool:
    """A header and a few data lines (LF or CR endings)."""
    return head.count(b"\n") >= 3 or (b"\n" not in head and head.count(b"\r") >= 3)


def sniff_csv(
    path: Path,
    max_rows: int,
    encoding: str | None = None,
    max_cell_bytes: int = 1 << 20,
    head_of: Callable[[int], bytes] | None = None,
) -> Dialect:
    """Encoding and dialect of ``path`` from its first megabyte (more when its first lines are
    longer, up to a few cells of ``max_cell_bytes``). ``head_of(size)`` reads the first bytes
    when the file is not local (a URI read through Hadoop: ``path`` then only names it)."""
    read = head_of or (lambda n: read_head(path, n))
    size = SAMPLE_BYTES
    head = read(size)
    while len(head) == size and not _enough(head) and size < 4 * max_cell_bytes:
        size *= 4
        head = read(size)
    if not head:
        raise InputError("빈 파일입니다 (0 바이트)", "the file is empty (0 bytes)", file=path)
    complete = len(head) < size
    encoding = detect_encoding(path, head, complete, encoding)
    text = codecs.getincrementaldecoder(encoding)("replace").decode(head, final=complete)
    cr_only = "\r" in text and "\n" not in text
    text = text.replace("\r", "\n") if cr_only else text.replace("\r\n", "\n")
    if not text.strip():
        raise InputError(
            "빈 파일입니다 (빈 줄뿐)", "the file is empty (blank lines only)", file=path
        )
    if not complete and text.count("\n") < 2:
        from mfgdata.frames.limits import LimitExceeded

        raise LimitExceeded(
            f"첫 줄들이 너무 깁니다 ({len(head):,} 바이트에 데이터 행이 없음; "
            "MFGDATA_MAX_CELL_BYTES)",
            f"the first lines are too long (no data row in {len(head):,} bytes; "
            "MFGDATA_MAX_CELL_BYTES)",
            file=path,
            line=text.count("\n") + 1,
        )
    d = sniff_text(path, text, encoding, max_rows)
    return replace(d, cr_only=cr_only)


def transcode_to_utf8(
    src: Path, dst: Path, encoding: str, chunk: int = 1 << 22, cr_only: bool = False
) -> None:
    """Stream ``src`` in ``encoding`` into UTF-8 ``dst`` (CR line endings → LF with
    ``cr_only``); a bad byte names its line."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    with src.open("rb") as f, dst.open("wb") as g:
        while True:
            block = f.read(chunk)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as e:
                nl = b"\r" if cr_only else b"\n"
                line = lines + block[: e.start].count(nl) + 1
                raise EncodingError(
                    f"{encoding}로 읽을 수 없는 바이트가 있습니다",
                    f"bytes that are not valid {encoding}",
                    file=src,
                    line=line,
                ) from e
            g.write((text.replace("\r", "\n") if cr_only else text).encode("utf-8"))
            lines += block.count(b"\r" if cr_only else b"\n")
            if not block:
                break
