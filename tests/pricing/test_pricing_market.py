"""Market approach: comparables in a library folder, adjusted exactly; none → not applicable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mfgdata.pricing.inputs import MarketInputs, PricingInputs
from mfgdata.pricing.library import Comparable, Lookup
from mfgdata.pricing.market import market_price


def make_product(
    library: Path,
    name: str,
    *,
    price: float,
    grade: str,
    licence: str,
    access: str,
    rows: int,
    columns: int,
    created: str,
) -> Path:
    folder = library / name
    folder.mkdir(parents=True)
    docs = {
        "manifest.json": {"product_id": name, "created": created, "files": {}},
        "pricing.json": {
            "price_krw": price,
            "licence": licence,
            "access_mode": access,
            "rows": rows,
            "columns": columns,
        },
        "quality.json": {"grade": grade, "score": 0.9},
        "datapackage.json": {"name": name, "title": f"Product {name}", "resources": []},
    }
    for file, doc in docs.items():
        (folder / file).write_text(json.dumps(doc), encoding="utf-8")
    return folder


@pytest.fixture
def library(tmp_path: Path) -> Path:
    lib = tmp_path / "library"
    make_product(
        lib,
        "a",
        price=600_000,
        grade="A",
        licence="internal-use",
        access="download",
        rows=10_000,
        columns=10,
        created="2026-01-01T09:00:00+00:00",
    )
    make_product(
        lib,
        "b",
        price=2_040_000,
        grade="B",
        licence="commercial",
        access="download",
        rows=40_000,
        columns=10,
        created="2025-01-01T09:00:00+00:00",
    )
    make_product(
        lib,
        "c",
        price=120_000,
        grade="C",
        licence="internal-use",
        access="open-api",
        rows=2_500,
        columns=10,
        created="2026-01-01T00:00:00+00:00",
    )
    return lib


def test_three_comparables_exact(library: Path) -> None:
    result = market_price(PricingInputs(), library, rows=10_000, columns=10)
    assert result.applicable
    comps = {c["folder"]: c for c in result.details["comparables"]}
    # a: 600,000 / (1 × 1 × 1) × (100,000 / 100,000)^0.5
    assert comps["a"]["adjusted_krw"] == 600_000.0
    # b: 2,040,000 / (0.85 × 1.5 × 1) × (100,000 / 400,000)^0.5 = 1,600,000 × 0.5
    assert comps["b"]["adjusted_krw"] == 800_000.0
    assert comps["b"]["size_factor"] == pytest.approx(0.5)
    # c: 120,000 / (0.7 × 1 × 1.2) × (100,000 / 25,000)^0.5 = 142,857.14… × 2
    assert comps["c"]["adjusted_krw"] == 285_714.29
    # recency: b is 365 days older than the newest → weight 0.5
    assert [comps[k]["age_days"] for k in "abc"] == [0, 365, 0]
    assert comps["b"]["weight"] == pytest.approx(0.5)
    # (600,000 + 0.5 × 800,000 + 285,714.29) / 2.5
    assert result.price_krw == 514_285.72
    assert result.details["as_of"] == "2026-01-01"
    assert "P_market = 1,285,714.29 / 2.5 = 514,285.72" in result.substituted


def test_size_factor_is_concave(library: Path) -> None:
    small = market_price(PricingInputs(), library, rows=10_000, columns=10).price_krw
    big = market_price(PricingInputs(), library, rows=40_000, columns=10).price_krw
    assert small is not None and big is not None
    assert big == pytest.approx(2 * small, abs=0.02)  # 4× the cells, 2× the price (β = 0.5)


def test_as_of_moves_recency(library: Path) -> None:
    inputs = PricingInputs(market=MarketInputs(as_of="2027-01-01", half_life_days=365))
    result = market_price(inputs, library, rows=10_000, columns=10)
    ages = [c["age_days"] for c in result.details["comparables"]]
    assert ages == [365, 730, 365]


def test_unusable_folders_are_skipped_with_reason(library: Path) -> None:
    broken = make_product(
        library,
        "d",
        price=1,
        grade="A",
        licence="internal-use",
        access="download",
        rows=1,
        columns=1,
        created="2026-01-01T00:00:00",
    )
    (broken / "quality.json").unlink()
    make_product(
        library,
        "e",
        price=1_000,
        grade="Platinum",
        licence="internal-use",
        access="download",
        rows=1,
        columns=1,
        created="2026-01-01T00:00:00",
    )
    result = market_price(PricingInputs(), library, rows=10_000, columns=10)
    assert len(result.details["comparables"]) == 3
    skipped = {s["folder"]: s["reason"] for s in result.details["skipped"]}
    assert skipped == {"d": "quality.json missing", "e": "not in grade_multipliers"}
    assert result.price_krw == 514_285.72


@pytest.mark.parametrize("create", [False, True])
def test_no_comparables_not_applicable(tmp_path: Path, create: bool) -> None:
    lib = tmp_path / "library"
    if create:
        lib.mkdir()
    result = market_price(PricingInputs(), lib, rows=100, columns=3)
    assert not result.applicable
    assert result.price_krw is None
    assert "no comparable" in result.reason_en
    assert "비교" in result.reason_ko


def lookup(*comps: Comparable, status: str = "ok") -> Lookup:
    return Lookup(
        database="sqlite:mfgdata.db",
        status=status,
        process_family="press",
        data_type="timeseries",
        comparables=comps,
        note_ko="게시된 제품 없음" if not comps else "",
        note_en="no published product" if not comps else "",
    )


def test_library_and_folder_comparables_together(library: Path) -> None:
    published = Comparable(
        folder="press-a@2",
        title="Press A",
        price_krw=1_275_000,
        grade="B",
        licence="commercial",
        access_mode="download",
        rows=10_000,
        columns=10,
        created=date(2026, 1, 1),
        source="library",
    )
    result = market_price(
        PricingInputs(), library, rows=10_000, columns=10, catalog=lookup(published)
    )
    assert result.details["basis"] == "folder+library"
    comps = {c["folder"]: c for c in result.details["comparables"]}
    assert comps["press-a@2"]["source"] == "library"
    assert comps["press-a@2"]["adjusted_krw"] == 1_000_000.0  # 1,275,000 / (0.85 × 1.5)
    # (600,000 + 0.5 × 800,000 + 285,714.29 + 1,000,000) / 3.5
    assert result.price_krw == 653_061.23
    assert result.details["catalog"]["found"] == 1


def test_fallback_names_every_place_it_looked(tmp_path: Path) -> None:
    result = market_price(
        PricingInputs(), tmp_path / "library", rows=100, columns=3, catalog=lookup()
    )
    assert not result.applicable and result.details["basis"] == "fallback"
    assert "data library sqlite:mfgdata.db: no published product" in result.reason_en
    assert "no comparable in the local library library/" in result.reason_en
    assert "데이터 라이브러리 sqlite:mfgdata.db: 게시된 제품 없음" in result.reason_ko
