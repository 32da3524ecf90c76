"""The whole table flow on Spark gives the product the Polars engine gives (issue 19): the same
generated messy table (several machines, gaps, a stuck run, spikes, nulls, exact duplicate rows,
Korean column names; tests/engine/test_parity.py's generator) through ingest, preprocess,
standardize (a unit conversion), model, insight, quality, price, aas and package.

The whole flow runs the profile step on Spark too (its own parity: test_profile_parity.py);
``GivenProfile`` (the Polars build's profile result replayed) remains for the insight test, whose
subject is the model's sample.

What is compared: every product file but the manifest's run fields and report.html, as text
(quality.json, contract.yaml, semantics.yaml, pricing.json, insights.json, aas/environment.json,
lineage.json, ...) or bytes (Parquet, aas/product.aasx, model files). Numbers in quality.json
(findings, measures, evidence rows, score, grade) are equal exactly: every count is an integer
count, and the floats (PSI, the nominal interval, gap lengths, ratios) come from the same rows
through the same numpy/Python code.

report.html holds one figure computed in a different order: the mean per time bucket of the
spike chart (a floating sum, Polars' over a slice against Spark's per partition); its chart
data are compared with :data:`MEAN_TOLERANCE` (relative) and the rest of the page exactly.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mfgdata.flow import build, default_steps
from mfgdata.pipeline.context import RunContext, build_options
from mfgdata.pipeline.runner import BuildResult
from mfgdata.pipeline.step import StepResult
from mfgdata.steps.model import ModelStep
from tests.engine.conftest import needs_spark
from tests.engine.test_parity import sensor_table

pytestmark = needs_spark

#: relative tolerance of the spike chart's bucket means in report.html (see the module note)
MEAN_TOLERANCE = 1e-12
RUN_FIELDS = ("created", "finished", "run_id", "step_seconds")

RECIPE = """version: 1
steps:
  - {op: derive, expr: "전력 = 전압 * 전류", unit: W}
  - {op: cast, columns: {카운트: float}}
  - {op: drop, columns: [메모]}
"""


def messy_table(machines: bool) -> pl.DataFrame:
    """test_parity's sensor table with a learnable defect label (so that the model is usable and
    insight reads rows) and a pressure in kPa (standardize converts it); one machine when
    ``machines`` is False (the time axis alone is the key)."""
    t = sensor_table(1_000)
    if not machines:
        t = t.filter(pl.col("설비") == "M-2")
    noise = (pl.col("전압[V]") - 220) * 0.03  # a function of the row: duplicates stay exact
    return t.with_columns(
        pl.col("시간").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f"),
        (pl.col("전류[A]") * 40 + 10).round(2).alias("압력[kPa]"),
        pl.when(pl.col("전류[A]") + noise > 3.08)
        .then(pl.lit("불량"))
        .otherwise(pl.lit("양품"))
        .alias("판정"),
    )


class GivenProfile:
    """The profile step of the Polars build, replayed: its profile.json and its result."""

    name, title_ko, title_en = "profile", "프로파일", "Profile"
    reads_rows = False
    engines = ("polars", "spark")

    def __init__(self, result: StepResult, text: bytes) -> None:
        self.result, self.text = result, text

    def run(self, frame: Any, ctx: RunContext) -> StepResult:
        ctx.product.write_bytes("profile.json", self.text)
        return self.result


def _steps(profile: GivenProfile | None) -> list[Any]:
    steps: list[Any] = []
    for s in default_steps():
        if s.name == "profile" and profile is not None:
            steps.append(profile)
        elif s.name == "model":
            steps.append(ModelStep(max_rows=20_000))
        else:
            steps.append(s)
    return steps


def _build(src: Path, out: Path, recipe: Path, engine: str, machines: bool, steps: list[Any]):
    values: dict[str, Any] = {
        "recipe": recipe,
        "engine": engine,
        "product_id": "sensors",
        "target": "판정",
        "time_column": "시간",
        "title": "설비 센서 / machine sensors",
    }
    if machines:
        values["id_column"] = "설비"
    return build(build_options([src], out, values), steps=steps)


def _close(a: Any, b: Any, rel: float) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=rel)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    return bool(a == b)


_CHARTS = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)


def _compare_report(a: str, b: str) -> None:
    """The page exactly but for its chart data; the chart data with MEAN_TOLERANCE."""
    assert _CHARTS.sub("", a) == _CHARTS.sub("", b), "report.html differs outside its charts"
    ca, cb = _CHARTS.findall(a), _CHARTS.findall(b)
    assert len(ca) == len(cb)
    for x, y in zip(ca, cb, strict=True):
        assert _close(json.loads(x), json.loads(y), MEAN_TOLERANCE)


def _compare(a: Path, b: Path) -> list[str]:
    files_a = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    files_b = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        pa_, pb = a / rel, b / rel
        if rel == "manifest.json":
            ja, jb = json.loads(pa_.read_text()), json.loads(pb.read_text())
            for k in RUN_FIELDS:
                ja.pop(k, None), jb.pop(k, None)
            assert ja == jb
        elif rel == "report.html":
            _compare_report(pa_.read_text(), pb.read_text())
        elif rel.endswith((".json", ".csv", ".yaml", ".md")):
            assert pa_.read_text() == pb.read_text(), f"{rel} differs"
        else:
            assert pa_.read_bytes() == pb.read_bytes(), f"{rel} differs"
    return files_a


@pytest.mark.parametrize("machines", [True, False], ids=["machines", "one-machine"])
def test_quality_and_the_later_steps_same_product(
    tmp_path: Path, spark: object, machines: bool
) -> None:
    src = tmp_path / "sensors.parquet"
    messy_table(machines).write_parquet(src)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    pol: BuildResult = _build(src, tmp_path / "polars", recipe, "polars", machines, _steps(None))
    # the profile step itself runs on Spark too (test_profile_parity.py): profile.json is
    # compared with the rest of the product, byte for byte
    spk = _build(src, tmp_path / "spark", recipe, "spark", machines, _steps(None))
    files = _compare(tmp_path / "polars", tmp_path / "spark")
    assert "profile.json" in files
    for f in ("quality.json", "semantics.yaml", "pricing.json", "aas/environment.json"):
        assert f in files
    assert "insights.json" in files  # the model was usable: insight rebuilt the features

    # the data gave every check something to find (the test would pass on empty results)
    q = json.loads((tmp_path / "spark/quality.json").read_text())
    got = {m["id"]: m["evidence"].get("count") for m in q["measures"]}
    assert got["accuracy.spikes"] > 0 and got["accuracy.stuck"] >= 40
    assert got["completeness.gaps"] > 0 and got["completeness.cells"] > 0
    assert got["uniqueness.rows"] == (60 if machines else 20)
    assert got["consistency.duplicate_keys"] == (60 if machines else 20)
    assert "labels.noise" in got and "labels.balance" in got
    std = spk.results["standardize"]
    assert std.counts["converted"] >= 1  # a unit conversion ran on Spark
    assert pol.results["quality"].counts == spk.results["quality"].counts


def test_insight_over_the_model_cap_uses_the_model_sample(tmp_path: Path, spark: object) -> None:
    """Over the model's row cap the Spark model trains on every k-th row (rolling features on
    the sampled rows, docs/spark.md); insight rebuilds its features on that same sample, so its
    split is the model's (``same_rows_as_model``)."""
    src = tmp_path / "sensors.parquet"
    messy_table(True).write_parquet(src)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    pol = _build(src, tmp_path / "polars", recipe, "polars", True, _steps(None))
    given = GivenProfile(pol.results["profile"], (tmp_path / "polars/profile.json").read_bytes())
    steps = [ModelStep(max_rows=1_000) if s.name == "model" else s for s in _steps(given)]
    steps = [s for s in steps if s.name in ("ingest", "profile", "preprocess", "model", "insight")]
    spk = _build(src, tmp_path / "spark", recipe, "spark", True, steps)
    sampling = spk.results["model"].data["sampling"]
    assert sampling["every_kth_row"] == 4 and sampling["rows_total"] == 3_060
    ins = json.loads((tmp_path / "spark/insights.json").read_text())
    assert ins["validation"]["same_rows_as_model"] is True
