"""Table facts of the written Parquet: footer counts, the narrow pass and key uniqueness."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from mfgdata.packaging.datafiles import csv_datetime_format, table_facts, write_csv, write_parquet


def _frame(times: list[datetime]) -> pl.DataFrame:
    n = len(times)
    return pl.DataFrame(
        {
            "t": times,
            "m": ["A" if i % 2 else "B" for i in range(n)],
            "x": [None if i % 3 == 0 else float(i) for i in range(n)],
            "s": ["" if i % 4 == 0 else "ok" for i in range(n)],
        }
    )


def _written(tmp_path: Path, df: pl.DataFrame, name: str = "t.parquet") -> Path:
    path = tmp_path / name
    write_parquet(df.lazy(), path)
    return path


def test_counts_match_a_full_scan(tmp_path: Path) -> None:
    start = datetime(2024, 1, 1)
    df = _frame([start + timedelta(seconds=i) for i in range(1000)])
    facts = table_facts(_written(tmp_path, df), ["t", "m"])
    assert facts.rows == 1000
    assert facts.null_counts == {
        "t": 0,
        "m": 0,
        "x": df["x"].null_count(),
        "s": int((df["s"] == "").sum()),  # the CSV cannot tell "" from null
    }
    assert facts.fractional == {"t": False} and facts.key_unique is True


def test_without_footer_statistics_the_counts_are_computed(tmp_path: Path) -> None:
    df = _frame([datetime(2024, 1, 1, 0, 0, i, 500_000) for i in range(20)])
    path = tmp_path / "nostats.parquet"
    pq.write_table(df.to_arrow(), path, write_statistics=False)
    facts = table_facts(path, [])
    assert facts.null_counts["x"] == df["x"].null_count() and facts.null_counts["s"] == 5
    assert facts.fractional == {"t": True} and facts.key_unique is False


@pytest.mark.parametrize(
    ("seconds", "machines", "unique"),
    [
        ([0, 1, 2, 3], ["A", "A", "A", "A"], True),  # strictly increasing time: proven at once
        ([0, 0, 1, 1], ["A", "B", "A", "B"], True),  # repeated time, distinct (time, machine)
        ([0, 1, 1, 2], ["A", "B", "B", "A"], False),  # a repeated (time, machine)
        ([3, 2, 1, 0], ["A", "A", "A", "A"], True),  # decreasing: checked by grouping
    ],
)
def test_key_uniqueness(
    tmp_path: Path, seconds: list[int], machines: list[str], unique: bool
) -> None:
    start = datetime(2024, 1, 1)
    df = pl.DataFrame({"t": [start + timedelta(seconds=s) for s in seconds], "m": machines})
    assert table_facts(_written(tmp_path, df), ["t", "m"]).key_unique is unique


def test_a_null_in_the_key_is_never_unique(tmp_path: Path) -> None:
    df = pl.DataFrame({"t": [datetime(2024, 1, 1), None], "m": ["A", "A"]})
    assert table_facts(_written(tmp_path, df), ["t", "m"]).key_unique is False


@pytest.mark.parametrize(
    ("zone", "unit", "shifted"),
    [
        ("Asia/Seoul", "us", True),  # one offset since 1988: formatted by a shift
        ("UTC", "ns", True),
        ("America/St_Johns", "ms", True),  # -03:30 in winter
        ("Europe/Berlin", "us", False),  # the range crosses a DST change: zone per value
    ],
)
def test_csv_times_match_the_per_value_format(
    tmp_path: Path, zone: str, unit: str, shifted: bool
) -> None:
    start = datetime(2024, 1, 10, 23, 59, 59) if shifted else datetime(2024, 3, 30, 12)
    wall = [start + timedelta(hours=7 * i, microseconds=250_000 * i) for i in range(40)]
    df = pl.DataFrame({"t": pl.Series(wall).cast(pl.Datetime(unit)), "v": range(40)})
    zoned = pl.col("t").dt.replace_time_zone(zone, non_existent="null", ambiguous="earliest")
    df = df.with_columns(zoned).drop_nulls()  # a wall time in Berlin's spring gap is no time
    path = _written(tmp_path, df)
    facts = table_facts(path, ["t"])
    assert ("t" in facts.offsets) is shifted and facts.fractional == {"t": True}
    write_csv(pl.scan_parquet(path), facts, tmp_path / "t.csv")
    fmt = csv_datetime_format(df.schema["t"], True)
    expected = df.with_columns(pl.col("t").dt.to_string(fmt)).write_csv(line_terminator="\n")
    assert (tmp_path / "t.csv").read_text() == expected
    assert expected.splitlines()[1].startswith(start.isoformat()[:19])
