"""QualityStep inside a RunContext with hand-made results of the earlier steps."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import yaml
from tests.quality.conftest import clean_table

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import (
    IngestResult,
    PreprocessResult,
    PriceResult,
    ProfileResult,
    QualityResult,
)
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.contract import load_contract
from mfgdata.settings import Settings
from mfgdata.steps.quality import QualityStep, recipe_ranges


def _ctx(tmp_path: Path) -> RunContext:
    (tmp_path / "prod").mkdir()
    (tmp_path / "work").mkdir()
    ctx = RunContext(
        run_id="r1",
        options=BuildOptions(inputs=(Path("a.csv"),), out=tmp_path / "out", target=None),
        settings=Settings(),
        product=ProductWriter(tmp_path / "prod"),
        work_dir=tmp_path / "work",
    )
    ctx.results["ingest"] = StepResult(
        step="ingest",
        data=IngestResult(
            inputs=[{"name": "a.csv", "sha256": "0" * 64, "format": "csv"}],
            columns=[{"name": "temp", "unit": "degC"}, {"name": "pres", "unit": "bar"}],
            time_column="ts",
            rows=1000,
            junk={"temp": {"count": 4, "examples": ["Bad", "Scan Timeout"]}},
        ),
    )
    ctx.results["profile"] = StepResult(
        step="profile", data=ProfileResult(time={"interval_seconds": 1.0})
    )
    ctx.results["preprocess"] = StepResult(
        step="preprocess",
        data=PreprocessResult(
            recipe={
                "version": 1,
                "steps": [{"op": "filter", "where": {"column": "temp", "op": "<=", "value": 21}}],
            },
            columns=[{"name": "temp", "unit": "degC"}],
        ),
    )
    return ctx


def test_step_writes_outputs_and_grades(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    step = QualityStep(reference_time=datetime(2024, 1, 2))
    res = step.run(clean_table().lazy(), ctx)
    q = json.loads((tmp_path / "prod" / "quality.json").read_text(encoding="utf-8"))
    assert q["grade"] == res.of(QualityResult).grade and q["score"] == res.of(QualityResult).score
    ids = {m["id"]: m for m in q["measures"]}
    assert ids["accuracy.ingest_junk"]["evidence"]["count"] == 4
    assert ids["accuracy.range"]["evidence"]["columns"]["temp"]["range"] == [None, 21.0]
    assert ids["accuracy.range"]["evidence"]["count"] > 0  # the recipe's bound is checked
    assert ids["traceability.lineage"]["value"] == 1.0
    assert ids["consistency.units"]["value"] == 1.0
    c = load_contract(tmp_path / "prod" / "contract.yaml")
    assert c.time_column == "ts" and c.column("temp").unit == "degC"  # type: ignore[union-attr]
    assert "price" not in yaml.safe_load((tmp_path / "prod" / "contract.yaml").read_text())
    assert res.report is not None and res.report.order == 60 and res.report.key == "quality"
    assert "quality-completeness" in res.report.charts
    assert 'data-chart="quality-completeness"' in res.report.html_en
    assert set(res.data) == {"score", "grade", "grade_reasons", "measures", "passed", "registrable"}
    assert set(res.files) == {"quality.json", "contract.yaml"}


def test_outputs_are_deterministic_and_price_goes_into_contract(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    ctx_a, ctx_b = _ctx(a), _ctx(b)
    ctx_b.results["price"] = StepResult(step="price", data=PriceResult(price_krw=1200000))
    QualityStep().run(clean_table().lazy(), ctx_a)
    QualityStep().run(clean_table().lazy(), ctx_b)
    assert (a / "prod" / "quality.json").read_bytes() == (b / "prod" / "quality.json").read_bytes()
    doc = yaml.safe_load((b / "prod" / "contract.yaml").read_text())
    assert doc["price"] == {"priceAmount": 1200000, "priceCurrency": "KRW", "priceUnit": "dataset"}


def test_recipe_ranges() -> None:
    recipe = {
        "steps": [
            {"op": "filter", "where": {"column": "x", "op": ">=", "value": 0}},
            {"op": "filter", "where": {"column": "x", "op": "<", "value": 9.5}},
            {"op": "filter", "where": "x > 3"},
            {"op": "filter", "where": {"column": "y", "op": "in", "value": [1]}},
        ]
    }
    assert recipe_ranges(recipe) == {"x": (0.0, 9.5)}


def test_delivery_facts_reach_the_record_and_the_grade(tmp_path: Path) -> None:
    """Ingest read 2024-02.csv once (identical to 2024-01.csv) and assumed the zone; the recipe
    removed 30 duplicate rows: quality.json stores all three, and the grade says so."""
    from mfgdata.quality.findings import Finding

    ctx = _ctx(tmp_path)
    ingest = ctx.results["ingest"]
    sha = "a" * 64
    ctx.results["ingest"] = StepResult(
        step="ingest",
        data=IngestResult(
            **{
                **ingest.data,
                "inputs": [
                    {"name": "2024-01.csv", "sha256": sha, "format": "csv"},
                    {
                        "name": "2024-02.csv",
                        "sha256": sha,
                        "format": "csv",
                        "duplicate_of": "2024-01.csv",
                    },
                ],
            }
        ),
        findings=(
            Finding(
                "duplicate_input_file",
                "warning",
                "같음",
                "same",
                examples=("2024-02.csv", "2024-01.csv"),
            ),
            Finding("timezone_assumed", "warning", "가정", "assumed", examples=("Asia/Seoul",)),
        ),
    )
    pre = ctx.results["preprocess"]
    dedupe = {
        "index": 0,
        "op": "dedupe",
        "column": None,
        "rows_before": 1030,
        "rows_after": 1000,
        "rows_affected": 30,
        "cells_affected": 180,
        "columns": ["ts", "temp"],
        "excluded": ["source_file"],
        "compared": "data columns",
        "keep": "first",
        "rows": [7, 9],
    }
    ctx.results["preprocess"] = StepResult(
        step="preprocess", data=PreprocessResult(**{**pre.data, "operations": [dedupe]})
    )
    res = QualityStep(reference_time=datetime(2024, 1, 2)).run(clean_table().lazy(), ctx)
    q = json.loads((tmp_path / "prod" / "quality.json").read_text(encoding="utf-8"))
    rec = q["inputs"]
    assert rec["duplicate_files"] == ["2024-02.csv"] and rec["timezone_assumed"] is True
    assert rec["duplicates"]["rows_affected"] == 30 and rec["duplicates"]["rows"] == [7, 9]
    codes = {r["code"] for r in q["grade_reasons"]}
    assert {"duplicate_files", "timezone_assumed", "measure.uniqueness.ingest_rows"} <= codes
    assert q["grade"] in "BCF" and res.of(QualityResult).grade == q["grade"]
    src = next(m for m in q["measures"] if m["id"] == "uniqueness.ingest_rows")
    assert src["evidence"]["count"] == 30 and src["source"] == "ingest"
