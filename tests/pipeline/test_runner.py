"""The runner: atomic product folders, the error boundary, the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from mfgdata.errors import InputError, OutputExistsError, StepFailed
from mfgdata.flow import build
from mfgdata.pipeline import BuildOptions, RunContext, StepResult
from mfgdata.pipeline.manifest import check_manifest, read_manifest
from mfgdata.settings import Settings


class MakeTable:
    name, title_ko, title_en = "make", "생성", "Make"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        ctx.product.write_json("profile.json", {"rows": 3})
        return StepResult(step=self.name, frame=pl.LazyFrame({"x": [1, 2, 3]}))


class WriteData:
    name, title_ko, title_en = "write", "쓰기", "Write"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        assert frame is not None
        frame.sink_parquet(ctx.product.path("data/table.parquet"))
        seen = ctx.step_result("make")
        return StepResult(step=self.name, counts={"earlier_steps": int(seen is not None)})


class Boom:
    name, title_ko, title_en = "boom", "폭발", "Boom"

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        ctx.product.write_text("half-written.txt", "partial")
        raise self.exc


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


def test_build_writes_product_and_manifest(tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "product"
    result = build(
        BuildOptions(inputs=(), out=out), steps=[MakeTable(), WriteData()], settings=settings
    )
    assert result.out == out.absolute()
    assert pl.read_parquet(out / "data/table.parquet")["x"].to_list() == [1, 2, 3]
    assert result.results["write"].counts == {"earlier_steps": 1}
    manifest = read_manifest(out)
    assert sorted(manifest["files"]) == ["data/table.parquet", "profile.json"]
    assert manifest["product_id"] == "product"
    assert check_manifest(out) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging


def test_manifest_reports_tampering(tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "p"
    build(BuildOptions(inputs=(), out=out), steps=[MakeTable(), WriteData()], settings=settings)
    (out / "profile.json").write_text(json.dumps({"rows": 4}))
    (out / "extra.txt").write_text("x")
    (out / "data/table.parquet").unlink()
    assert check_manifest(out) == [
        {"file": "data/table.parquet", "problem": "missing"},
        {"file": "profile.json", "problem": "modified"},
        {"file": "extra.txt", "problem": "unlisted"},
    ]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (InputError("입력 오류", "bad input", file="x.csv"), InputError),
        (ZeroDivisionError("division by zero"), StepFailed),
    ],
)
def test_failed_step_leaves_nothing(
    tmp_path: Path, settings: Settings, exc: Exception, expected: type[Exception]
) -> None:
    out = tmp_path / "product"
    with pytest.raises(expected) as info:
        build(BuildOptions(inputs=(), out=out), steps=[MakeTable(), Boom(exc)], settings=settings)
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.name != "home"] == []
    if expected is StepFailed:
        assert "boom" in str(info.value) and "ZeroDivisionError" in str(info.value)
        assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_existing_output_is_never_overwritten(tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "product"
    out.mkdir()
    (out / "keep.txt").write_text("earlier product")
    with pytest.raises(OutputExistsError) as info:
        build(BuildOptions(inputs=(), out=out), steps=[MakeTable()], settings=settings)
    assert "already exists" in info.value.en and "이미" in info.value.ko
    assert (out / "keep.txt").read_text() == "earlier product"
