"""Matching: Korean compounds, hard filters (conflicts, region, budget, review), reasons listed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mfgdata.suppliers.files import read_catalogue
from mfgdata.suppliers.match import match
from mfgdata.suppliers.models import Catalogue, Demand, Solution, Supplier
from mfgdata.suppliers.text import BM25, tokens

DATA = Path(__file__).parent / "data" / "suppliers.yaml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_catalogue(DATA)


def test_korean_compound_finds_longer_compound() -> None:
    """``사출성형`` must find ``사출성형기 금형온도``; an unrelated text must not."""
    docs = [tokens("사출성형기 금형온도"), tokens("용접 비드 검사"), tokens("금형 관리")]
    index = BM25(docs)
    query = tokens("사출성형")
    score, words = index.score(query, 0)
    assert score > 0 and "사출" in words and "성형" in words
    assert index.score(query, 1) == (0.0, [])
    # spacing does not matter: 사출 성형 = 사출성형
    assert index.score(tokens("사출 성형"), 0)[0] > 0
    # 금형 alone finds 금형온도 (Kiwi splits it 금+형 in context; the joined pair is indexed)
    assert index.score(tokens("금형"), 0)[0] > 0


def test_english_words_match_plural() -> None:
    index = BM25([tokens("predicts molding defects"), tokens("weld bead")])
    score, words = index.score(tokens("defect prediction for molding"), 0)
    assert score > 0 and words == ["defect", "molding"]


def test_ranked_with_reasons(catalogue: Catalogue) -> None:
    demand = Demand(
        company="가람정공",
        title="사출성형 불량",
        text="사출성형기 금형 온도 때문에 불량이 납니다",
        region="경남",
        process_family="injection_molding",
        problem_type="defect_prediction",
        deployment="on_premise",
        budget_krw=60_000_000,
        on=dt.date(2026, 1, 1),
    )
    result = match(catalogue, demand)
    ids = [s.solution_id for s in result.suggestions]
    assert ids == ["mold-temp", "mes-lite"]
    top = result.suggestions[0]
    assert {f.facet for f in top.facets} == {
        "process_family",
        "problem_type",
        "deployment",
        "region",
    }
    assert {"사출", "성형", "금형", "불량"} <= set(top.words)
    assert top.certifications == ("GS 인증 1등급",)  # the expired one is not shown
    assert top.score > result.suggestions[1].score
    reasons = {(e.supplier_id, e.solution_id): e.reason for e in result.excluded}
    assert reasons == {
        ("weldvision", "weld-inspect"): "process_family",
        ("cloudmes", "mes-pro"): "budget",
        ("newco", None): "not_approved",
    }


def test_conflicts_of_interest_excluded_both_ways(catalogue: Catalogue) -> None:
    demand = Demand(company="한빛사출", text="사출성형 불량", process_family="injection_molding")
    result = match(catalogue, demand)
    assert "moldai" not in {s.supplier_id for s in result.suggestions}
    assert ("moldai", "conflict_of_interest") in {
        (e.supplier_id, e.reason) for e in result.excluded
    }
    demand = Demand(company="가람정공", text="사출성형 불량", exclude_suppliers=("CloudMES",))
    result = match(catalogue, demand)
    assert "cloudmes" not in {s.supplier_id for s in result.suggestions}
    assert "moldai" in {s.supplier_id for s in result.suggestions}


def test_required_region_filters_optional_region_scores(catalogue: Catalogue) -> None:
    loose = match(catalogue, Demand(company="가", text="사출 MES", region="서울"))
    assert "moldai" in {s.supplier_id for s in loose.suggestions}
    strict = match(
        catalogue, Demand(company="가", text="사출 MES", region="서울", region_required=True)
    )
    assert {s.supplier_id for s in strict.suggestions} == {"cloudmes"}
    assert {e.reason for e in strict.excluded if e.supplier_id == "moldai"} == {"region"}


def test_text_only_and_facets_only_demands() -> None:
    sol = Solution(id="a", name="사출성형 AI", problem_types=("defect_prediction",))
    other = Solution(id="b", name="도장 검사")
    cat = Catalogue(suppliers=(Supplier(id="s", name="S", solutions=(sol, other)),))
    by_text = match(cat, Demand(company="c", text="사출 성형"))
    assert [(s.solution_id, s.score) for s in by_text.suggestions] == [("a", 100.0), ("b", 0.0)]
    by_facet = match(cat, Demand(company="c", problem_type="DEFECT_PREDICTION"))
    assert [(s.solution_id, s.score) for s in by_facet.suggestions] == [("a", 100.0)]
