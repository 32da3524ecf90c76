"""Rows with fewer fields than the header: Polars fills them with nulls silently, so a table
whose last column has nulls is checked line by line (natively; in Python only to name the line
or when quotes make the native count unreliable)."""

from __future__ import annotations

import csv

import polars as pl

from mfgdata.errors import InputError
from mfgdata.frames.sources import Source

_LINE_SEP = "\x1f"  # a byte that is never a delimiter: each physical line is one field
NL, QUOTE = ord("\n"), ord('"')
BYTE_SAFE = frozenset({"utf-8", "utf-8-sig", "cp949"})  # ASCII bytes never occur inside a char


class FieldCounter:
    """Counts delimiters and lines of a CSV's data lines from its raw bytes as they stream past
    (fed by the blob copy). Without quote characters, every line has at most ``width - 1``
    delimiters (Polars refuses longer rows), so ``delimiters == (width - 1) * lines`` proves
    that no row is short."""

    def __init__(self, delimiter: str, skip_lines: int, width: int) -> None:
        self.delimiter, self.skip, self.width = ord(delimiter), skip_lines, width
        self.delimiters = self.newlines = 0
        self.quoted = False
        self.tail = NL

    @classmethod
    def for_source(cls, src: Source) -> FieldCounter | None:
        if src.format != "csv" or src.delimiter is None or src.encoding not in BYTE_SAFE:
            return None
        return cls(src.delimiter, src.data_line, len(src.columns))

    def __call__(self, buf: bytearray, n: int) -> None:
        start = 0
        while self.skip and start < n:  # the preamble, header and units lines
            nl = buf.find(b"\n", start, n)
            if nl < 0:
                return
            start, self.skip = nl + 1, self.skip - 1
        if self.quoted or start >= n:
            return
        if buf.find(b'"', start, n) >= 0:
            self.quoted = True
            return
        import numpy as np  # here: only a CSV ingest pays for the import, in the blob thread

        data = np.frombuffer(buf, np.uint8, n - start, start)
        self.newlines += int(np.count_nonzero(data == NL))
        self.delimiters += int(np.count_nonzero(data == self.delimiter))
        self.tail = buf[n - 1]

    def no_short_rows(self) -> bool:
        if self.quoted or self.skip:
            return False
        lines = self.newlines + (self.tail != NL)
        return self.delimiters == (self.width - 1) * lines


def has_short_lines(src: Source) -> bool:
    """True if some data line may hold fewer fields than the header (exact without quotes;
    any quote character makes it say True so that ``find_bad_line`` decides)."""
    if src.text_path is None or src.delimiter is None:
        return False
    width = len(src.columns)
    lines = pl.scan_csv(
        src.text_path,
        has_header=False,
        separator=_LINE_SEP,
        quote_char=None,
        schema={"l": pl.String},
        skip_lines=src.data_line,
        truncate_ragged_lines=True,  # a stray 0x1F byte shortens the line: a false alarm only
        encoding="utf8",
        raise_if_empty=False,
    )
    line = pl.col("l")
    fields = line.str.count_matches(src.delimiter, literal=True) + 1
    short, quoted = (
        lines.select(
            (fields < width).sum().alias("short"),
            line.str.contains('"', literal=True).any().alias("quoted"),
        )
        .collect(engine="streaming")
        .row(0)
    )
    return bool(short) or bool(quoted)


def find_bad_line(src: Source) -> tuple[int, str] | None:
    """First record whose field count differs from the header, or an unclosed quote (1-based)."""
    if src.text_path is None or src.delimiter is None:
        return None
    width = len(src.columns)
    with src.text_path.open(encoding="utf-8-sig", newline="") as f:
        for _ in range(src.data_line):
            f.readline()
        reader = csv.reader(f, delimiter=src.delimiter, strict=True)
        start = src.data_line + 1
        try:
            for row in reader:
                if row and len(row) != width:
                    return start, f"{len(row)} fields, expected {width}"
                start = src.data_line + reader.line_num + 1
        except csv.Error:
            return start, "unclosed quote or truncated field"
    return None


def ragged_error(src: Source, line: int, detail: str) -> InputError:
    return InputError(
        f"행의 열 개수가 머리글과 다르거나 파일이 잘렸습니다 ({detail})",
        f"a row has a different number of fields than the header, or the file is cut ({detail})",
        file=src.path,
        line=line,
    )
