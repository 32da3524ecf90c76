"""The price step: grade from quality, size from the table, pricing.json, data and report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.step import StepResult
from mfgdata.pricing.inputs import PricingError
from mfgdata.settings import Settings
from mfgdata.steps.price import PriceStep


@dataclass(frozen=True)
class Options(BuildOptions):
    pricing: Path | None = None


def make_ctx(
    tmp_path: Path,
    name: str,
    *,
    grade: str | None = "A",
    pricing: Path | None = None,
    model: dict[str, Any] | None = None,
) -> RunContext:
    root = tmp_path / name
    root.mkdir()
    work = tmp_path / f"{name}.work"
    work.mkdir()
    results: dict[str, StepResult] = {
        "profile": StepResult(step="profile", data={"rows": 3, "columns": {"a": {}, "b": {}}}),
    }
    if grade is not None:
        results["quality"] = StepResult(step="quality", data={"grade": grade, "score": 0.93})
    if model is not None:
        results["model"] = StepResult(step="model", data=model)
    return RunContext(
        run_id="test",
        options=Options(inputs=(), out=tmp_path / "out", pricing=pricing),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(root),
        work_dir=work,
        results=results,
    )


FRAME = pl.LazyFrame({"t": list(range(2_000)), "x": [0.5] * 2_000, "y": ["a"] * 2_000})


def test_price_step_writes_pricing_json(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, "p")
    result = PriceStep().run(FRAME, ctx)
    doc = json.loads((tmp_path / "p" / "pricing.json").read_text(encoding="utf-8"))
    assert result.files == ("pricing.json",)
    # defaults: cost 523,200 × grade A 1.0 × internal-use 1.0 × download 1.0
    assert (doc["price_krw"], doc["vat_krw"], doc["total_krw"]) == (523_000, 52_300, 575_300)
    assert result.data["price_krw"] == 523_000
    assert result.data["vat_krw"] == 52_300
    assert result.data["total_krw"] == 575_300
    assert doc["product"] == {
        "rows": 2_000,
        "columns": 3,
        "cells": 6_000,
        "size_source": "table",
        "grade": "A",
        "grade_source": "quality",
    }
    assert doc["approaches"]["market"]["applicable"] is False
    assert doc["approaches"]["value"]["applicable"] is False
    assert doc["inputs"]["margin"] == {"value": 0.2, "source": "default"}
    # API: open-api full-table price 523,200 × 1.2 = 627,840 → 628,000 caps the list
    assert doc["api"]["full_table_price_krw"] == 628_000
    prices = [e["price_krw"] for e in result.data["api_price_list"]]
    assert prices == sorted(prices) and prices[-1] == 628_000
    assert "proof_en" in doc["api"] and "proof_ko" in doc["api"]


def test_report_section(tmp_path: Path) -> None:
    section = PriceStep().run(FRAME, make_ctx(tmp_path, "r")).report
    assert section is not None
    assert (section.key, section.order) == ("price", 70)
    assert "523,000" in section.html_ko and "523,000" in section.html_en
    assert "부가가치세" in section.html_ko and "VAT" in section.html_en
    assert "(2,000,000 + 1,500,000 + 0 + 500,000 + 120,000 + 240,000) / 10" in section.html_en
    assert 'data-chart="api_curve"' in section.html_en
    chart = section.charts["api_curve"]
    assert chart["data"]["values"][-1]["rows"] == 2_000


def test_without_quality_is_unrated(tmp_path: Path) -> None:
    result = PriceStep().run(FRAME, make_ctx(tmp_path, "u", grade=None))
    assert result.data["grade"] == "unrated"
    assert result.data["price_krw"] == 366_000  # 523,200 × 0.7 = 366,240


def test_size_from_profile_without_frame(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, "f")
    PriceStep().run(None, ctx)
    doc = json.loads((tmp_path / "f" / "pricing.json").read_text(encoding="utf-8"))
    assert (doc["rows"], doc["columns"], doc["product"]["size_source"]) == (3, 2, "profile")


def test_pricing_file_and_model_uplift(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "licence: commercial\nvalue:\n  units_per_year: 1000\n  value_per_unit_krw: 1000\n"
        "  years: 1\n  discount_rate: 0\n  seller_share: 1\n",
        encoding="utf-8",
    )
    ctx = make_ctx(tmp_path, "m", pricing=path, model={"uplift": {"value": 0.2}})
    result = PriceStep().run(FRAME, ctx)
    doc = json.loads((tmp_path / "m" / "pricing.json").read_text(encoding="utf-8"))
    assert doc["inputs_file"] == "pricing.yaml"
    assert doc["inputs"]["licence"] == {"value": "commercial", "source": "file"}
    assert doc["approaches"]["value"]["price_krw"] == 200_000.0  # 0.2 × 1,000 × 1,000
    # 523,200 × 1.5 = 784,800, capped by the value 200,000
    assert result.data["price_krw"] == 200_000
    assert doc["final"]["capped"] is True


def add_comparable(home: Path) -> None:
    folder = home / "library" / "press-line-1"
    folder.mkdir(parents=True)
    for name, doc in {
        "manifest.json": {"created": "2026-01-01T00:00:00+00:00"},
        "pricing.json": {
            "price_krw": 1_200_000,
            "licence": "internal-use",
            "access_mode": "download",
            "rows": 2_000,
            "columns": 3,
        },
        "quality.json": {"grade": "A"},
        "datapackage.json": {"title": "Press line"},
    }.items():
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")


def test_comparables_from_the_library(tmp_path: Path) -> None:
    add_comparable(tmp_path / "home")
    result = PriceStep().run(FRAME, make_ctx(tmp_path, "c"))
    assert result.data["approaches"]["market"] == 1_200_000.0
    assert result.data["price_krw"] == 1_200_000
    assert result.counts["comparables"] == 1


def test_bad_pricing_file_names_field(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text("margin: -1\n", encoding="utf-8")
    with pytest.raises(PricingError) as info:
        PriceStep().run(FRAME, make_ctx(tmp_path, "b", pricing=path))
    assert info.value.where.column == "margin"


def test_deterministic_bytes(tmp_path: Path) -> None:
    model = {"uplift": {"value": 0.1}}
    add_comparable(tmp_path / "home")
    PriceStep().run(FRAME, make_ctx(tmp_path, "d1", model=model))
    PriceStep().run(FRAME, make_ctx(tmp_path, "d2", model=model))
    one = (tmp_path / "d1" / "pricing.json").read_bytes()
    two = (tmp_path / "d2" / "pricing.json").read_bytes()
    assert one == two
