"""Spark reads what the Polars engine reads, with the same product (issue 19): several files of
one table (a byte-identical copy read once, junk in a later file), Excel workbooks (converted on
the driver by the Polars engine's reader), and Hadoop URIs (``file://`` here: the one Hadoop
filesystem of the test machine) with spaces and Korean in the path."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mfgdata.errors import InputError
from mfgdata.flow import build
from mfgdata.pipeline.context import build_options
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.package import PackageStep
from mfgdata.steps.preprocess import PreprocessStep
from tests.engine.conftest import needs_spark
from tests.engine.test_parity import _compare, sensor_table

pytestmark = needs_spark

RECIPE = "version: 1\nsteps:\n  - {op: rename, mapping: {설비: machine}}\n"


def _both(tmp_path: Path, inputs: list[Any], spark: Any, **more: Any) -> dict[str, Any]:
    """Build ingest → preprocess → package on each engine (Spark: small partitions); the ingest
    results by engine, after checking the two product folders are the same."""
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    results = {}
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(64 * 1024))  # several partitions
    try:
        for engine in ("polars", "spark"):
            values = {"recipe": recipe, "engine": engine, "product_id": "sensors", **more}
            steps = [IngestStep(), PreprocessStep(), PackageStep()]
            built = build(build_options(inputs, tmp_path / engine, values), steps=steps)
            results[engine] = built.results["ingest"]
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    _compare(tmp_path / "polars", tmp_path / "spark")
    a, b = results["polars"], results["spark"]
    assert a.data == b.data and a.findings == b.findings and a.counts == b.counts
    return results


def _days(n: int = 1_000) -> list[pl.DataFrame]:
    """The parity table in three parts (one per machine), as text."""
    table = sensor_table(n)
    return [table.filter(pl.col("설비") == f"M-{m}") for m in (1, 2, 3)]


def test_several_csv_files_are_read_in_order_with_copies_read_once(
    tmp_path: Path, spark: Any
) -> None:
    """Three files of one table (UTF-8, CP949 with historian junk further down, a byte copy of
    the first): rows in file order with the source file column, the copy recorded and not read,
    the junk rows numbered over the whole table, as on Polars."""
    one, two, three = _days()
    two = two.with_columns(
        pl.when(pl.int_range(pl.len()).is_in([5, 900]))
        .then(pl.lit("Bad"))
        .otherwise(pl.col("전압[V]").cast(pl.String))
        .alias("전압[V]")
    )
    a, b, c = tmp_path / "day1.csv", tmp_path / "day2.csv", tmp_path / "day3.csv"
    one.write_csv(a)
    b.write_bytes(two.write_csv().encode("cp949"))
    shutil.copy(a, tmp_path / "day1-copy.csv")
    three.write_csv(c)
    results = _both(tmp_path, [a, b, tmp_path / "day1-copy.csv", c], spark)
    data = results["spark"].data
    assert [i["rows"] for i in data.inputs] == [one.height, two.height, 0, three.height]
    assert data.inputs[2]["duplicate_of"] == "day1.csv" and data.inputs[1]["encoding"] == "cp949"
    assert data.junk["전압"]["rows"] == [one.height + 5, one.height + 900]
    assert data.columns[-1]["name"] == "source_file"
    codes = [f.code for f in results["spark"].findings]
    assert "duplicate_input_file" in codes and "junk_value" in codes
    got = pl.read_parquet(tmp_path / "spark" / "data" / "table.parquet")
    assert got["source_file"].unique(maintain_order=True).to_list() == [
        "day1.csv",
        "day2.csv",
        "day3.csv",
    ]


def test_several_parquet_files(tmp_path: Path, spark: Any) -> None:
    parts = [
        d.with_columns(pl.col("시간").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f")) for d in _days()
    ]
    paths = []
    for i, d in enumerate(parts):
        paths.append(tmp_path / f"part{i}.parquet")
        d.write_parquet(paths[-1], row_group_size=500)
    results = _both(tmp_path, paths, spark)
    assert [i["rows"] for i in results["spark"].data.inputs] == [d.height for d in parts]


def test_excel_workbook_same_product(tmp_path: Path, spark: Any) -> None:
    """A workbook with a title row, a summary sheet and a text value in a number column: the
    same sheet, header row, junk and product as on Polars (the driver converts the sheet with
    the Polars engine's reader; Spark reads that)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "요약"
    ws.append(["메모"])
    ws.append(["없음"])
    data = wb.create_sheet("데이터")
    data.append(["설비명: 사출기 3호기"])
    data.append(["시간", "설비", "온도[°C]", "상태"])
    for i in range(400):
        temp: Any = "Bad" if i == 250 else 20 + (i % 17) / 4
        data.append([datetime(2024, 3, 1, 14, i // 60, i % 60), f"M-{i % 2}", temp, "OK"])
    src = tmp_path / "사출 기록.xlsx"
    wb.save(src)
    results = _both(tmp_path, [src], spark)
    inp = results["spark"].data.inputs[0]
    assert (inp["format"], inp["sheet"], inp["header_row"], inp["rows"]) == (
        "xlsx",
        "데이터",
        2,
        400,
    )
    assert results["spark"].data.junk["온도"]["rows"] == [250]
    assert "sheet_reason" in inp


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_file_uri_with_spaces_and_korean(tmp_path: Path, spark: Any, form: str) -> None:
    """``file:///…/한글 폴더/x y.csv``: Spark reads it through Hadoop (the head sniffed, the
    SHA-256 streamed, a Parquet footer read, all through Hadoop's FileSystem), Polars reads the
    same file; the same product, and the input recorded by name and SHA-256 as a local file."""
    folder = tmp_path / "한글 폴더"
    folder.mkdir()
    src = folder / f"센서 기록 1.{form}"
    table = sensor_table(600)
    if form == "csv":
        src.write_bytes(table.write_csv().encode("cp949"))
    else:
        table.with_columns(pl.col("시간").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f")).write_parquet(
            src, row_group_size=400
        )
    uri = f"file://{src}"
    results = _both(tmp_path, [uri], spark)
    inp = results["spark"].data.inputs[0]
    import hashlib

    assert inp["name"] == src.name and inp["rows"] == table.height
    assert inp["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert inp["bytes"] == src.stat().st_size


def test_local_path_with_spaces_and_korean_on_spark(tmp_path: Path, spark: Any) -> None:
    """A local path Spark used to be given as ``Path.as_uri()`` (percent-encoded: Hadoop then
    looked for another file)."""
    folder = tmp_path / "한글 폴더"
    folder.mkdir()
    src = folder / "x y.csv"
    sensor_table(300).write_csv(src)
    _both(tmp_path, [src], spark)


def test_unreadable_uris_are_named(tmp_path: Path, spark: Any) -> None:
    missing = f"file://{tmp_path}/없는 파일.csv"
    for engine in ("spark", "polars"):
        with pytest.raises(InputError) as e:
            build(
                build_options([missing], tmp_path / f"out-{engine}", {"engine": engine}),
                steps=[IngestStep()],
            )
        assert "없는 파일.csv" in str(e.value) and e.value.ko and e.value.en
    with pytest.raises(InputError) as e:  # a filesystem this cluster does not reach
        build(
            build_options(["nofs://host/x.csv"], tmp_path / "out-nofs", {"engine": "spark"}),
            steps=[IngestStep()],
        )
    assert "nofs://host/x.csv" in str(e.value) and "URI" in e.value.en
    with pytest.raises(InputError) as e:  # Polars reads local files and file:// only
        build(
            build_options(["hdfs://nn:8020/data/x.csv"], tmp_path / "out-p", {"engine": "polars"}),
            steps=[IngestStep()],
        )
    assert "hdfs://nn:8020/data/x.csv" in str(e.value) and "--engine spark" in e.value.en
    assert not any((tmp_path / n).exists() for n in ("out-spark", "out-polars", "out-nofs"))
