"""Column statistics: invariants on random columns, kinds, top values, distinct counts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.profiling.columns import column_metas, column_stats, infer_kind

floats = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), floats), min_size=1, max_size=60))
def test_counts_add_up_and_median_is_inside(values: list[float | None]) -> None:
    lf = pl.LazyFrame({"x": pl.Series(values, dtype=pl.Float64)})
    rows, cols = column_stats(
        lf, column_metas(lf.collect_schema(), []), rows_hint=len(values), tz="UTC"
    )
    c = cols["x"]
    assert rows == len(values)
    assert c["count"] + c["nulls"] == rows
    present = [v for v in values if v is not None]
    if present:
        assert c["min"] <= c["quantiles"]["p50"] <= c["max"]
        assert sum(c["histogram"]["counts"]) == c["count"]
        assert c["distinct"] == len(set(present))
    else:
        assert c["min"] is None and c["histogram"]["counts"] == []


@pytest.mark.parametrize(
    ("dtype", "kind"),
    [
        (pl.Int32, "numeric"),
        (pl.Float64, "numeric"),
        (pl.Boolean, "boolean"),
        (pl.Datetime("us"), "datetime"),
        (pl.Date, "datetime"),
        (pl.String, "categorical"),
    ],
)
def test_infer_kind(dtype: pl.DataType, kind: str) -> None:
    assert infer_kind(dtype) == kind


def test_ingest_kind_and_unit_are_used() -> None:
    schema = pl.Schema({"온도": pl.Float64, "source_file": pl.String})
    metas = column_metas(schema, [{"name": "온도", "unit": "°C", "kind": "numeric"}])
    assert [(m.name, m.kind, m.unit) for m in metas] == [
        ("온도", "numeric", "°C"),
        ("source_file", "categorical", None),
    ]


def test_top_values_sorted_by_count_then_value_and_bounded() -> None:
    words = [f"w{i:02d}" for i in range(15)]
    data = [w for i, w in enumerate(words) for _ in range(1 + i % 3)] + [None]
    lf = pl.LazyFrame({"s": data, "b": [i % 3 == 0 for i in range(len(data))]})
    metas = column_metas(lf.collect_schema(), [{"name": "s", "kind": "text"}])
    _, cols = column_stats(lf, metas, rows_hint=len(data), tz="UTC")
    top = cols["s"]["top_values"]
    assert len(top) == 10
    assert top[:5] == [{"value": w, "count": 3} for w in ("w02", "w05", "w08", "w11", "w14")]
    assert top[5] == {"value": "w01", "count": 2}
    assert cols["s"]["distinct"] == 15 and cols["s"]["nulls"] == 1
    assert {t["value"] for t in cols["b"]["top_values"]} == {"true", "false"}
    assert "mean" not in cols["b"] and "histogram" not in cols["s"]


def test_text_distinct_is_approximate_above_the_threshold_numeric_always_exact() -> None:
    lf = pl.LazyFrame(
        {"x": np.arange(5000, dtype=np.float64) % 4999, "s": [f"v{i}" for i in range(5000)]}
    )
    metas = column_metas(lf.collect_schema(), [{"name": "s", "kind": "text"}])
    _, exact = column_stats(lf, metas, rows_hint=5000, tz="UTC")
    _, big = column_stats(lf, metas, rows_hint=10_000_000, tz="UTC")
    assert exact["s"]["distinct"] == 5000 and exact["s"]["distinct_exact"] is True
    assert big["s"]["distinct_exact"] is False
    assert big["s"]["distinct"] == pytest.approx(5000, rel=0.05)
    for cols in (exact, big):  # numeric columns are sorted anyway: their count is exact
        assert cols["x"]["distinct"] == 4999 and cols["x"]["distinct_exact"] is True


def test_nan_counts_as_missing_and_integers_stay_exact() -> None:
    big = 2**60
    lf = pl.LazyFrame(
        {"f": [1.0, float("nan"), None, 3.0], "i": pl.Series([big, big + 1, big + 1, None])}
    )
    _, cols = column_stats(lf, column_metas(lf.collect_schema(), []), rows_hint=4, tz="UTC")
    assert cols["f"]["count"] == 2 and cols["f"]["nulls"] == 2
    assert sum(cols["f"]["histogram"]["counts"]) == 2 and cols["f"]["mean"] == 2.0
    assert cols["i"]["distinct"] == 2 and cols["i"]["max"] == big + 1  # no float rounding


def test_datetime_and_integer_columns() -> None:
    from datetime import datetime

    lf = pl.LazyFrame(
        {"d": [datetime(2024, 1, 1, 9), datetime(2024, 1, 2, 9), None], "i": [3, 1, 2]}
    )
    _, cols = column_stats(lf, column_metas(lf.collect_schema(), []), rows_hint=3, tz="Asia/Seoul")
    assert cols["d"]["min"] == "2024-01-01T09:00:00+09:00"
    assert cols["d"]["max"] == "2024-01-02T09:00:00+09:00"
    assert cols["i"]["mean"] == 2.0 and cols["i"]["quantiles"]["p50"] == 2.0
    assert cols["i"]["min"] == 1 and isinstance(cols["i"]["min"], int)


def test_a_mean_within_the_float_error_of_its_sum_is_zero_in_any_order() -> None:
    """A standardized tag (mean 0 by construction) had mean 0.0 on Polars and 1.4e-16 on Spark
    (bibmon refinery): float sums in another order. A mean no larger than the sum's error bound
    (n x eps x max|x|) is written as 0, whatever the order of the rows."""
    rng = np.random.default_rng(3)
    raw = rng.normal(4.2, 1.7, 3169)
    z = (raw - raw.mean()) / raw.std()
    means = set()
    for order in (np.arange(z.size), rng.permutation(z.size), z.argsort()):
        lf = pl.LazyFrame({"tag": z[order], "level": raw[order]})
        _, cols = column_stats(
            lf, column_metas(lf.collect_schema(), []), rows_hint=z.size, tz="UTC"
        )
        means.add(cols["tag"]["mean"])
        assert cols["level"]["mean"] == pytest.approx(4.2, abs=0.1)  # a real mean is kept
    assert means == {0.0}
