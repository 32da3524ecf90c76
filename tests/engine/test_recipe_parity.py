"""Every recipe operation gives the same product on Spark as on Polars (issue 19): the cleaned
table, data/flags.parquet, recipe.yaml, the operation records (counts, removed rows' numbers)
and the rest of the product, byte for byte.

The table: three machines at 1 s (test_parity's generator, 300 rows each) with a 10-minute gap,
a stuck run, spikes, nulls in runs of 1 to 6 rows, exact duplicate rows and Korean column names,
read from a CSV that Spark splits into several partitions, each cut into Arrow batches of 100
rows: an operation that looked at one batch, one partition or a hashed group instead of its
whole entity or table would give other values or counts.

What runs how on Spark: ``mfgdata/engine/spark_recipe.py``. Exact everywhere here: the zscore
bounds without an id column and target_encode's sums are Spark's floating aggregates (their
documented tolerance); on this table they round to the same bits (targets are integers; the
zscore bounds decide the same rows and nothing is clipped to them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mfgdata.flow import build
from mfgdata.pipeline.context import build_options
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.package import PackageStep
from mfgdata.steps.preprocess import PreprocessStep
from tests.engine.conftest import needs_spark
from tests.engine.test_parity import _compare, sensor_table

pytestmark = needs_spark


def messy() -> pl.DataFrame:
    """test_parity's sensor table (900 rows + 60 duplicates) with null runs of 1-6 rows in the
    voltage, a machine-less row and a few out-of-order timestamps."""
    t = sensor_table(300, seed=11)
    rng = np.random.default_rng(3)
    volt = t["전압[V]"].to_list()
    for start in rng.choice(len(volt) - 8, 40, replace=False):
        for k in range(int(rng.integers(1, 7))):
            volt[start + k] = None
    ids = t["설비"].to_list()
    ids[500] = None
    times = t["시간"].to_list()
    times[10], times[11] = times[11], times[10]  # one swapped pair: sorts move rows
    return t.with_columns(
        pl.Series("전압[V]", volt, dtype=pl.Float64),
        pl.Series("설비", ids, dtype=pl.String),
        pl.Series("시간", times),
    )


#: name -> (recipe steps, with the id column)
CASES: dict[str, tuple[str, bool]] = {
    "sort": (
        "  - {op: sort, columns: [온도]}\n"
        "  - {op: sort, columns: [설비, 카운트], descending: true}\n",
        True,
    ),
    "dedupe": (
        "  - {op: dedupe}\n  - {op: dedupe, columns: [설비, 카운트], keep: last}\n",
        True,
    ),
    "missing": (
        "  - op: missing\n    columns:\n"
        "      온도: {policy: forward_fill, limit: 2, max_gap: 3}\n"
        "      전압: {policy: interpolate, max_gap: 4}\n"
        "      카운트: {policy: constant, value: 0}\n"
        "  - {op: missing, columns: {전압: {policy: drop}}}\n",
        True,
    ),
    "missing-no-id": (
        "  - op: missing\n    columns:\n"
        "      전압: {policy: forward_fill, max_gap: 2}\n"
        "      온도: {policy: interpolate}\n",
        False,
    ),
    "outliers": (
        "  - {op: outliers, columns: [온도, 전압], method: {name: hampel}}\n"
        "  - {op: outliers, columns: [전류], method: {name: iqr, k: 1.5}, action: clip}\n"
        "  - {op: outliers, columns: [온도], method: {name: zscore, threshold: 2.5}, "
        "action: 'null'}\n",
        True,
    ),
    "outliers-no-id": (
        "  - {op: outliers, columns: [전류, 온도], method: {name: iqr, k: 1.0}, action: clip}\n"
        "  - {op: outliers, columns: [전압], method: {name: zscore, threshold: 2.5}}\n"
        "  - {op: outliers, columns: [전압], method: {name: hampel, window: 5}, action: 'null'}\n",
        False,
    ),
    "filter-resample": (
        "  - {op: filter, where: '온도 > 59.5'}\n"
        "  - {op: filter, where: {column: 메모, op: '!=', value: 점검}}\n"
        "  - {op: resample, every: 1m, default: mean, aggregations: {메모: last}}\n",
        True,
    ),
    "target-encode": (
        "  - {op: target_encode, column: 메모, target: 카운트, smoothing: 5}\n"
        "  - {op: target_encode, column: 설비, target: 카운트, output: 설비_te}\n",
        True,
    ),
    "combined": (
        "  - {op: rename, mapping: {온도: temp}}\n"
        "  - {op: dedupe}\n"
        "  - {op: sort, columns: [시간, 설비]}\n"
        "  - op: missing\n    columns:\n"
        "      temp: {policy: forward_fill, limit: 3, max_gap: 3}\n"
        "      전압: {policy: interpolate, max_gap: 5}\n"
        "  - {op: outliers, columns: [temp, 전압], method: {name: hampel}, action: flag}\n"
        "  - {op: derive, expr: '전력 = 전압 * 전류', unit: W}\n"
        "  - {op: filter, where: '전력 > 600'}\n"
        "  - {op: outliers, columns: [전력], method: {name: iqr}, action: clip}\n"
        "  - {op: target_encode, column: 메모, target: 카운트}\n"
        "  - {op: drop, columns: [메모]}\n"
        "  - {op: resample, every: 30s, default: mean}\n",
        True,
    ),
}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("recipe") / "sensors.csv"
    messy().write_csv(src)
    return src


def _build(src: Path, out: Path, engine: str, recipe: Path, with_id: bool) -> Any:
    values: dict[str, Any] = {"recipe": recipe, "engine": engine, "product_id": "sensors"}
    if with_id:
        values["id_column"] = "설비"
    steps = [IngestStep(), PreprocessStep(), PackageStep()]
    return build(build_options([src], out, values), steps=steps).results["preprocess"]


@pytest.mark.parametrize("case", list(CASES))
def test_each_operation_same_on_both_engines(
    tmp_path: Path, spark: Any, source: Path, case: str
) -> None:
    steps, with_id = CASES[case]
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("version: 1\nsteps:\n" + steps, encoding="utf-8")
    pol = _build(source, tmp_path / "polars", "polars", recipe, with_id)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16384")  # ~4 partitions
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "100")
    try:
        spk = _build(source, tmp_path / "spark", "spark", recipe, with_id)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
    assert spk.data.operations == pol.data.operations
    assert spk.counts == pol.counts and spk.findings == pol.findings
    assert spk.data.columns == pol.data.columns and spk.data.flags == pol.data.flags
    # the data gave every operation something to do (a test that cannot fail is a defect)
    did: dict[int, int] = {}
    for op in pol.data.operations:
        if op["op"] not in ("rename", "drop"):
            did[op["index"]] = did.get(op["index"], 0) + op["rows_affected"] + op["cells_affected"]
    assert did and all(did.values()), did
    _compare(tmp_path / "polars", tmp_path / "spark")


def test_messy_table_has_what_the_cases_need() -> None:
    t = messy()
    assert t.height == 960 and t.is_duplicated().sum() >= 40
    assert t["설비"].null_count() == 1 and t["전압[V]"].null_count() > 100
    assert t["시간"].str.to_datetime().is_sorted() is False
    assert dt.datetime(2024, 3, 1, 8) <= t["시간"].str.to_datetime().min()  # type: ignore[operator]


@pytest.mark.parametrize("machines", [True, False], ids=["machines", "one-machine"])
def test_no_recipe_same_proposal_and_product(tmp_path: Path, spark: Any, machines: bool) -> None:
    """Without --recipe the Spark build proposes the Polars build's recipe (dedupe of the
    duplicate rows Spark counts, sort, short gaps forward-filled per machine, Hampel flags) from
    the profile it computed, applies it, and the whole product is the same (test_quality_parity's
    comparison: every file, report.html's chart means within their tolerance)."""
    from tests.engine.test_quality_parity import _compare as compare_products
    from tests.engine.test_quality_parity import _steps, messy_table

    src = tmp_path / "sensors.parquet"
    messy_table(machines).write_parquet(src)
    results = {}
    for engine in ("polars", "spark"):
        values: dict[str, Any] = {
            "engine": engine,
            "product_id": "sensors",
            "target": "판정",
            "time_column": "시간",
        }
        if machines:
            values["id_column"] = "설비"
        out = tmp_path / engine
        results[engine] = build(build_options([src], out, values), steps=_steps(None))
    spk, pol = results["spark"].results["preprocess"], results["polars"].results["preprocess"]
    assert spk.data.proposed and spk.data.recipe == pol.data.recipe
    assert spk.data.notes == pol.data.notes and spk.data.operations == pol.data.operations
    ops = [s["op"] for s in pol.data.recipe["steps"]]
    assert ops == ["dedupe", "sort", "missing", "outliers"]
    yaml = {e: (tmp_path / e / "recipe.yaml").read_text() for e in ("polars", "spark")}
    assert yaml["spark"] == yaml["polars"]
    files = compare_products(tmp_path / "polars", tmp_path / "spark")
    assert "data/flags.parquet" in files and "data/table.parquet" in files


@pytest.mark.parametrize("with_id", [True, False], ids=["machine", "no-id"])
def test_entity_over_the_group_limit_is_refused(
    tmp_path: Path, spark: Any, source: Path, with_id: bool
) -> None:
    """An entity operation holds one entity on one Python worker: above spark_group_max_rows
    the build stops with a ko/en error naming the rows and the way out, before any worker
    runs the stage, and writes no product."""
    from mfgdata.errors import InputError
    from mfgdata.settings import Settings

    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "version: 1\nsteps:\n  - {op: rename, mapping: {메모: note}}\n"
        "  - op: missing\n    columns:\n      전압: {policy: forward_fill, max_gap: 2}\n",
        encoding="utf-8",
    )
    values: dict[str, Any] = {"recipe": recipe, "engine": "spark", "product_id": "sensors"}
    if with_id:
        values["id_column"] = "설비"
    settings = Settings(home=tmp_path / "home", spark_group_max_rows=250)
    steps = [IngestStep(), PreprocessStep(), PackageStep()]
    out = tmp_path / "out"
    with pytest.raises(InputError) as got:
        build(build_options([source], out, values), settings=settings, steps=steps)
    err = got.value
    assert "missing" in err.en and "rename" not in err.en and "250" in err.en
    if with_id:  # 960 rows over three machines: the largest holds ~320
        assert "spark_group_max_rows" in err.en and "machine '" in err.en
        assert err.where.column == "설비" and "설비 '" in err.ko
    else:
        assert "960 rows" in err.en and "--id-column" in err.en and "--id-column" in err.ko
    assert not (out / "data" / "table.parquet").exists()


def test_stage_scratch_stays_in_a_work_folder_with_spaces_and_korean(
    tmp_path: Path, spark: Any
) -> None:
    """Hadoop does not percent-decode a file URI: a stage written to ``Path.as_uri()`` of
    ``작업 폴더`` would land in a folder literally named ``%EC%9E%91...%20...`` beside it, outside
    the build's work folder (never cleaned up)."""
    from mfgdata.engine.spark_recipe import Runner
    from mfgdata.recipe.model import Recipe

    work = tmp_path / "작업 폴더" / "spark-recipe"
    schema = pl.Schema({"x": pl.Int64})
    runner = Runner(Recipe.model_validate({"version": 1, "steps": []}), schema, {}, "r", work)
    got = runner._keep(spark.createDataFrame([(1,), (2,)], "x long"))
    assert sorted(r["x"] for r in got.collect()) == [1, 2]
    assert (work / "stage-000").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["작업 폴더"]
