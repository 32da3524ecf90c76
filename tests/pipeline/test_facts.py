"""Settled facts (issue #12): one product-id rule every file follows, one way to make
BuildOptions (unknown keys refused), and no import from ``steps/`` back into the runner."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import mfgdata
from mfgdata.errors import ConfigError
from mfgdata.flow import build
from mfgdata.pipeline.context import ProductWriter, RunContext, build_options, product_id_for
from mfgdata.pipeline.results import (
    ImageIngestResult,
    IngestResult,
    ModelResult,
    ProfileResult,
    QualityResult,
)
from mfgdata.samples import demo_options
from mfgdata.settings import Settings
from mfgdata.steps.ingest import IngestStep

STEPS = Path(mfgdata.__file__).parent / "steps"


def test_no_step_imports_the_runner() -> None:
    """``product_id_for`` lived in pipeline/runner.py and steps imported it back: a cycle."""
    back = []
    for path in sorted(STEPS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("runner"):
                back.append(path.name)
    assert back == []


def test_build_options_refuses_unknown_keys_and_keeps_paths(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        build_options([tmp_path / "a.csv"], tmp_path / "P", {"time_colum": "t", "title": "x"})
    assert "time_colum" in e.value.en and "title" not in e.value.en
    o = build_options(["a.csv"], "P", {"recipe": "r.yaml", "target": "", "id_column": None})
    assert o.recipe == Path("r.yaml") and o.target is None and o.inputs == (Path("a.csv"),)
    assert demo_options(tmp_path / "d").timezone == "Asia/Seoul"  # the demo goes through it too


def test_every_file_carries_the_one_product_id(tmp_path: Path) -> None:
    """Without ``--product-id`` the id is the folder name as a slug; quality and the model used
    the raw folder name before (``2호기 라인 (신규)``), other files the slug."""
    lines = ["시각,설비,온도,불량"]
    for i in range(240):
        lines.append(
            f"2024-01-01 00:{i // 60:02d}:{i % 60:02d},M{i % 2},{20 + i % 7},{i % 5 == 0:d}"
        )
    src = tmp_path / "raw.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "2호기 라인 (신규)"
    options = build_options([src], out, {"target": "불량", "id_column": "설비"})
    assert product_id_for(options) == "2호기-라인-신규"
    build(options, settings=Settings(home=tmp_path / "home"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["product_id"] == "2호기-라인-신규"
    texts = [p for p in out.rglob("*") if p.suffix in (".json", ".yaml", ".md", ".html")]
    assert len(texts) > 8
    stale = [p.name for p in texts if "(신규)" in p.read_text(encoding="utf-8")]
    assert stale == []
    assert "2호기-라인-신규" in (out / "contract.yaml").read_text(encoding="utf-8")


def test_no_step_reads_another_by_name() -> None:
    """Steps read earlier results by type (``ctx.result(IngestResult)``), never through a
    ``_data(ctx, "ingest")`` helper or ``ctx.results["ingest"]`` (issue #12 item 2)."""
    found = []
    for path in sorted(STEPS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("def _data(", "ctx.results[", "ctx.results.get(", 'ctx.result("'):
            if needle in text:
                found.append((path.name, needle))
    assert found == []


def _ingested(tmp_path: Path, **options: str) -> RunContext:
    src = tmp_path / "raw.csv"
    src.write_text(
        "측정시각,설비,온도[°C]\n2024-01-01 00:00:00,M1,20.5\n2024-01-01 00:00:01,M2,21.0\n",
        encoding="utf-8",
    )
    out = tmp_path / "라인 A"
    ctx = RunContext(
        run_id="t",
        options=build_options([src], out, options),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(tmp_path / "stage"),
        work_dir=tmp_path,
    )
    ctx.results["ingest"] = IngestStep().run(None, ctx)
    return ctx


def test_results_are_read_by_type_and_facts_are_settled_once(tmp_path: Path) -> None:
    ctx = _ingested(tmp_path, target="온도[°C]", id_column="설비")
    ingest = ctx.result(IngestResult)
    assert ingest.rows == 2 and ingest.time_column == "측정시각"
    assert ctx.maybe(ModelResult) is None and ctx.maybe(ImageIngestResult, IngestResult) is ingest
    with pytest.raises(LookupError):
        ctx.result(QualityResult)
    with pytest.raises(TypeError):
        ctx.results["ingest"].of(ProfileResult)
    facts = ctx.facts
    # the raw header the user copied becomes the table's name; the time column is ingest's
    assert (facts.product_id, facts.time_column) == ("라인-A", "측정시각")
    assert (facts.id_column, facts.target) == ("설비", "온도")
    assert facts.timezone == ctx.settings.timezone


def test_the_key_columns_follow_the_recipes_renames(tmp_path: Path) -> None:
    """A recipe that renames the id and target columns (``machine`` -> ``설비``): the options
    name the file's columns, later steps read the renamed table. The model step failed with
    ColumnNotFoundError: unable to find column "machine"."""
    lines = ["time,machine,temp_C,defect"]
    for i in range(300):
        lines.append(
            f"2024-01-01 00:{i // 60:02d}:{i % 60:02d},M{i % 3},{60 + (i * 7) % 5},{i % 4 == 0:d}"
        )
    src = tmp_path / "raw.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "version: 1\nsteps:\n  - op: rename\n    mapping: {machine: 설비}\n"
        "  - op: rename\n    mapping: {설비: 호기, defect: 불량}\n",
        encoding="utf-8",
    )
    out = tmp_path / "P"
    options = build_options(
        [src], out, {"recipe": recipe, "target": "defect", "id_column": "machine"}
    )
    build(options, settings=Settings(home=tmp_path / "home"))
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["target"] == "불량"
    assert metrics["group"] == "호기"
