"""Opening one input file as a ``Source``: its columns (name, raw name, unit), a sample of raw
strings for type inference, and a function that scans it lazily with a given read schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import InputError
from mfgdata.frames.detect import _has_units_row, sniff_csv, transcode_to_utf8
from mfgdata.frames.headers import split_headers
from mfgdata.frames.limits import Limits, cell_too_large, check_header, check_nesting
from mfgdata.frames.workbook import broken, check_workbook, uncached_formulas

CSV_EXT = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv"}
FORMATS = {
    **CSV_EXT,
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

Scan = Callable[[dict[str, pl.DataType]], pl.LazyFrame]


@dataclass
class Source:
    """One opened input. ``columns`` holds (name, raw_name, unit); ``sample`` the raw strings."""

    path: Path
    format: str
    columns: list[tuple[str, str, str | None]]
    sample: pl.DataFrame
    native: dict[str, pl.DataType]
    scan: Scan
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    header_row: int | None = None  # 1-based line (CSV) or row (Excel) of the header
    sheet: str | None = None
    text_path: Path | None = None  # UTF-8 text the CSV reader scans
    data_line: int = 0  # 0-based first data line in text_path
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c[0] for c in self.columns]


def check_path(path: Path) -> str:
    """The format of ``path`` or an InputError (missing, directory, unknown extension)."""
    if not path.exists():
        dangling = " (끊어진 심볼릭 링크)" if path.is_symlink() else ""
        raise InputError(
            f"파일이 없습니다{dangling}",
            "the file does not exist" + (" (a broken symbolic link)" if dangling else ""),
            file=path,
        )
    if path.is_dir():
        raise InputError(
            "파일이 아니라 폴더입니다", "the path is a directory, not a file", file=path
        )
    if not path.is_file():
        raise InputError(
            "일반 파일이 아닙니다 (장치, 파이프 또는 소켓)",
            "not a regular file (a device, pipe or socket)",
            file=path,
        )
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        raise InputError(
            f"지원하지 않는 파일 형식입니다 ({path.suffix or '확장자 없음'}); 지원: {known}",
            f"unsupported file type ({path.suffix or 'no extension'}); supported: {known}",
            file=path,
        )
    if path.stat().st_size == 0:
        raise InputError("빈 파일입니다 (0 바이트)", "the file is empty (0 bytes)", file=path)
    return fmt


def _sample_frame(names: list[str], rows: list[list[str]]) -> pl.DataFrame:
    width = len(names)
    cols = {n: [r[i] if i < len(r) else None for r in rows] for i, n in enumerate(names)}
    return pl.DataFrame(cols, schema=dict.fromkeys(names[:width], pl.String))


def open_csv(
    path: Path,
    work_dir: Path,
    infer_rows: int,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> Source:
    limits = limits or Limits()
    d = sniff_csv(path, infer_rows, encoding, limits.max_cell_bytes)
    check_header(path, d.header, limits, line=d.header_line + 1)
    text_path = path
    if d.encoding not in ("utf-8", "utf-8-sig") or d.cr_only:
        text_path = work_dir / f"{path.stem}.{abs(hash(str(path))):x}.utf8.csv"
        transcode_to_utf8(path, text_path, d.encoding, cr_only=d.cr_only)
    columns = split_headers(d.header, d.units)
    names = [c[0] for c in columns]

    def scan(schema: dict[str, pl.DataType]) -> pl.LazyFrame:
        return pl.scan_csv(
            text_path,
            has_header=False,
            separator=d.delimiter,
            skip_lines=d.data_line,
            schema=schema,
            encoding="utf8",
            raise_if_empty=False,
        )

    return Source(
        path,
        "csv",
        columns,
        _sample_frame(names, d.sample),
        {},
        scan,
        d.encoding,
        d.delimiter,
        d.decimal,
        d.header_line + 1,
        None,
        text_path,
        d.data_line,
    )


def _excel_header(rows: list[list[str]]) -> int:
    filled = [sum(bool(c.strip()) for c in r) for r in rows]
    most = max(filled, default=0)
    return next((i for i, n in enumerate(filled) if n >= max(1, 0.8 * most)), 0)


#: Rows of each sheet read to count its non-empty columns when choosing a sheet.
SHEET_PROBE_ROWS = 200


@dataclass(frozen=True)
class SheetSize:
    """One worksheet's extent: rows (the sheet's used range) × columns holding any value in
    its first rows."""

    name: str
    rows: int
    columns: int
    visible: bool = True

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "rows": self.rows, "columns": self.columns}


def sheet_sizes(reader: Any) -> list[SheetSize]:
    """Every sheet's size from a probe of its first rows (fastexcel's reader)."""
    out = []
    for name in reader.sheet_names:
        probe = reader.load_sheet(name, header_row=None, dtypes="string", n_rows=SHEET_PROBE_ROWS)
        visible = getattr(probe, "visible", "visible") == "visible"
        out.append(
            SheetSize(name, int(probe.total_height), _filled_columns(probe.to_polars()), visible)
        )
    return out


def _filled_columns(frame: pl.DataFrame) -> int:
    """Columns holding at least one non-blank value."""
    return sum(
        1
        for c in frame.columns
        if frame[c].cast(pl.String).str.strip_chars().fill_null("").ne("").any()
    )


def largest_sheet(sizes: list[SheetSize]) -> tuple[str, str, str]:
    """The sheet holding the largest table (rows × non-empty columns; visible sheets first,
    the first sheet on a tie), with the reason (ko, en)."""
    pool = [s for s in sizes if s.visible and s.cells] or sizes
    best = max(pool, key=lambda s: (s.cells, -sizes.index(s)))
    if len(sizes) == 1:
        return best.name, "유일한 시트", "the only sheet"
    others = ", ".join(f"{s.name} {s.rows}×{s.columns}" for s in sizes if s is not best)
    return (
        best.name,
        f"가장 큰 표가 있는 시트 ({best.rows}×{best.columns}; 다른 시트: {others})",
        f"the sheet holding the largest table ({best.rows}×{best.columns}; others: {others})",
    )


def _no_uncached_formulas(path: Path, sheet: str) -> None:
    count, cells = uncached_formulas(path, sheet)
    if count:
        shown = ", ".join(cells) + (" …" if count > len(cells) else "")
        raise InputError(
            f"시트 '{sheet}'의 수식 셀 {count}개에 계산된 값이 저장되어 있지 않습니다 ({shown}); "
            "엑셀에서 열어 다시 계산하고 저장하세요",
            f"{count} formula cells of sheet '{sheet}' hold no computed value ({shown}); "
            "open the file in Excel, recalculate and save it",
            file=path,
            column=cells[0],
        )


def _check_cells(path: Path, body: pl.DataFrame, first_row: int, limits: Limits) -> None:
    """The first cell over ``max_cell_bytes`` (row numbers as the sheet shows them)."""
    for name in body.columns:
        sizes = body[name].str.len_bytes()
        big = sizes.arg_max()
        if big is not None and (sizes[big] or 0) > limits.max_cell_bytes:
            raise cell_too_large(
                path, int(sizes[big]), limits, line=first_row + int(big) + 1, column=name
            )


def open_excel(
    path: Path, sheet: str | None, infer_rows: int, limits: Limits | None = None
) -> Source:
    import fastexcel

    limits = limits or Limits()
    check_workbook(path, limits)
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
        if sheet is not None and sheet not in names:
            raise InputError(
                f"시트 '{sheet}'가 없습니다. 있는 시트: {', '.join(names)}",
                f"no sheet named '{sheet}'; available sheets: {', '.join(names)}",
                file=path,
            )
        sizes = sheet_sizes(reader) if len(names) > 1 else []  # one sheet: no probe
        if sheet is not None:
            chosen, why_ko, why_en = sheet, "--sheet로 지정", "given by --sheet"
        elif sizes:
            chosen, why_ko, why_en = largest_sheet(sizes)
        else:
            chosen, why_ko, why_en = names[0], "유일한 시트", "the only sheet"
        _no_uncached_formulas(path, chosen)
        raw = reader.load_sheet(chosen, header_row=None, dtypes="string").to_polars()
        if not sizes:
            sizes = [SheetSize(chosen, raw.height, _filled_columns(raw))]
    except InputError:
        raise
    except Exception as e:
        raise broken(path, (str(e).splitlines() or [type(e).__name__])[0][:200]) from e
    rows = [[c or "" for c in r] for r in raw.head(200).rows()]
    if not rows:
        raise InputError("빈 시트입니다", "the sheet is empty", file=path)
    h = _excel_header(rows)
    check_header(path, rows[h], limits, line=h + 1)
    units = None
    start = h + 1
    if len(rows) > h + 1 and _has_units_row(rows[h + 1], rows[h + 2 : h + 50]):
        units = [c.strip() or None for c in rows[h + 1]]
        start += 1
    columns = split_headers(rows[h], units)
    body = raw.slice(start).rename(dict(zip(raw.columns, [c[0] for c in columns], strict=True)))
    if body.height == 0:
        raise InputError(
            "데이터 행이 없습니다 (머리글만 있음)", "the sheet has no data rows", file=path
        )
    body = body.with_columns(pl.all().cast(pl.String))
    _check_cells(path, body, start, limits)
    return Source(
        path,
        "xlsx",
        columns,
        body.head(infer_rows),
        {},
        lambda _s: body.lazy(),
        header_row=h + 1,
        sheet=chosen,
        meta={
            "sheets": [z.to_dict() for z in sizes],
            "sheet_reason_ko": why_ko,
            "sheet_reason_en": why_en,
        },
    )


def _clean_typed(path: Path, fmt: str, lf: pl.LazyFrame, infer_rows: int) -> Source:
    schema = lf.collect_schema()
    columns = split_headers(list(schema.names()))
    names = [c[0] for c in columns]
    lf = lf.rename(dict(zip(schema.names(), names, strict=True)))
    native = {n: dt for n, dt in zip(names, schema.dtypes(), strict=True) if dt != pl.String}
    strings = [n for n in names if n not in native]
    sample = lf.select(strings).head(infer_rows).collect()
    if not names:
        raise InputError("열이 없습니다", "the file has no columns", file=path)
    return Source(path, fmt, columns, sample, native, lambda _s: lf)


def read_from(source: Source, path: Path) -> Source:
    """The same Parquet source, its columns read from ``path``: a byte-identical copy such as the
    stored blob (the name, and so the source-file column, stays the original's)."""
    if source.format != "parquet":
        raise ValueError(f"only a Parquet source can be read from a copy, not {source.format}")
    lf = pl.scan_parquet(path).rename({raw: name for name, raw, _ in source.columns})
    return replace(source, scan=lambda _s: lf)


def open_typed(path: Path, fmt: str, infer_rows: int, limits: Limits | None = None) -> Source:
    """Parquet or JSON Lines; typed columns keep their type, string columns are inferred."""
    limits = limits or Limits()
    if fmt == "jsonl":
        check_nesting(path, limits)
    try:
        if fmt == "parquet":
            lf = pl.scan_parquet(path)
        else:
            lf = pl.scan_ndjson(path, infer_schema_length=infer_rows)
        check_header(path, list(lf.collect_schema().names()), limits)
        src = _clean_typed(path, fmt, lf, infer_rows)
        if lf.head(1).collect().height == 0:
            raise InputError("데이터 행이 없습니다", "the file has no data rows", file=path)
    except InputError:
        raise
    except Exception as e:
        raise InputError(
            f"{fmt} 파일을 읽을 수 없습니다",
            f"cannot read the {fmt} file: {str(e).splitlines()[0][:200]}",
            file=path,
        ) from e
    return src


def open_source(
    path: Path,
    *,
    work_dir: Path,
    sheet: str | None,
    infer_rows: int,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> Source:
    fmt = check_path(path)
    if fmt == "csv":
        return open_csv(path, work_dir, infer_rows, encoding, limits)
    if fmt == "xlsx":
        return open_excel(path, sheet, infer_rows, limits)
    return open_typed(path, fmt, infer_rows, limits)


_PARSE_ERR = re.compile(
    r"could not parse `(?P<value>.*?)` as dtype `.*?` at column '(?P<col>.*?)'", re.S
)


def parse_failure(message: str) -> tuple[str, str] | None:
    """(column, value) from a Polars CSV parse error, if it is one."""
    m = _PARSE_ERR.search(message)
    return (m.group("col"), m.group("value")) if m else None
