"""``mfgdata inspect``: what mfgdata sees in a file, without writing anything."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.frames.inspect import inspect_inputs


def _input_table(info: dict[str, Any]) -> Table:
    table = Table(title=f"{info.get('name')}", show_header=False)
    table.add_column("item", style="bold")
    table.add_column("value")
    for key, label in (
        ("format", "형식 / format"),
        ("encoding", "인코딩 / encoding"),
        ("delimiter", "구분자 / delimiter"),
        ("decimal", "소수점 / decimal mark"),
        ("header_row", "헤더 행 / header row"),
        ("sheet", "시트 / sheet"),
        ("duplicate_of", "같은 파일 / identical to"),
        ("rows", "행 / rows"),
    ):
        if info.get(key) is not None:
            table.add_row(label, repr(info[key]) if key == "delimiter" else str(info[key]))
    return table


def _tokens(tokens: dict[str, int]) -> str:
    return ", ".join(f"{t} ×{n}" for t, n in list(tokens.items())[:10])


def _sheets_table(info: dict[str, Any]) -> Table:
    table = Table(title=f"시트 / sheets: {info.get('name')}")
    for head in ("시트 / sheet", "행 / rows", "열 / columns", ""):
        table.add_column(head)
    for s in info["sheets"]:
        chosen = s["name"] == info.get("sheet")
        table.add_row(
            str(s["name"]),
            str(s["rows"]),
            str(s["columns"]),
            f"← 읽음 / read: {info.get('sheet_reason_en', '')}" if chosen else "",
        )
    return table


def _schema_table(columns: list[dict[str, Any]]) -> Table:
    table = Table(title="스키마 / schema")
    for head in ("열 / column", "원래 이름 / raw", "단위 / unit", "종류 / kind", "형 / dtype"):
        table.add_column(head)
    for extra in ("nulls", "min", "max"):
        table.add_column(extra, justify="right")
    for col in columns:
        table.add_row(
            str(col.get("name")),
            str(col.get("raw_name", "")),
            str(col.get("unit") or ""),
            str(col.get("kind", "")),
            str(col.get("dtype", "")),
            str(col.get("nulls", "")),
            str(col.get("min", "")),
            str(col.get("max", "")),
        )
    return table


@handle_errors
def inspect(
    inputs: Annotated[list[Path], typer.Argument(help="원시 파일 / raw input files")],
    sheet: Annotated[str | None, typer.Option(help="엑셀 시트 / Excel sheet")] = None,
) -> None:
    """파일을 읽어 인코딩·구분자·스키마를 보여줍니다 (쓰기 없음) / Show what mfgdata detects."""
    report = inspect_inputs(inputs, sheet=sheet)
    for info in report["inputs"]:
        console.print(_input_table(info))
        if info.get("sheets"):
            console.print(_sheets_table(info))
    console.print(_schema_table(report["columns"]))
    if report.get("time_column"):
        console.print(f"시간 열 / time column: [bold]{report['time_column']}[/]")
    for column, junk in sorted(report.get("junk", {}).items()):
        console.print(
            f"[yellow]잡음 값 / junk values[/] {column}: {junk['count']} "
            f"({', '.join(map(str, junk['examples'][:5]))})"
            + (f" — {_tokens(junk['tokens'])}" if junk.get("tokens") else "")
        )
