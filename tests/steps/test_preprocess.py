"""The preprocess step in a real build: proposal, recipe.yaml, rebuild with --recipe, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml

from mfgdata.errors import RecipeError
from mfgdata.flow import build
from mfgdata.pipeline.context import BuildOptions, RunContext
from mfgdata.pipeline.results import PreprocessResult
from mfgdata.pipeline.runner import BuildResult
from mfgdata.pipeline.step import StepResult
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.preprocess import PreprocessStep
from mfgdata.steps.profile import ProfileStep


class SinkStep:
    """Writes the frame it gets, so that a test can compare the data of two builds."""

    name = "sink"
    title_ko = "저장"
    title_en = "Sink"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        assert isinstance(frame, pl.LazyFrame)
        frame.collect().write_parquet(ctx.product.path("table.parquet"), statistics=False)
        return StepResult(step=self.name, files=("table.parquet",))


def write_line_csv(path: Path) -> Path:
    """Two presses, 1 s sampling: a spike, a short and a long sensor gap, two duplicate rows."""
    lines = ["시각,설비,온도(°C),압력[bar],회전수(rpm),상태,비고"]
    t0 = dt.datetime(2024, 3, 1, 8, 0, 0)
    for e in ("P1", "P2"):
        for i in range(40):
            temp = f"{60 + (i % 5) * 0.1 + (0 if e == 'P1' else 5):.1f}"
            if e == "P1" and i == 10:
                temp = "150.0"  # spike
            if e == "P1" and i in (20, 21):
                temp = ""  # short gap
            if e == "P2" and 5 <= i < 11:
                temp = ""  # long gap
            stamp = (t0 + dt.timedelta(seconds=i)).isoformat(sep=" ")
            lines.append(f"{stamp},{e},{temp},{2.0 + (i % 3) * 0.05:.2f},{1500 + i % 4},RUN,")
    lines += [lines[5], lines[50]]
    path.write_text("\n".join(lines) + "\n", encoding="cp949")
    return path


def run_build(inputs: Path, out: Path, recipe: Path | None = None) -> BuildResult:
    options = BuildOptions(
        inputs=(inputs,), out=out, recipe=recipe, time_column="시각", id_column="설비"
    )
    steps = [IngestStep(), ProfileStep(), PreprocessStep(), SinkStep()]
    return build(options, steps=steps)  # type: ignore[list-item]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, BuildResult]:
    root = tmp_path_factory.mktemp("pre")
    csv = write_line_csv(root / "line.csv")
    return root, csv, run_build(csv, root / "product")


def test_proposal_in_a_build(built: tuple[Path, Path, BuildResult]) -> None:
    root, _, result = built
    pre = result.results["preprocess"]
    assert [s["op"] for s in pre.of(PreprocessResult).recipe["steps"]] == [
        "drop",
        "dedupe",
        "sort",
        "missing",
        "outliers",
    ]
    ops = {o["op"]: o for o in pre.of(PreprocessResult).operations}
    assert ops["drop"]["columns"] == ["비고"]
    assert (ops["dedupe"]["rows_before"], ops["dedupe"]["rows_after"]) == (82, 80)
    assert ops["missing"]["cells_affected"] == 2  # the short gap; the long gap stays null
    assert ops["outliers"]["outliers"] == 1 and ops["outliers"]["cells_affected"] == 0
    assert pre.counts["rows_in"] == 82 and pre.counts["rows_out"] == 80
    table = pl.read_parquet(root / "product" / "table.parquet")
    assert not [c for c in table.columns if c.endswith("__outlier")]  # the table keeps its width
    flags = pl.read_parquet(root / "product" / "data" / "flags.parquet")
    assert flags.columns == ["row", "온도__outlier"]
    assert flags["row"].to_list() == list(range(table.height))
    flagged = flags.filter(pl.col("온도__outlier"))["row"].to_list()
    assert table[flagged]["온도"].to_list() == [150.0]
    p2 = table.filter(pl.col("설비") == "P2")
    assert p2["온도"].null_count() == 6
    assert table["시각"].is_sorted()
    assert table.height == 80
    units = {c["name"]: (c["source"], c["unit"]) for c in pre.of(PreprocessResult).columns}
    assert units["온도"] == ("온도(°C)", "°C")
    assert "온도__outlier" not in units
    marks = {c["name"]: (c["source"], c["unit"]) for c in pre.of(PreprocessResult).flags}
    assert marks["온도__outlier"] == ("온도(°C)", None)
    assert "비고" not in units
    assert pre.report is not None and pre.report.key == "preprocess" and pre.report.order == 30
    assert "hampel" in pre.report.html_en and "이상치" in pre.report.html_ko
    assert [f.code for f in pre.findings] == ["outliers_flagged"]


def test_rebuild_with_the_written_recipe_is_byte_identical(
    built: tuple[Path, Path, BuildResult], tmp_path: Path
) -> None:
    root, csv, first = built
    recipe = root / "product" / "recipe.yaml"
    second = run_build(csv, tmp_path / "again", recipe=recipe)
    assert (tmp_path / "again" / "table.parquet").read_bytes() == (
        root / "product" / "table.parquet"
    ).read_bytes()
    assert (tmp_path / "again" / "recipe.yaml").read_bytes() == recipe.read_bytes()
    assert (
        second.results["preprocess"].of(PreprocessResult).operations
        == first.results["preprocess"].of(PreprocessResult).operations
    )
    assert second.results["preprocess"].of(PreprocessResult).proposed is False


def test_a_given_recipe_is_applied_exactly(
    built: tuple[Path, Path, BuildResult], tmp_path: Path
) -> None:
    _, csv, _ = built
    recipe = tmp_path / "my.yaml"
    recipe.write_text(
        "version: 1\nsteps:\n"
        "  - {op: convert_unit, column: 회전수, to: 1/min}\n"
        "  - {op: convert_unit, column: 압력, to: MPa}\n"
        "  - {op: rename, mapping: {온도: temperature}}\n"
        "  - {op: filter, where: temperature < 100}\n",
        encoding="utf-8",
    )
    result = run_build(csv, tmp_path / "p", recipe=recipe)
    pre = result.results["preprocess"]
    written = yaml.safe_load((tmp_path / "p" / "recipe.yaml").read_text(encoding="utf-8"))
    assert written["steps"] == yaml.safe_load(recipe.read_text(encoding="utf-8"))["steps"]
    assert written["time_column"] == "시각"
    cols = {c["name"]: c for c in pre.of(PreprocessResult).columns}
    assert cols["회전수"]["unit"] == "1/min" and cols["압력"]["unit"] == "MPa"
    assert cols["temperature"]["source"] == "온도(°C)"
    table = pl.read_parquet(tmp_path / "p" / "table.parquet")
    assert table["회전수"].max() == 1503.0  # rpm → 1/min is 1:1
    assert table["압력"].max() == pytest.approx(0.21)
    assert table.height == 82 - 1 - 9  # the spike and 9 null rows (one a duplicate) go
    assert "비고" in table.columns  # nothing proposed


def test_unknown_column_in_a_recipe_fails_the_build(
    built: tuple[Path, Path, BuildResult], tmp_path: Path
) -> None:
    _, csv, _ = built
    recipe = tmp_path / "bad.yaml"
    recipe.write_text(
        "version: 1\nsteps:\n  - {op: drop, columns: [압력]}\n"
        "  - {op: derive, expr: x = 압력 * 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(RecipeError) as info:
        run_build(csv, tmp_path / "p", recipe=recipe)
    assert info.value.where.column == "압력"
    assert info.value.where.file == str(recipe)
    assert "steps[1]" in info.value.en
    assert not (tmp_path / "p").exists()


def test_without_profile_or_ingest_results(tmp_path: Path) -> None:
    """Unit use: no earlier results; the step still proposes from the frame alone."""
    from mfgdata.pipeline.context import ProductWriter
    from mfgdata.settings import Settings

    frame = pl.LazyFrame(
        {"t": [dt.datetime(2024, 1, 1, 0, 0, s) for s in (2, 0, 1)], "v": [1, 2, 3]}
    )
    (tmp_path / "out").mkdir()
    ctx = RunContext(
        run_id="t",
        options=BuildOptions(inputs=(), out=tmp_path / "out", time_column="t"),
        settings=Settings(),
        product=ProductWriter(tmp_path / "out"),
        work_dir=tmp_path,
    )
    result = PreprocessStep().run(frame, ctx)
    assert isinstance(result.frame, pl.LazyFrame)
    assert result.frame.collect()["v"].to_list() == [2, 3, 1]
    assert [s["op"] for s in result.of(PreprocessResult).recipe["steps"]] == ["sort"]
    assert (tmp_path / "out" / "recipe.yaml").exists()


@pytest.mark.parametrize(
    ("steps", "ordered"),
    [
        ([{"op": "sort", "columns": ["t", "m"]}], True),
        ([{"op": "sort", "columns": ["t", "m", "x"]}], True),
        ([{"op": "sort", "columns": ["m", "t"]}], False),
        ([{"op": "sort", "columns": ["t", "m"], "descending": True}], False),
        ([], False),
        (
            [
                {"op": "sort", "columns": ["t", "m"]},
                {"op": "missing", "columns": {"x": {"policy": "forward_fill"}}},
                {"op": "outliers", "columns": ["x"], "method": {"name": "hampel"}},
            ],
            True,
        ),
        (  # a key column's values change after the sort
            [
                {"op": "sort", "columns": ["t", "m"]},
                {"op": "missing", "columns": {"m": {"policy": "constant", "value": "M0"}}},
            ],
            False,
        ),
        ([{"op": "rename", "mapping": {"x": "y"}}, {"op": "sort", "columns": ["t", "m"]}], False),
    ],
)
def test_final_sort_is_left_out_only_when_the_recipe_sorted_by_the_keys(
    steps: list[dict[str, object]], ordered: bool
) -> None:
    from mfgdata.recipe.model import Recipe
    from mfgdata.steps.preprocess import _ordered

    recipe = Recipe.model_validate({"version": 1, "steps": steps})
    assert _ordered(recipe, ["t", "m"]) is ordered
