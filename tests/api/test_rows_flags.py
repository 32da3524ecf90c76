"""The rows API filters on the recipe's quality flags (``data/flags.parquet``, issue 11 moved
them out of the table): a buyer asks for the flagged rows, or names a flag in ``columns=``; the
default rows keep the table's width and the schema lists the flags."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from fastapi.testclient import TestClient

from api.conftest import PLANT

URL = f"/api/v1/products/{PLANT}/versions/1"
FLAG = "금형온도__outlier"


def _flags(plant: Path) -> pl.DataFrame:
    return pl.read_parquet(plant / "data" / "flags.parquet")


def test_rows_filter_on_a_flag(client: TestClient, plant: Path) -> None:
    flags = _flags(plant)
    flagged = flags.filter(pl.col(FLAG)).get_column("row").to_list()
    assert flagged  # the plant export has mould-temperature spikes the recipe flags
    table = pl.read_parquet(plant / "data" / "table.parquet")
    r = client.get(f"{URL}/rows", params={f"f.{FLAG}": "true", "columns": f"금형온도,{FLAG}"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(flagged)
    assert [row["금형온도"] for row in body["rows"]] == table["금형온도"].gather(flagged).to_list()
    assert all(row[FLAG] is True for row in body["rows"])
    r = client.get(f"{URL}/rows", params={f"f.{FLAG}__ne": "true", "limit": 10_000})
    assert r.json()["total"] == table.height - len(flagged)


def test_default_rows_keep_the_table_width(client: TestClient, plant: Path) -> None:
    table = pl.read_parquet(plant / "data" / "table.parquet")
    body = client.get(f"{URL}/rows", params={"limit": 3}).json()
    assert body["columns"] == table.columns and not any("__outlier" in c for c in body["columns"])


def test_schema_lists_the_flags(client: TestClient, plant: Path) -> None:
    body = client.get(f"{URL}/schema").json()
    names = [f["name"] for f in body["flags"]]
    assert names == [n for n in _flags(plant).columns if n != "row"] and FLAG in names
    assert body["flags"][0]["dtype"] == "Boolean"


def test_unknown_flag_is_a_422(client: TestClient, plant: Path) -> None:
    r = client.get(f"{URL}/rows", params={"f.없는열__outlier": "true"})
    assert r.status_code == 422 and "없는열__outlier" in r.text
