"""The same generated table built on Polars and on Spark gives the same product (issue 19).

The table has several machines, gaps, stuck runs, spikes, exact duplicate rows and nulls; it is
written as a UTF-8 CSV, a CP949 CSV and Parquet. Every product file is compared but the
manifest's times: Parquet as tables and as bytes (the Spark side joins its part files with the
Polars engine's own writer), JSON/HTML/CSV/YAML as text. No numeric tolerance is needed for what
is compared here: no floating aggregate is computed in a different order.

The profile step runs on Spark (its parity: test_profile_parity.py); every recipe operation and
the recipe proposal without --recipe too (test_recipe_parity.py, where the whole flow's build
without a recipe is compared).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mfgdata.flow import build
from mfgdata.pipeline.context import build_options
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.model import ModelStep
from mfgdata.steps.package import PackageStep
from mfgdata.steps.preprocess import PreprocessStep
from mfgdata.steps.standardize import StandardizeStep
from tests.engine.conftest import needs_spark

pytestmark = needs_spark

RECIPE = """version: 1
steps:
  - {op: rename, mapping: {설비: machine}}
  - {op: convert_unit, column: 온도, to: K}
  - {op: derive, expr: "전력 = 전압 * 전류", unit: W}
  - {op: cast, columns: {카운트: float}}
  - {op: drop, columns: [메모]}
"""


def sensor_table(rows_per_machine: int = 3_000, seed: int = 7) -> pl.DataFrame:
    """Three machines at 1 s with a gap, a stuck run, spikes, nulls and duplicate rows."""
    rng = np.random.default_rng(seed)
    frames = []
    for m in range(3):
        t0 = dt.datetime(2024, 3, 1, 8) + dt.timedelta(milliseconds=137 * m)
        secs = np.arange(rows_per_machine)
        secs[rows_per_machine // 2 :] += 600  # a 10-minute gap
        temp = 60 + rng.normal(0, 0.5, rows_per_machine).round(3)
        temp[100:160] = temp[100]  # stuck
        temp[rng.choice(rows_per_machine, 5, replace=False)] += 40  # spikes
        volt = (220 + rng.normal(0, 1, rows_per_machine)).round(2)
        amp = (3 + rng.normal(0, 0.1, rows_per_machine)).round(3)
        count = rng.integers(0, 50, rows_per_machine)
        frame = pl.DataFrame(
            {
                "시간": [t0 + dt.timedelta(seconds=int(s)) for s in secs],
                "설비": f"M-{m + 1}",
                "온도[°C]": temp,
                "전압[V]": volt,
                "전류[A]": amp,
                "카운트": count,
                "메모": ["정상" if i % 7 else "점검" for i in range(rows_per_machine)],
            }
        ).with_columns(
            pl.when(pl.int_range(pl.len()) % 53 == 0)
            .then(None)
            .otherwise(pl.col("온도[°C]"))
            .alias("온도[°C]")
        )
        frames.append(pl.concat([frame, frame.slice(200, 20)]))  # exact duplicate rows
    return pl.concat(frames).with_columns(pl.col("시간").dt.strftime("%Y-%m-%d %H:%M:%S%.3f"))


def _build(src: Path, out: Path, engine: str, recipe: Path, **more: object) -> None:
    values = {"recipe": recipe, "engine": engine, "id_column": "설비", "product_id": "sensors"}
    steps: list[Any] = [IngestStep(), PreprocessStep(), PackageStep()]
    if "target" in more:
        steps.insert(2, ModelStep(max_rows=int(more.pop("max_rows"))))  # type: ignore[call-overload]
    build(build_options([src], out, {**values, **more}), steps=steps)


def _compare(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        pa_, pb = a / rel, b / rel
        if rel.name == "manifest.json":
            ja, jb = json.loads(pa_.read_text()), json.loads(pb.read_text())
            for k in ("created", "finished", "run_id", "step_seconds"):
                ja.pop(k, None), jb.pop(k, None)
            assert ja == jb
        elif rel.suffix == ".parquet":
            assert pl.read_parquet(pa_).equals(pl.read_parquet(pb)), rel
            assert pa_.read_bytes() == pb.read_bytes(), rel
        elif rel.suffix in (".json", ".html", ".csv", ".yaml", ".md"):
            ta, tb = pa_.read_text(), pb.read_text()
            assert ta == tb, f"{rel} differs"
        else:  # model.onnx
            assert pa_.read_bytes() == pb.read_bytes(), f"{rel} differs"


@pytest.mark.parametrize("form", ["utf8.csv", "cp949.csv", "parquet"])
def test_ingest_preprocess_package_same_product(tmp_path: Path, spark: object, form: str) -> None:
    table = sensor_table()
    src = tmp_path / f"sensors.{form}"
    if form == "parquet":
        table.write_parquet(src)
    else:
        text = table.write_csv()
        src.write_bytes(text.encode("cp949" if form.startswith("cp949") else "utf-8"))
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    _build(src, tmp_path / "polars", "polars", recipe)
    _build(src, tmp_path / "spark", "spark", recipe)
    got = pl.read_parquet(tmp_path / "spark" / "data" / "table.parquet")
    assert got.height == table.height and "전력" in got.columns and "메모" not in got.columns
    assert got["시간"].is_sorted() or got.select(pl.col("시간").is_not_null().all()).item()
    _compare(tmp_path / "polars", tmp_path / "spark")


@pytest.mark.parametrize("cap", [20_000, 3_000])
def test_model_on_a_driver_sample(tmp_path: Path, spark: object, cap: int) -> None:
    """Within the cap the model trains on the whole table: the same model files as on Polars.
    Over the cap (every 4th row) the card states the Spark rule: the rows are sampled on Spark
    before the rolling features (Polars: after), so only the sampling figures are compared."""
    src = tmp_path / "sensors.parquet"
    sensor_table(3_000).with_columns(
        pl.col("시간").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f")
    ).write_parquet(src)
    recipe = tmp_path / "recipe.yaml"  # the id column keeps its name (the model groups by it)
    recipe.write_text(RECIPE.replace("  - {op: rename, mapping: {설비: machine}}\n", ""), "utf-8")
    for engine in ("polars", "spark"):
        _build(src, tmp_path / engine, engine, recipe, target="카운트", max_rows=cap)
    card = (tmp_path / "spark" / "model" / "model_card.md").read_text()
    if cap >= 9_060:
        _compare(tmp_path / "polars", tmp_path / "spark")
        assert "rows used / 사용 행: 9060 of 9060" in card
    else:
        assert "rows used / 사용 행: 2265 of 9060" in card and "Spark" in card


def test_text_below_the_sniffed_head_is_listed_like_polars(tmp_path: Path, spark: Any) -> None:
    """A historian export whose tag reads as numbers in the file's head and holds "Bad" and
    "Scan Timeout" further down, and "Inp OutRange" near the top (bibmon's real refinery tags
    do). The Spark task used to die with a PythonException, then the build was
    refused; now the junk cells are listed (count, first rows, tokens) exactly as on Polars,
    with row numbers counted over several Spark partitions, and the products are identical."""
    n = 30_000
    values = [f"{50 + (i % 97) / 10:.1f}" for i in range(n)]
    values[3] = "Inp OutRange"
    values[25_000] = values[25_500] = "Bad"
    values[27_000] = "Scan Timeout"
    values[28_000] = "  "  # blank, not junk
    table = pl.DataFrame(
        {
            "시간": [
                f"2024-01-01 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}" for i in range(n)
            ],
            "태그34": values,
        }
    )
    src = tmp_path / "historian.csv"
    table.write_csv(src)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("version: 1\nsteps:\n  - {op: rename, mapping: {태그34: tag34}}\n")
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(128 * 1024))  # ~6 partitions
    try:
        results = {
            engine: build(
                build_options(
                    [src],
                    tmp_path / engine,
                    {"recipe": recipe, "engine": engine, "product_id": "historian"},
                ),
                steps=[IngestStep(), PreprocessStep(), PackageStep()],
            ).results["ingest"]
            for engine in ("polars", "spark")
        }
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    junk = results["spark"].data.junk
    assert junk == {
        "태그34": {
            "count": 4,
            "rows": [3, 25_000, 25_500, 27_000],
            "examples": ["Inp OutRange", "Bad", "Scan Timeout"],
            "tokens": {"Bad": 2, "Inp OutRange": 1, "Scan Timeout": 1},
        }
    }
    assert junk == results["polars"].data.junk
    assert results["spark"].findings == results["polars"].findings
    assert results["spark"].counts["junk_values"] == 4
    _compare(tmp_path / "polars", tmp_path / "spark")


def test_standardize_with_nothing_to_convert(tmp_path: Path, spark: object) -> None:
    """A table whose mapped columns carry no unit to change (public LDPE and C-MAPSS data):
    the Spark standardize step passes the table on (it used to call the Polars side on the
    Spark frame and fail with an AttributeError)."""
    src = tmp_path / "plain.csv"
    n = 500
    pl.DataFrame(
        {"cycle": list(range(n)), "s_11": [47.0 + (i % 13) / 10 for i in range(n)]}
    ).write_csv(src)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("version: 1\nsteps:\n  - {op: rename, mapping: {s_11: s11}}\n")
    steps = [IngestStep(), PreprocessStep(), StandardizeStep(), PackageStep()]
    for engine in ("polars", "spark"):
        opts = {"recipe": recipe, "engine": engine, "product_id": "plain"}
        build(build_options([src], tmp_path / engine, opts), steps=steps)
    _compare(tmp_path / "polars", tmp_path / "spark")
