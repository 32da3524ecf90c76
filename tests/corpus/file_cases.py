"""Hostile workbook, Parquet, JSON Lines, path and size cases (big inputs made at test time)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl

from corpus.case import HEAD, Case, Make, column, csv_text, numbers, table, write


def _xlsx(rows: list[list[object]], sheet: str = "data") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _grid(n: int = 30) -> list[list[object]]:
    return [["id", "temp", "pressure"], *[[i, 20 + i / 10, 1 + i / 100] for i in range(n)]]


def _rezip(
    data: bytes,
    change: dict[str, bytes | None],
    extra: dict[str, bytes] | None = None,
    level: int = 6,
) -> bytes:
    """The workbook ``data`` with some members replaced (None: removed) or added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for info in src.infolist():
            body = change.get(info.filename, src.read(info.filename))
            if body is not None:
                z.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            z.writestr(name, body)
    return out.getvalue()


def _sheet_xml(cells: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def _formula_rows(cached: bool) -> str:
    rows = [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
    ]
    for i in range(2, 32):
        value = f"<v>{i * 2}</v>" if cached else ""
        rows.append(
            f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}"><f>A{i}*2</f>{value}</c></row>'
        )
    return "".join(rows)


def _formulas(cached: bool) -> Make:
    def make(d: Path) -> list[Path]:
        base = _xlsx(_grid())
        data = _rezip(base, {"xl/worksheets/sheet1.xml": _sheet_xml(_formula_rows(cached))})
        return [write(d / ("cached.xlsx" if cached else "nocache.xlsx"), data)]

    return make


def _bomb(d: Path) -> list[Path]:
    """A workbook whose one sheet inflates ~1000x (40 MB of spaces in its XML)."""
    base = _xlsx(_grid())
    pad = b" " * (40 * 1024 * 1024)
    xml = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>')
    xml = xml.replace(b"<sheetData>", b"<sheetData>" + pad)
    return [write(d / "bomb.xlsx", _rezip(base, {"xl/worksheets/sheet1.xml": xml}, level=9))]


def _laughs(d: Path) -> list[Path]:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    xml = _sheet_xml(cells).replace(b"?>", f"?><!DOCTYPE worksheet [{ents}]>".encode(), 1)
    return [write(d / "laughs.xlsx", _rezip(_xlsx(_grid()), {"xl/worksheets/sheet1.xml": xml}))]


def _traversal(d: Path) -> list[Path]:
    base = _xlsx(_grid())
    return [write(d / "escape.xlsx", _rezip(base, {}, {"../../evil.txt": b"owned"}))]


def _cut(name: str, data: bytes) -> Make:
    def make(d: Path) -> list[Path]:
        return [write(d / name, data[: len(data) // 2])]

    return make


def _parquet(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


def _wide(d: Path) -> list[Path]:
    header = ",".join(f"c{j}" for j in range(10_000))
    rows = "".join(",".join(str((i * j) % 97) for j in range(10_000)) + "\n" for i in range(20))
    return [write(d / "wide.csv", header + "\n" + rows)]


def _long_name(d: Path) -> list[Path]:
    return [write(d / "longname.csv", "id," + "x" * 100_000 + "\n" + "1,2\n" * 30)]


def _long_name_xlsx(d: Path) -> list[Path]:
    return [write(d / "longname.xlsx", _xlsx([["id", "y" * 20_000], *[[i, i] for i in range(30)]]))]


def _mb_cells(d: Path) -> list[Path]:
    cell = "a" * 1_000_000
    body = "".join(f"{i},{cell}\n" for i in range(3))
    return [write(d / "cells.csv", "id,blob\n" + body)]


def _huge_cell(d: Path) -> list[Path]:
    body = "0,short\n1," + "b" * 3_000_000 + "\n2,short\n"
    return [write(d / "hugecell.csv", "id,blob\n" + body)]


def _deep(d: Path) -> list[Path]:
    ok = "".join(f'{{"id": {i}, "v": {i * 2}}}\n' for i in range(10))
    deep = '{"id": 10, "v": ' + "[" * 5000 + "]" * 5000 + "}\n"
    return [write(d / "deep.jsonl", ok + deep)]


def _jsonl_bad(d: Path) -> list[Path]:
    ok = "".join(f'{{"id": {i}, "v": {i * 2}}}\n' for i in range(10))
    return [write(d / "badjson.jsonl", ok + '{"id": 10, "v": \n' + ok)]


def _symlink(d: Path) -> list[Path]:
    target = write(d / "real" / "data.csv", csv_text(HEAD, numbers()))
    link = d / "link.csv"
    link.symlink_to(target)
    return [link]


def _dangling(d: Path) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    link = d / "gone.csv"
    link.symlink_to(d / "missing-target.csv")
    return [link]


def _device(d: Path) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    link = d / "zero.csv"
    link.symlink_to("/dev/zero")
    return [link]


def _directory(d: Path) -> list[Path]:
    folder = d / "folder.csv"
    folder.mkdir(parents=True)
    write(folder / "x.csv", csv_text(HEAD, numbers()))
    return [folder]


def _two_files_differ(d: Path) -> list[Path]:
    return [
        write(d / "first.csv", csv_text(HEAD, numbers())),
        write(d / "second.csv", csv_text(["id", "temp"], [r[:2] for r in numbers()])),
    ]


def _two_same(d: Path) -> list[Path]:
    text = csv_text(HEAD, numbers())
    return [write(d / "one.csv", text), write(d / "copy.csv", text)]


def _jsonl_bigint(d: Path) -> list[Path]:
    lines = "".join(f'{{"id": {i}, "serial": {2**70 + i}}}\n' for i in range(30))
    return [write(d / "bigint.jsonl", lines)]


def _bigint_check(product: Path) -> None:
    got = column(product, "serial")
    assert len(set(got)) == 30 and str(got[0]) == str(2**70), got[:2]


XLSX = _xlsx(_grid())
PARQUET = _parquet(pl.DataFrame({"id": range(30), "x": [i / 3 for i in range(30)]}))


def _one(name: str, data: bytes | str) -> Make:
    def make(d: Path) -> list[Path]:
        return [write(d / name, data)]

    return make


def _formula_values(product: Path) -> None:
    assert column(product, "b")[:3] == [4, 6, 8]


def _nan_parquet(product: Path) -> None:
    x = table(product)["x"]
    assert x.null_count() == 2 and x.drop_nulls().is_finite().all()


CASES: list[Case] = [
    Case("xlsx_plain", _one("plain.xlsx", XLSX), "product", check=lambda p: None),
    Case("xlsx_truncated", _cut("cut.xlsx", XLSX), "refusal", ("cut.xlsx", "Excel")),
    Case(
        "csv_named_xlsx",
        _one("fake.xlsx", csv_text(HEAD, numbers())),
        "refusal",
        ("fake.xlsx",),
        web="product",  # an upload's kind is sniffed from its bytes, not its name
    ),
    Case("xlsx_named_csv", _one("book.csv", XLSX), "refusal", ("book.csv", "xlsx"), web="product"),
    Case("xlsx_formulas_cached", _formulas(True), "product", check=_formula_values),
    Case("xlsx_formulas_no_cache", _formulas(False), "refusal", ("nocache.xlsx", "data", "B2")),
    Case("xlsx_zip_bomb", _bomb, "refusal", ("bomb.xlsx", "zip bomb")),
    Case("xlsx_billion_laughs", _laughs, "refusal", ("laughs.xlsx", "DTD")),
    Case("xlsx_path_traversal", _traversal, "refusal", ("escape.xlsx", "../../evil.txt")),
    Case("xlsx_long_name", _long_name_xlsx, "refusal", ("longname.xlsx", "column name")),
    Case("parquet_plain", _one("plain.parquet", PARQUET), "product", check=lambda p: None),
    Case("parquet_truncated", _cut("cut.parquet", PARQUET), "refusal", ("cut.parquet", "parquet")),
    Case(
        "parquet_zero_rows",
        _one("none.parquet", _parquet(pl.DataFrame({"a": [1]}).head(0))),
        "refusal",
        ("none.parquet", "no data rows"),
    ),
    Case(
        "parquet_nan_inf",
        _one(
            "naninf.parquet",
            _parquet(
                pl.DataFrame(
                    {
                        "id": range(30),
                        "x": [float("nan"), float("inf")] + [i / 2 for i in range(28)],
                    }
                )
            ),
        ),
        "product",
        check=_nan_parquet,
    ),
    Case(
        "jsonl_plain",
        _one("plain.jsonl", "".join(f'{{"id": {i}, "v": {i / 2}}}\n' for i in range(30))),
        "product",
        check=lambda p: None,
    ),
    Case("jsonl_deep", _deep, "refusal", ("deep.jsonl", "nest", "line 11")),
    Case("jsonl_broken_line", _jsonl_bad, "refusal", ("badjson.jsonl", "JSON")),
    Case("jsonl_bigint", _jsonl_bigint, "product", check=_bigint_check),
    Case("wide_10k_columns", _wide, "refusal", ("wide.csv", "10000 columns")),
    Case("column_name_100kb", _long_name, "refusal", ("longname.csv", "column name")),
    Case("cells_1mb", _mb_cells, "product", check=lambda p: None),
    Case("cell_3mb", _huge_cell, "refusal", ("hugecell.csv", "line 3", "column 'blob'")),
    Case("symlink_to_csv", _symlink, "product", check=lambda p: None, api=False),
    Case("dangling_symlink", _dangling, "refusal", ("gone.csv", "not exist"), api=False),
    Case("symlink_to_device", _device, "refusal", ("zero.csv", "regular file"), api=False),
    Case("directory_input", _directory, "refusal", ("folder.csv", "directory"), api=False),
    Case(
        "unknown_extension",
        _one("data.xyz", "a,b\n1,2\n"),
        "refusal",
        ("data.xyz", "unsupported"),
        web="product",
    ),
    Case("old_xls", _one("old.xls", b"\xd0\xcf\x11\xe0" + bytes(600)), "refusal", ("old.xls",)),
    Case("files_differ", _two_files_differ, "refusal", ("second.csv", "missing ['pressure']")),
    Case("files_identical", _two_same, "product", check=lambda p: None),
]
