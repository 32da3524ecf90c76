"""``spark_scratch``: the Spark engine's scratch files on storage the cluster and the driver both
reach (issue 19: workers on other machines cannot write into the driver's local work folder).

A ``file://`` folder outside the build's work folder stands in for shared storage (HDFS, S3,
NFS): the build writes its stages, materialised table and part files there, in its own
``mfgdata-<run id>`` folder, the driver reads them back through Hadoop's FileSystem, the product
is byte for byte the one built without the setting, and nothing is left behind, also when the
build fails. An unwritable URI stops the build before any step writes the product.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.engine.hadoop import hadoop_path
from mfgdata.errors import ConfigError, StepFailed
from mfgdata.flow import build
from mfgdata.pipeline.context import RunContext, build_options
from mfgdata.pipeline.step import StepResult
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.package import PackageStep
from mfgdata.steps.preprocess import PreprocessStep
from tests.engine.conftest import needs_spark
from tests.engine.test_parity import RECIPE, _compare, sensor_table

pytestmark = needs_spark

FLAGS = "  - {op: outliers, columns: [온도], method: {name: iqr}, action: flag}\n"


class Seen:
    """A progress hook that lists the files under the shared folder and the build's local work
    folder each time a step reports progress."""

    def __init__(self, shared: Path, out: Path) -> None:
        self.shared, self.out = shared, out
        self.scratch: set[str] = set()
        self.work: set[str] = set()
        self.calls: list[tuple[str, float]] = []

    def __call__(self, step: str, fraction: float, message: str) -> None:
        self.calls.append((step, fraction))
        self.scratch |= {str(p.relative_to(self.shared)) for p in self.shared.rglob("*")}
        for work in self.out.parent.glob(f".{self.out.name}.partial-*.work"):
            self.work |= {str(p.relative_to(work)) for p in work.rglob("*")}


def _sources(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "sensors.csv"
    sensor_table(400).write_csv(src)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE + FLAGS, encoding="utf-8")
    return src, recipe


def _options(src: Path, out: Path, recipe: Path, scratch: str | None) -> Any:
    values = {
        "recipe": recipe,
        "engine": "spark",
        "id_column": "설비",
        "product_id": "sensors",
        "spark_scratch": scratch,
    }
    return build_options([src], out, values)


def test_shared_scratch_same_product_nothing_left(tmp_path: Path, spark: Any) -> None:
    src, recipe = _sources(tmp_path)
    shared = tmp_path / "공유 저장소"  # Hadoop reads the path literally (no percent-encoding)
    shared.mkdir()
    steps = [IngestStep(), PreprocessStep(), PackageStep()]
    build(_options(src, tmp_path / "local", recipe, None), steps=steps)
    seen = Seen(shared, tmp_path / "shared")
    options = _options(src, tmp_path / "shared", recipe, hadoop_path(shared))
    run = build(options, steps=steps, progress=seen).run_id
    _compare(tmp_path / "local", tmp_path / "shared")
    assert list(shared.iterdir()) == []  # the build's folder is removed
    mine = f"mfgdata-{run}"
    for folder in ("spark-recipe/stage-000", "flag-parts", "table-0.parquet", "product-parts"):
        assert any(p.startswith(f"{mine}/{folder}/part-") for p in seen.scratch), folder
    assert not {p.split("/")[0] for p in seen.scratch} - {mine}  # one folder of this build
    local_spark = [p for p in seen.work if "part-" in p or p.startswith("spark-recipe")]
    assert local_spark == []  # not in the driver's local work folder


class Boom:
    """A step that fails after the recipe ran (its stages are in the scratch folder)."""

    name, title_ko, title_en = "boom", "실패", "fails"
    engines = ("polars", "spark")
    reads_rows = False

    def run(self, frame: Any, ctx: RunContext) -> StepResult:
        raise RuntimeError("boom")


def test_failed_build_removes_its_scratch_folder(tmp_path: Path, spark: Any) -> None:
    """An Excel input (the driver converts the sheet, the workers read it from the scratch
    folder), the recipe's stages, then a failing step: the build's folder is gone."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["시간", "설비", "온도[°C]", "전압[V]", "전류[A]", "카운트", "메모"])
    for i in range(300):
        ws.append(
            [datetime(2024, 3, 1, 8, i // 60, i % 60), f"M-{i % 2}", 60 + i % 7, 220, 3, i, "x"]
        )
    src = tmp_path / "sensors.xlsx"
    wb.save(src)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    shared = tmp_path / "shared"
    shared.mkdir()
    seen = Seen(shared, tmp_path / "out")
    options = _options(src, tmp_path / "out", recipe, hadoop_path(shared) + "/")
    with pytest.raises(StepFailed):
        build(options, steps=[IngestStep(), PreprocessStep(), Boom()], progress=seen)  # type: ignore[list-item]
    assert ("boom", 0.0) in seen.calls
    roots = {p.split("/")[0] for p in seen.scratch}
    assert len(roots) == 1 and roots.pop().startswith("mfgdata-")
    assert any(p.endswith("/input-0.sheet.parquet") for p in seen.scratch)
    assert any("/spark-recipe/stage-000/part-" in p for p in seen.scratch)
    assert list(shared.iterdir()) == []
    assert not (tmp_path / "out").exists()


def test_unwritable_scratch_stops_the_build_at_once(tmp_path: Path, spark: Any) -> None:
    """A folder under a regular file (root ignores permissions, not this): a ko/en error naming
    the URI and Hadoop's reason, before ingest reads anything; through the CLI too."""
    src, recipe = _sources(tmp_path)
    (tmp_path / "a file").write_text("not a folder")
    uri = hadoop_path(tmp_path / "a file") + "/shared"
    seen = Seen(tmp_path / "a file", tmp_path / "out")
    with pytest.raises(ConfigError) as e:
        build(_options(src, tmp_path / "out", recipe, uri), progress=seen)
    err = e.value
    assert err.where.file is not None and err.where.file.startswith(uri + "/mfgdata-")
    assert "Spark 임시 폴더" in err.ko and "scratch folder" in err.en
    assert "ParentNotDirectoryException" in err.en
    assert seen.calls == [("ingest", 0.0)]  # no step ran further, nothing read or written
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    out = tmp_path / "cli"
    args = ["build", str(src), "-o", str(out), "--engine", "spark", "--spark-scratch", uri]
    r = CliRunner().invoke(app, args)
    assert r.exit_code != 0 and not out.exists()
    assert "scratch folder" in r.output and "a file/shared/mfgdata-" in r.output
