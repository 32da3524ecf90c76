"""Choosing a workbook's sheet: the largest table, visible sheets first."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from mfgdata.frames.sources import SheetSize, largest_sheet, open_excel


def test_largest_sheet_prefers_visible_tables() -> None:
    sizes = [
        SheetSize("README", 1, 1),
        SheetSize("hidden", 5000, 20, visible=False),
        SheetSize("data", 177, 58),
        SheetSize("data2", 177, 58),
    ]
    name, ko, en = largest_sheet(sizes)
    assert name == "data"  # the hidden sheet is bigger; on a tie the first wins
    assert "177×58" in ko and "README 1×1" in en


def test_one_sheet_is_the_only_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "검사"
    for row in (["시간", "온도[°C]"], ["2024-03-01 00:00:00", 1.5], ["2024-03-01 00:01:00", 2]):
        ws.append(row)
    path = tmp_path / "one.xlsx"
    wb.save(path)
    src = open_excel(path, None, 100)
    assert src.sheet == "검사"
    assert src.meta["sheets"] == [{"name": "검사", "rows": 3, "columns": 2}]
    assert src.meta["sheet_reason_en"] == "the only sheet"
