"""JSON values: rounding and ISO 8601 with offsets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mfgdata.profiling.values import iso, json_value, round_sig


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (123.456789, 123.457),
        (0.000123456789, 0.000123457),
        (1e20 / 3, 3.33333e19),
        (float("nan"), None),
        (float("inf"), None),
        (0.0, 0.0),
    ],
)
def test_round_sig(x: float, expected: float | None) -> None:
    assert round_sig(x) == expected


def test_iso_localises_naive_and_keeps_aware() -> None:
    assert iso(datetime(2024, 5, 1, 12), "Asia/Seoul") == "2024-05-01T12:00:00+09:00"
    assert iso(datetime(2024, 5, 1, 3, tzinfo=UTC), "Asia/Seoul") == "2024-05-01T03:00:00+00:00"
    assert iso(date(2024, 5, 1), "Asia/Seoul") == "2024-05-01"


def test_json_value_types() -> None:
    assert json_value(True, "UTC") is True
    assert json_value(7, "UTC") == 7
    assert json_value(timedelta(seconds=1.5), "UTC") == 1.5
    assert json_value(1 / 3, "UTC") == 0.333333


def test_a_zero_is_written_without_a_sign() -> None:
    """The bibmon refinery's all-zero tag: Polars' quantiles were -0.0, Spark's 0.0 (Spark
    normalises signed zeros when it sorts), so profile.json differed between engines; a signed
    zero says nothing a person can use."""
    import json
    import math

    import polars as pl

    from mfgdata.profiling.columns import column_metas, column_stats

    assert json.dumps(json_value(-0.0, "UTC")) == "0.0"
    assert json.dumps(round_sig(-1e-300 * 1e-300)) == "0.0"
    lf = pl.LazyFrame({"tag": [-0.0, -0.0, -0.0, 0.0]})
    _, cols = column_stats(lf, column_metas(lf.collect_schema(), []), rows_hint=4, tz="UTC")
    shown = [cols["tag"][k] for k in ("min", "max", "mean")] + list(
        cols["tag"]["quantiles"].values()
    )
    assert [math.copysign(1.0, v) for v in shown] == [1.0] * len(shown)
