"""Type inference from a sample of raw strings (vectorised over a Polars series)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.frames.infer import infer_plan


@pytest.mark.parametrize(
    ("name", "raw", "decimal", "kind", "parse", "read"),
    [
        ("count", ["1", " 2", "3 ", None, ""], ".", "numeric", "keep", pl.Int64),
        ("v", ["1.5", "2", "-3e2"], ".", "numeric", "keep", pl.Float64),
        ("v", ["1,234.5", "2.5"], ".", "numeric", "number", pl.String),
        ("v", ["1.5", "Bad", "2.5"], ".", "numeric", "number", pl.String),
        ("v", ["1,5", "2,25"], ",", "numeric", "number", pl.String),
        ("v", ["Bad", "#N/A"], ".", "numeric", "number", pl.String),
        ("FIC-301", ["1.5"] * 18 + ["Intf Shut", "Pt Created"], ".", "numeric", "number", None),
        (
            "TI-1",
            ["1"] * 46 + ["I/O Timeout", "Calc Failed", "Configure", "Not Connect"],
            ".",
            "numeric",
            "number",
            None,
        ),
        ("code", [str(i) for i in range(19)] + ["A1"], ".", "text", "keep", pl.String),
        ("grade", ["1"] * 8 + ["High", "Low"], ".", "categorical", "keep", pl.String),
        ("v", [None, ""], ".", "text", "number", pl.String),
        ("timestamp", ["1709251200", "1709251260"], ".", "datetime", "epoch_s", pl.Int64),
        ("ts", ["1709251200000", "Bad"], ".", "datetime", "epoch_ms", pl.String),
        ("가동시간", ["1", "2", "3"], ".", "numeric", "keep", pl.Int64),
        ("is_on", ["0", "1", "1"], ".", "boolean", "bool", pl.String),
        ("판정", ["OK", "ng", "OK"], ".", "categorical", "keep", pl.String),
        ("불량여부", ["OK", "ng", "OK"], ".", "boolean", "bool", pl.String),
        ("사용여부", ["Y", "N", "Y"], ".", "boolean", "bool", pl.String),
        ("t", ["2024-03-01 14:00:00", "2024-03-01 14:01:00"], ".", "datetime", "datetime", None),
        ("t", ["2024-03-01 오후 2:30:15"], ".", "datetime", "korean_datetime", pl.String),
        ("line", ["A", "B", "A", "B"], ".", "categorical", "keep", pl.String),
        ("memo", ["first", "second", "third"], ".", "text", "keep", pl.String),
    ],
)
def test_infer_plan(
    name: str,
    raw: list[str | None],
    decimal: str,
    kind: str,
    parse: str,
    read: type[pl.DataType] | None,
) -> None:
    plan = infer_plan(name, raw, decimal)
    assert (plan.kind, plan.parse) == (kind, parse)
    assert read is None or plan.read == read
    assert infer_plan(name, pl.Series(raw, dtype=pl.String), decimal) == plan


@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=50))
def test_integers_are_int64(values: list[int]) -> None:
    plan = infer_plan("v", [str(v) for v in values])
    assert (plan.kind, plan.read) == ("numeric", pl.Int64)


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=50))
def test_floats_are_numeric(values: list[float]) -> None:
    plan = infer_plan("v", [f"{v:.3f}" for v in values])
    assert (plan.kind, plan.read) == ("numeric", pl.Float64)
