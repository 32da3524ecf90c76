"""The quality column pass in batches of a few columns (a wide table, issue 13) gives the report
of one query over every column: column batches size the work, never the results."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import polars as pl
import pytest

from mfgdata.quality import columns, scan
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import evaluate
from tests.quality.conftest import clean_table


def _report(df: pl.DataFrame) -> tuple[list[tuple[str, float]], dict[str, dict[str, object]]]:
    c = default_contract(product_id="p", name="p", schema=df.schema, time_column="ts")
    r = evaluate(df.lazy(), c)
    stats = {k: dataclasses.asdict(v) for k, v in r.stats.columns.items()}
    return [(m.id, m.value) for m in r.measures], stats


def test_batches_of_two_columns_give_the_one_query_report(monkeypatch: pytest.MonkeyPatch) -> None:
    df = clean_table(400)
    temp = df["temp"].to_numpy().copy()
    temp[[50, 51, 300]] = [90.0, np.nan, -40.0]  # spikes and a blank for the pass to find
    df = df.with_columns(pl.Series("temp", temp).fill_nan(None))
    whole = _report(df)
    seen: list[int] = []

    def narrow(lf: pl.LazyFrame, stats: list[columns.ColumnStats], **kw: Any) -> Any:
        kw["params"] = dataclasses.replace(kw["params"], batch_columns=2)
        seen.append(len(stats))
        return columns.scan_columns(lf, stats, **kw)

    monkeypatch.setattr(scan, "scan_columns", narrow)
    batched = _report(df)
    assert seen == [6]  # six columns: three queries of two
    assert batched == whole
    assert whole[1]["temp"]["nulls"] == 1 and whole[1]["temp"]["spikes"] >= 1
