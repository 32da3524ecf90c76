"""A wide table's recipe applied in column batches (issue 13 item 2) gives the table, the column
order, the column metadata and the operation records of the whole-table path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mfgdata.errors import RecipeError
from mfgdata.recipe import batched, model, ops
from mfgdata.recipe.state import ColumnMeta

TAGS = [f"tag{i:02d}" for i in range(40)]


def _table() -> pl.DataFrame:
    """Two machines, rows out of time order, null runs and spikes in every tag, a text column."""
    rng = np.random.default_rng(13)
    n = 90
    order = rng.permutation(n)
    data: dict[str, Any] = {
        "t": [dt.datetime(2024, 1, 1) + dt.timedelta(seconds=int(i) // 2) for i in order],
        "m": [f"M{i % 2}" for i in order],
        "note": [f"n{i % 3}" for i in range(n)],
    }
    for j, c in enumerate(TAGS):
        v = rng.normal(10 * j, 1 + j, n)
        v[rng.random(n) < 0.05] += 50
        v[rng.random(n) < 0.1] = np.nan
        data[c] = v
    return pl.DataFrame(data).with_columns(pl.col(TAGS).fill_nan(None))


def _recipe(action: str, method: dict[str, Any]) -> model.Recipe:
    steps: list[dict[str, Any]] = [
        {"op": "sort", "columns": ["t", "m"]},
        {"op": "cast", "columns": {"note": "category", "tag03": "float"}},
        {
            "op": "missing",
            "columns": {
                c: {"policy": "forward_fill", "limit": 3, "max_gap": 3}
                if i % 3
                else {"policy": "interpolate", "max_gap": 4}
                for i, c in enumerate(TAGS)
                if i % 4
            },
        },
        {"op": "convert_unit", "column": "tag05", "from": "degC", "to": "K"},
        {"op": "outliers", "columns": TAGS[::-1], "method": method, "action": action},
    ]
    return model.Recipe.model_validate(
        {"version": 1, "time_column": "t", "id_column": "m", "steps": steps}
    )


def _sort(a: ops.Applied) -> pl.LazyFrame:
    return a.frame.sort(["t", "m"], nulls_last=True, maintain_order=True)


@pytest.mark.parametrize("action", ["flag", "clip"])
@pytest.mark.parametrize(
    "method", [{"name": "hampel", "window": 3, "n_sigmas": 3.0}, {"name": "iqr", "k": 1.5}]
)
def test_batches_give_the_whole_table_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: str, method: dict[str, Any]
) -> None:
    recipe, frame = _recipe(action, method), _table().lazy()
    metas = {
        c: ColumnMeta(name=c, source=c.upper(), unit="degC" if c == "tag05" else None) for c in TAGS
    }
    whole = ops.apply(
        recipe, frame, columns={k: ColumnMeta(**v.to_dict()) for k, v in metas.items()}
    )
    monkeypatch.setattr(batched, "MAX_COLUMNS", 7)
    split = batched.plan(recipe, frame.collect_schema(), 90, 2**30)
    assert split is not None and split.keys == ["t", "m"]
    assert len(split.batches) == 6  # 41 columns, 7 a batch
    parts = batched.apply(recipe, frame, split, work_dir=tmp_path, finish=_sort, columns=metas)
    assert_frame_equal(parts.frame.collect(), _sort(whole).collect())
    assert parts.operations == whole.operations
    assert parts.columns == whole.columns
    assert (parts.rows_in, parts.rows_out) == (whole.rows_in, whole.rows_out) == (90, 90)
    assert any(op.get("outliers") for op in parts.operations)  # the data had something to find


def test_the_memory_setting_narrows_the_batches() -> None:
    assert batched.width(20, 2**30) == batched.MAX_COLUMNS
    assert batched.width(1_000_000, 2**30) == 1
    assert batched.width(100_000, 2**30) == 10


@pytest.mark.parametrize(
    "step",
    [
        {"op": "dedupe"},
        {"op": "filter", "where": "tag01 > 0"},
        {"op": "missing", "columns": {"tag01": {"policy": "drop"}}},
        {"op": "cast", "columns": {"t": "string"}},
    ],
    ids=["dedupe", "filter", "drop-missing", "key-cast"],
)
def test_a_recipe_that_reads_across_columns_is_not_batched(
    monkeypatch: pytest.MonkeyPatch, step: dict[str, Any]
) -> None:
    monkeypatch.setattr(batched, "MAX_COLUMNS", 7)
    recipe = model.Recipe.model_validate(
        {"version": 1, "time_column": "t", "id_column": "m", "steps": [step]}
    )
    assert batched.plan(recipe, _table().schema, 90, 2**30) is None
    narrow = model.Recipe.model_validate({"version": 1, "time_column": "t", "steps": []})
    assert batched.plan(narrow, _table().select("t", *TAGS[:7]).schema, 90, 2**30) is None


def test_an_error_in_a_batch_names_the_step_as_the_recipe_numbers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batched, "MAX_COLUMNS", 7)
    frame = _table().lazy()
    recipe = model.Recipe.model_validate(
        {
            "version": 1,
            "time_column": "t",
            "steps": [
                {"op": "missing", "columns": {"tag30": {"policy": "constant", "value": 0}}},
                {"op": "outliers", "columns": ["tag20", "note"], "method": {"name": "iqr"}},
            ],
        }
    )
    split = batched.plan(recipe, frame.collect_schema(), 90, 2**30)
    assert split is not None
    with pytest.raises(RecipeError) as e:  # the batch of 'note' has no missing step: its steps[0]
        batched.apply(recipe, frame, split, work_dir=tmp_path, finish=_sort)
    assert "steps[1] (outliers)" in e.value.en and "'note'" in e.value.en
    unknown = recipe.model_copy(
        update={
            "steps": [
                recipe.steps[0].model_copy(
                    update={"columns": {"nope": model.Constant(policy="constant", value=0)}}
                )
            ]
        }
    )
    assert batched.plan(unknown, frame.collect_schema(), 90, 2**30) is None
