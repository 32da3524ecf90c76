"""The proposal: conservative operations chosen from the profile."""

from __future__ import annotations

from typing import Any

import polars as pl

from mfgdata.recipe import load, model, propose

SCHEMA: dict[str, pl.DataType] = {
    "시각": pl.Datetime("us"),
    "설비": pl.String(),
    "온도": pl.Float64(),
    "압력": pl.Float64(),
    "카운트": pl.Int64(),
    "상태": pl.String(),
    "비고": pl.String(),
    "불량": pl.Int64(),
}


def profile(**time: Any) -> dict[str, Any]:
    return {
        "rows": 1000,
        "columns": {
            "시각": {"kind": "datetime", "count": 1000, "nulls": 0, "distinct": 1000},
            "설비": {"kind": "categorical", "count": 1000, "nulls": 0, "distinct": 3},
            "온도": {"kind": "numeric", "count": 950, "nulls": 50, "distinct": 400},  # gaps, spikes
            "압력": {"kind": "numeric", "count": 1000, "nulls": 0, "distinct": 300},
            "카운트": {"kind": "numeric", "count": 990, "nulls": 10, "distinct": 4},
            "상태": {"kind": "categorical", "count": 1000, "nulls": 0, "distinct": 1},
            "비고": {"kind": "text", "count": 0, "nulls": 1000, "distinct": 0},
            "불량": {"kind": "numeric", "count": 1000, "nulls": 0, "distinct": 2},
        },
        "time": {"column": "시각", "entity_column": "설비", **time} if time else None,
    }


def test_proposal_for_a_sensor_table_with_gaps_and_spikes() -> None:
    p = propose.propose(
        SCHEMA,
        profile(duplicates={"count": 5}),
        time_column="시각",
        id_column="설비",
        target="불량",
        duplicate_rows=3,
    )
    assert p.recipe.to_dict() == {
        "version": 1,
        "time_column": "시각",
        "id_column": "설비",
        "steps": [
            {"op": "drop", "columns": ["비고"]},
            {"op": "dedupe", "keep": "first", "note": p.recipe.to_dict()["steps"][1]["note"]},
            {"op": "sort", "columns": ["시각", "설비"], "descending": False},
            {
                "op": "missing",
                "columns": {
                    "온도": {"policy": "forward_fill", "limit": 3, "max_gap": 3},
                    "카운트": {"policy": "forward_fill", "limit": 3, "max_gap": 3},
                },
            },
            {
                "op": "outliers",
                "columns": ["온도", "압력"],
                "method": {"name": "hampel", "window": 3, "n_sigmas": 3.0},
                "action": "flag",
            },
        ],
    }
    en = [n[1] for n in p.notes]
    assert "constant column '상태' (kept)" in en
    assert "2 rows share a timestamp with different values; kept" in en
    assert load.parse_text(load.dump(p.recipe)) == p.recipe


def test_no_time_column_no_fill_and_iqr_flags() -> None:
    p = propose.propose(SCHEMA, profile(), time_column=None)
    ops = [s.op for s in p.recipe.steps]
    assert ops == ["drop", "outliers"]
    outliers = p.recipe.steps[1]
    assert isinstance(outliers, model.Outliers)
    assert outliers.action == "flag" and outliers.method.name == "iqr"
    assert outliers.columns == ["온도", "압력"]


def test_never_destroys_data() -> None:
    p = propose.propose(
        SCHEMA, profile(duplicates={"count": 9}), time_column="시각", duplicate_rows=0
    )
    for step in p.recipe.steps:
        assert not isinstance(step, model.Filter | model.Resample | model.Keep)
        if isinstance(step, model.Outliers):
            assert step.action == "flag"
        if isinstance(step, model.Dedupe):
            assert step.columns is None  # exact duplicates only
        if isinstance(step, model.Missing):
            assert all(not isinstance(v, model.DropMissing) for v in step.columns.values())
    assert not any(isinstance(s, model.Dedupe) for s in p.recipe.steps)


def test_without_a_profile() -> None:
    p = propose.propose(SCHEMA, None, time_column="시각", id_column="설비")
    assert [s.op for s in p.recipe.steps] == ["sort"]
    p = propose.propose({"x": pl.String()}, None, time_column="x")  # not a datetime
    assert p.recipe.time_column is None and p.recipe.steps == []
