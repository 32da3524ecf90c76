"""The proposal's duplicate count (issue 12): a full-row hash of the raw table is skipped only
when the profile proves no row can repeat (every (entity, time) key once, none null); a table
whose identical rows hide behind null times or repeated keys is still counted and deduplicated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mfgdata.flow import build
from mfgdata.pipeline.context import BuildOptions
from mfgdata.pipeline.results import PreprocessResult
from mfgdata.recipe import clean
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.preprocess import PreprocessStep
from mfgdata.steps.profile import ProfileStep

T0 = dt.datetime(2024, 5, 2, 9, 0, 0)


def _csv(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    lines = ["시각,설비,온도"] + [f"{t},{e},{v}" for t, e, v in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(extra: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    base = [
        ((T0 + dt.timedelta(seconds=i)).isoformat(sep=" "), e, 60.0 + i % 7)
        for i in range(30)
        for e in ("P1", "P2")
    ]
    return base + extra


def _removed(tmp_path: Path, rows: list[tuple[str, str, float]], calls: list[int]) -> int:
    options = BuildOptions(
        inputs=(_csv(tmp_path / "line.csv", rows),),
        out=tmp_path / "out",
        time_column="시각",
        id_column="설비",
    )
    r = build(options, steps=[IngestStep(), ProfileStep(), PreprocessStep()])
    pre = r.maybe(PreprocessResult)
    assert pre is not None
    ops = pre.operations
    return sum(int(o.get("rows_affected") or 0) for o in ops if o.get("op") == "dedupe")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    count = clean.duplicate_rows

    def counted(lf):  # type: ignore[no-untyped-def]
        seen.append(n := count(lf))
        return n

    monkeypatch.setattr(clean, "duplicate_rows", counted)
    return seen


def test_unique_keys_need_no_row_hash(tmp_path: Path, calls: list[int]) -> None:
    assert _removed(tmp_path, _rows([]), calls) == 0
    assert calls == []


def test_identical_rows_with_a_null_time_are_removed(tmp_path: Path, calls: list[int]) -> None:
    rows = _rows([("", "P1", 99.0), ("", "P1", 99.0)])
    assert _removed(tmp_path, rows, calls) == 1
    assert calls == [1]


def test_identical_rows_with_a_repeated_key_are_removed(tmp_path: Path, calls: list[int]) -> None:
    rows = _rows([])
    rows.insert(10, rows[3])
    assert _removed(tmp_path, rows, calls) == 1
    assert calls == [1]
