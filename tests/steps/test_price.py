"""The price step: grade from quality, size from the table, pricing.json, data and report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import (
    IngestResult,
    ModelResult,
    PriceResult,
    ProfileResult,
    QualityResult,
)
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
    time: bool = False,
    **options: Any,
) -> RunContext:
    root = tmp_path / name
    root.mkdir()
    work = tmp_path / f"{name}.work"
    work.mkdir()
    results: dict[str, StepResult] = {
        "profile": StepResult(
            step="profile",
            data=ProfileResult(
                rows=3, columns={"a": {}, "b": {}}, time={"column": "t"} if time else None
            ),
        ),
    }
    if grade is not None:
        results["quality"] = StepResult(step="quality", data=QualityResult(grade=grade, score=0.93))
    if model is not None:
        results["model"] = StepResult(step="model", data=ModelResult(model))
    return RunContext(
        run_id="test",
        options=Options(inputs=(), out=tmp_path / "out", pricing=pricing, **options),
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
    # measured (no earlier step ran: the table's 2,000 × 3 = 6,000 cells are all there is):
    # collect 300,000 + 6 × 2,000; QA 200,000 + 6 × 500; storage 0.048 MB × 100; serve 240,000
    # = 755,004.8 / 10 × 1.2 = 90,600.58 → 91,000
    cost = doc["approaches"]["cost"]
    assert cost["details"]["total_cost_krw"] == 755_004.8
    assert cost["price_krw"] == 90_600.58
    assert (doc["price_krw"], doc["vat_krw"], doc["total_krw"]) == (91_000, 9_100, 100_100)
    assert result.of(PriceResult).price_krw == 91_000
    assert result.of(PriceResult).total_krw == 100_100
    assert doc["product"] == {
        "rows": 2_000,
        "columns": 3,
        "cells": 6_000,
        "size_source": "table",
        "grade": "A",
        "grade_source": "quality",
    }
    assert doc["work"]["raw_cells"] == {
        "value": 6_000,
        "unit": "cells",
        "label_ko": "원본 셀 (행 × 열)",
        "label_en": "raw cells (rows × columns)",
        "source": "table",
    }
    assert doc["work"]["cells_cleaned"]["source"] == "not measured"
    market = doc["approaches"]["market"]
    assert market["applicable"] is False
    assert market["details"]["basis"] == "fallback" == result.of(PriceResult).market_basis
    assert "falls back to the cost approach" in market["reason_en"]
    assert "원가접근법" in market["reason_ko"]
    assert doc["approaches"]["value"]["applicable"] is False
    assert doc["inputs"]["margin"] == {"value": 0.2, "unit": "fraction", "source": "default"}
    assert doc["inputs"]["costs.collection"]["source"] == "not_used"
    assert doc["inputs"]["unit_costs.per_1000_raw_cells_krw"]["unit"] == "KRW / 1,000 cells"
    # API: open-api full-table price 90,600.58 × 1.2 = 108,720.70 → 109,000 caps the list
    assert doc["api"]["full_table_price_krw"] == 109_000
    prices = [e["price_krw"] for e in result.of(PriceResult).api_price_list]
    assert prices == sorted(prices) and prices[-1] == 109_000
    assert "proof_en" in doc["api"] and "proof_ko" in doc["api"]


def test_report_section(tmp_path: Path) -> None:
    section = PriceStep().run(FRAME, make_ctx(tmp_path, "r")).report
    assert section is not None
    assert (section.key, section.order) == ("price", 70)
    assert "91,000" in section.html_ko and "91,000" in section.html_en
    assert "부가가치세" in section.html_ko and "VAT" in section.html_en
    assert "6,000 cells / 1,000 × 2,000 KRW = 12,000" in section.html_en
    assert "Measured work of this build" in section.html_en and "측정한 작업량" in section.html_ko
    assert "KRW / 1,000 cells" in section.html_en
    assert "Fallback" in section.html_en and "대체" in section.html_ko
    assert 'data-chart="api_curve"' in section.html_en
    chart = section.charts["api_curve"]
    assert chart["data"]["values"][-1]["rows"] == 2_000


def test_without_quality_is_unrated(tmp_path: Path) -> None:
    result = PriceStep().run(FRAME, make_ctx(tmp_path, "u", grade=None))
    assert result.of(PriceResult).grade == "unrated"
    assert result.of(PriceResult).price_krw == 63_000  # 90,600.58 × 0.7 = 63,420.41


def test_size_from_profile_without_frame(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, "f")
    PriceStep().run(None, ctx)
    doc = json.loads((tmp_path / "f" / "pricing.json").read_text(encoding="utf-8"))
    assert (doc["rows"], doc["columns"], doc["product"]["size_source"]) == (3, 2, "profile")


def test_pricing_file_and_model_uplift(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "licence: commercial\nvalue:\n  units_per_year: 1000\n  value_per_unit_krw: 100\n"
        "  years: 1\n  discount_rate: 0\n  seller_share: 1\n",
        encoding="utf-8",
    )
    ctx = make_ctx(tmp_path, "m", pricing=path, model={"uplift": {"value": 0.2}})
    result = PriceStep().run(FRAME, ctx)
    doc = json.loads((tmp_path / "m" / "pricing.json").read_text(encoding="utf-8"))
    assert doc["inputs_file"] == "pricing.yaml"
    assert doc["inputs"]["licence"] == {"value": "commercial", "unit": "", "source": "file"}
    assert doc["approaches"]["value"]["price_krw"] == 20_000.0  # 0.2 × 1,000 × 100
    # 90,600.58 × 1.5 = 135,900.87, capped by the value 20,000
    assert result.of(PriceResult).price_krw == 20_000
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
    assert result.of(PriceResult).approaches["market"] == 1_200_000.0
    assert result.of(PriceResult).price_krw == 1_200_000
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


def publish_library(home: Path) -> None:
    """A migrated library DB with published, draft and other-family products."""
    from datetime import datetime
    from decimal import Decimal

    from sqlalchemy.orm import Session

    from mfgdata.db.engine import make_engine
    from mfgdata.db.migrate import upgrade
    from mfgdata.db.tables import Organisation, Product, ProductVersion

    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    engine = make_engine(url)
    rows = [  # product, family, version, status, grade, price, rows, columns, published
        ("press-a", "press", 1, "published", "A", 3_000_000, 2_000, 3, "2025-06-01"),
        ("press-a", "press", 2, "published", "B", 1_700_000, 2_000, 3, "2026-06-01"),
        ("press-draft", "press", 1, "draft", "A", 90_000_000, 2_000, 3, None),
        ("weld-b", "welding", 1, "published", "A", 50_000_000, 2_000, 3, "2026-06-01"),
        ("press-line", "press", 1, "published", "A", 70_000_000, 2_000, 3, "2026-06-01"),
    ]
    with Session(engine) as session:
        org = Organisation(name="프레스공업", kind="manufacturer")
        session.add(org)
        session.flush()
        for pid, family, version, status, grade, price, n, cols, published in rows:
            if session.get(Product, pid) is None:
                session.add(
                    Product(
                        id=pid,
                        owner_org_id=org.id,
                        title_ko=f"{pid} 데이터",
                        title_en=f"{pid} data",
                        process_family=family,
                        data_type="timeseries",
                        licence="internal-use",
                    )
                )
                session.flush()
            session.add(
                ProductVersion(
                    product_id=pid,
                    version=version,
                    folder=f"products/{pid}/{version}",
                    manifest_sha256="0" * 64,
                    status=status,
                    grade=grade,
                    price_krw=Decimal(price),
                    rows=n,
                    columns=cols,
                    published_at=datetime.fromisoformat(f"{published}T09:00:00+00:00")
                    if published
                    else None,
                )
            )
        session.commit()
    engine.dispose()


PRESS = {
    "title": "프레스 라인 센서 / Press line sensors",
    "time": True,
    "product_id": "press-line",
}


def test_market_reads_published_comparables_from_the_library(tmp_path: Path) -> None:
    publish_library(tmp_path / "home")
    result = PriceStep().run(FRAME, make_ctx(tmp_path, "lib", **PRESS))
    doc = json.loads((tmp_path / "lib" / "pricing.json").read_text(encoding="utf-8"))
    market = doc["approaches"]["market"]
    assert market["applicable"] is True
    assert market["details"]["basis"] == "library" == result.of(PriceResult).market_basis
    # only press-a's newest published version: not the draft, not welding, not this product
    comps = market["details"]["comparables"]
    assert [(c["folder"], c["source"], c["grade"]) for c in comps] == [
        ("press-a@2", "library", "B")
    ]
    # 1,700,000 / 0.85 (grade B) × (6,000 / 6,000)^0.5 = 2,000,000, then × grade A 1.0
    assert market["price_krw"] == 2_000_000.0
    assert result.of(PriceResult).price_krw == 2_000_000
    catalog = market["details"]["catalog"]
    assert catalog["status"] == "ok" and catalog["database"] == "sqlite:mfgdata.db"
    assert (catalog["process_family"], catalog["data_type"]) == ("press", "timeseries")
    assert catalog["published_total"] == 3
    # a full grade lower: a lower price from the same comparables
    lower = PriceStep().run(FRAME, make_ctx(tmp_path, "lib-c", grade="C", **PRESS))
    assert lower.of(PriceResult).price_krw == 1_400_000  # 2,000,000 × 0.7


def test_other_family_falls_back_openly(tmp_path: Path) -> None:
    publish_library(tmp_path / "home")
    options = {"title": "주조 공정 / Casting", "time": True}
    result = PriceStep().run(FRAME, make_ctx(tmp_path, "cast", **options))
    doc = json.loads((tmp_path / "cast" / "pricing.json").read_text(encoding="utf-8"))
    market = doc["approaches"]["market"]
    assert market["details"]["basis"] == "fallback"
    assert "0 of 3 published products share the process family (casting)" in market["reason_en"]
    assert "falls back to the cost approach" in market["reason_en"]
    assert result.of(PriceResult).price_krw == 91_000  # the cost approach


@pytest.mark.parametrize("state", ["missing", "not_a_library"])
def test_library_db_is_optional_and_never_created(tmp_path: Path, state: str) -> None:
    db = tmp_path / "home" / "mfgdata.db"
    if state == "not_a_library":
        db.parent.mkdir(parents=True)
        db.write_bytes(b"")  # an empty file: no catalogue tables
    result = PriceStep().run(FRAME, make_ctx(tmp_path, state, **PRESS))
    assert result.of(PriceResult).market_basis == "fallback"
    assert result.of(PriceResult).price_krw == 91_000
    doc = json.loads((tmp_path / state / "pricing.json").read_text(encoding="utf-8"))
    catalog = doc["approaches"]["market"]["details"]["catalog"]
    if state == "missing":
        assert not db.exists()  # read-only: nothing is created
        assert catalog["status"] == "no_database"
    else:
        assert db.read_bytes() == b""
        assert catalog["status"] == "unreadable"


def test_cost_from_measured_work(tmp_path: Path) -> None:
    """Earlier steps' results and the runner's seconds are what the cost approach prices."""
    pricing = tmp_path / "pricing.yaml"
    pricing.write_text("unit_costs:\n  per_cpu_minute_krw: 1000\n", encoding="utf-8")
    ctx = make_ctx(
        tmp_path, "w", model={"metrics": {}, "uplift": {"relative": 0.1}}, pricing=pricing
    )
    ctx.results["ingest"] = StepResult(
        step="ingest",
        data=IngestResult(
            rows=2_010,
            columns=[{"name": n} for n in ("t", "x", "y", "z")],
            inputs=[{"name": "라인.csv", "bytes": 52_000}],
        ),
    )
    ctx.results["preprocess"] = StepResult(
        step="preprocess", counts={"rows_in": 2_010, "rows_out": 2_000, "cells_changed": 340}
    )
    ctx.results["standardize"] = StepResult(step="standardize", counts={"mapped": 2})
    ctx.seconds.update({"ingest": 1.5, "preprocess": 3.0, "model": 55.5})
    PriceStep().run(FRAME, ctx)
    doc = json.loads((tmp_path / "w" / "pricing.json").read_text(encoding="utf-8"))
    work = {k: (v["value"], v["unit"], v["source"]) for k, v in doc["work"].items()}
    assert work["raw_cells"] == (8_040, "cells", "ingest")
    assert work["rows_removed"] == (10, "rows", "preprocess")
    assert work["cells_cleaned"] == (340, "cells", "preprocess")
    assert work["columns_standardized"] == (2, "columns", "standardize")
    assert work["models"] == (1, "models", "model")
    assert work["model_seconds"] == (55.5, "s", "runner (model step seconds)")
    assert work["processing_seconds"] == (60.0, "s", "runner (step seconds)")
    items = {i["field"]: i for i in doc["approaches"]["cost"]["details"]["items"]}
    # 300,000 + 8.04 × 2,000
    assert items["collection"]["krw"] == 316_080.0
    # 340 × 10 + 2 × 20,000 + 1 × 300,000 + 1 CPU-minute × 1,000
    assert items["processing"]["krw"] == 344_400.0
    assert [line["unit_cost_key"] for line in items["processing"]["lines"]] == [
        "unit_costs.per_cleaned_cell_krw",
        "unit_costs.per_standardized_column_krw",
        "unit_costs.per_model_krw",
        "unit_costs.per_cpu_minute_krw",
    ]
    # (0.052 MB raw + 0.048 MB product) × 100
    assert items["storage"]["krw"] == 10.0


def test_explicit_costs_and_unit_costs_override(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "costs:\n  collection: 5000000\nunit_costs:\n  qa_setup_krw: 0\n"
        "  per_1000_cells_checked_krw: 1000\n",
        encoding="utf-8",
    )
    PriceStep().run(FRAME, make_ctx(tmp_path, "o", pricing=path))
    doc = json.loads((tmp_path / "o" / "pricing.json").read_text(encoding="utf-8"))
    items = {i["field"]: i for i in doc["approaches"]["cost"]["details"]["items"]}
    assert (items["collection"]["krw"], items["collection"]["basis"]) == (
        5_000_000.0,
        "fixed (pricing.yaml)",
    )
    assert items["qa"]["krw"] == 6_000.0  # 6,000 cells / 1,000 × 1,000, no setup
    assert doc["inputs"]["costs.collection"]["source"] == "file"
    assert doc["inputs"]["unit_costs.qa_setup_krw"]["source"] == "file"


def write_line_csv(path: Path, rows: int, columns: int, seed: int) -> Path:
    """A press line log with Korean headers and units: time, line, sensors, a few blanks."""
    import random
    from datetime import datetime, timedelta

    rng = random.Random(seed)
    sensors = [f"센서{i:02d}[bar]" for i in range(columns - 2)]
    lines = [",".join(["일시", "라인", *sensors])]
    start = datetime(2026, 3, 2, 8, 0)
    for i in range(rows):
        at = (start + timedelta(seconds=10 * i)).strftime("%Y-%m-%d %H:%M:%S")
        values = ["" if rng.random() < 0.01 else f"{50 + rng.gauss(0, 3):.3f}" for _ in sensors]
        lines.append(",".join([at, f"L{i % 3 + 1}", *values]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_priced(tmp_path: Path, name: str, rows: int, columns: int) -> dict[str, Any]:
    """A real build (ingest → profile → preprocess → standardize → quality → price), defaults."""
    from mfgdata.flow import build
    from mfgdata.steps import ingest, preprocess, profile, quality, standardize

    source = write_line_csv(tmp_path / f"{name}.csv", rows, columns, seed=rows)
    options = BuildOptions(inputs=(source,), out=tmp_path / name, time_column="일시")
    steps = [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        standardize.StandardizeStep(),
        quality.QualityStep(),
        PriceStep(),
    ]
    out = build(options, steps=steps).out
    doc: dict[str, Any] = json.loads((out / "pricing.json").read_text(encoding="utf-8"))
    return doc


def test_prices_follow_the_product_size(tmp_path: Path) -> None:
    """The issue's symptom: a 176-row table and a 20,000-row table both cost ₩523,000."""
    small = build_priced(tmp_path, "small", 176, 10)
    large = build_priced(tmp_path, "large", 20_000, 25)
    assert (small["rows"], large["rows"]) == (176, 20_000)
    assert large["price_krw"] > small["price_krw"]
    assert large["price_krw"] >= 2 * small["price_krw"]
