"""Raw plant files the way a plant exports them, for predict: a CP949 CSV with title lines and
historian junk, and workbooks with several sheets."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import openpyxl

HEADER = ["일시", "설비ID", "금형온도[℃]", "사출압력[bar]", "사이클타임[s]", "불량여부"]
#: row of the training file whose mould temperature is a spike the recipe flags
SPIKE_ROW = 100


def plant_rows(n: int, seed: int, start: datetime, junk: bool = True) -> list[list[str]]:
    """Two machines, 30 s cycles; a defect when the mould temperature leaves 210 ± 4 °C; every
    97th pressure is the historian's ``Bad``."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        temp, pressure, cycle = rng.normal(210, 3), rng.normal(80, 5), rng.normal(30, 1)
        bad = int(abs(temp - 210) > 4)
        p = "Bad" if junk and i % 97 == 5 else f"{pressure:.2f}"
        t = start + timedelta(seconds=30 * i)
        rows.append(
            [f"{t:%Y-%m-%d %H:%M:%S}", f"M{i % 2 + 1}", f"{temp:.2f}", p, f"{cycle:.2f}", str(bad)]
        )
    return rows


def plant_csv(path: Path, n: int = 400, seed: int = 1, spike: bool = False) -> Path:
    """A CP949 CSV with two title lines and a blank line above the header, CRLF line ends."""
    rows = plant_rows(n, seed, datetime(2024, 3, 1, 8))
    if spike:
        rows[SPIKE_ROW][2] = "350.00"
        rows[SPIKE_ROW][5] = "1"
    lines = ["설비명: 사출기 2호기", "출력: MES v3.2", "", ",".join(HEADER)]
    lines += [",".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    return path


def _typed(row: list[str]) -> list[object]:
    t = datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S")
    nums: list[object] = [float(v) if v != "Bad" else "Bad" for v in row[2:5]]
    return [t, row[1], *nums, int(row[5])]


def plant_workbook(path: Path, sheets: dict[str, tuple[int, int]], readme: bool = False) -> Path:
    """A workbook: an optional one-cell README first, then a plant table per sheet
    (``name: (rows, seed)``)."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    if readme:
        first.title = "README"
        first["A1"] = "사출 라인 검사 기록입니다. 데이터는 다음 시트에 있습니다."
    else:
        wb.remove(first)
    for name, (n, seed) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(HEADER)
        for r in plant_rows(n, seed, datetime(2024, 4, 1, 8), junk=False):
            ws.append(_typed(r))
    wb.save(path)
    return path
