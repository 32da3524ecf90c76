"""A workbook whose first sheet is a README: build and inspect take the sheet with the table."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app

runner = CliRunner()
ROWS, COLS = 176, 58


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Sheet 1: a one-cell note; sheet 2: 176 × 58 (time, 56 sensors, strength); sheet 3: a
    small code list."""
    rng = random.Random(3)
    wb = openpyxl.Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = "README"
    readme["A1"] = "이 통합 문서는 열처리 라인 검사 데이터입니다. 데이터는 다음 시트에 있습니다."
    data = wb.create_sheet("측정데이터")
    sensors = [f"센서{i:02d}[℃]" for i in range(1, COLS - 1)]
    data.append(["일시", *sensors, "인장강도[MPa]"])
    start = datetime(2024, 3, 1, 8)
    for r in range(ROWS):
        temps = [round(800 + 5 * i + rng.gauss(0, 3), 2) for i in range(len(sensors))]
        strength = round(400 + 0.5 * (temps[0] - 800) + rng.gauss(0, 0.5), 2)
        data.append([start + timedelta(minutes=r), *temps, strength])
    codes = wb.create_sheet("코드표")
    for row in (["코드", "뜻"], ["A", "정상"], ["B", "재작업"]):
        codes.append(row)
    path = tmp_path / "열처리_검사.xlsx"
    wb.save(path)
    return path


def test_build_takes_the_largest_sheet(workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "product"
    result = runner.invoke(
        app,
        ["build", str(workbook), "--out", str(out), "--target", "인장강도", "--task", "regression"],
    )
    assert result.exit_code == 0, result.output
    assert "측정데이터" in result.output  # the build says which sheet it read
    table = pl.read_parquet(out / "data" / "table.parquet")
    assert table.height == ROWS
    assert {"일시", "센서01", "센서56", "인장강도"} <= set(table.columns)
    lineage = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    (src,) = lineage["inputs"]
    assert src["sheet"] == "측정데이터"
    assert "largest" in src["sheet_reason"] and "README 1×1" in src["sheet_reason"]
    assert [(s["name"], s["rows"], s["columns"]) for s in src["sheets"]] == [
        ("README", 1, 1),
        ("측정데이터", ROWS + 1, COLS),
        ("코드표", 3, 2),
    ]


def test_sheet_option_still_wins(workbook: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["inspect", str(workbook), "--sheet", "코드표"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "given by --sheet" in result.output


def test_inspect_lists_every_sheet_with_its_size(workbook: Path) -> None:
    result = runner.invoke(app, ["inspect", str(workbook)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "README" in out and "코드표" in out and "측정데이터" in out
    assert f"{ROWS + 1}" in out and f"{COLS}" in out
    # the schema is the data sheet's (asked of the library: the printed table may be cut to the
    # width of a console another test created first)
    from mfgdata.frames.inspect import inspect_inputs

    names = {c["name"] for c in inspect_inputs([workbook])["columns"]}
    assert {"일시", "센서01", "인장강도"} <= names
