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
