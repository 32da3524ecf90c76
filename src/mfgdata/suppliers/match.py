"""Matching a demand against suppliers' solutions: hard filters, then a score with its reasons.

Hard filters (a solution that fails one is listed under ``excluded`` with the reason):

* the supplier is approved (onboarding reviewed by staff);
* no conflict of interest: the supplier does not name the company, the company does not name the
  supplier;
* the supplier serves the demand's region, when the demand requires it;
* the solution covers the demand's process family and problem type, when given;
* the solution's lowest price fits the budget (KRW), when given.

Score, 0 to 100 points: half from facet overlap (the share of the demand's facets the solution
matches: process family, problem type, product kind, deployment, region), half from BM25 of the
demand's title and text against the solution's name, Korean and English descriptions and keywords,
relative to the best BM25 among the candidates. When the demand names no facet, the text counts in
full, and the other way round. Every suggestion lists the facets and the words that matched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mfgdata.suppliers.models import (
    Catalogue,
    Demand,
    ReviewStatus,
    Solution,
    Supplier,
    fold,
    folded,
)
from mfgdata.suppliers.text import BM25, tokens


@dataclass(frozen=True)
class FacetHit:
    facet: str  # process_family, problem_type, product_kind, deployment, region
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"facet": self.facet, "value": self.value}


@dataclass(frozen=True)
class Suggestion:
    supplier_id: str
    supplier: str
    solution_id: str
    solution: str
    score: float  # points of 100
    facet_score: float  # share 0..1
    text_score: float  # share 0..1 of the best BM25
    facets: tuple[FacetHit, ...]
    words: tuple[str, ...]
    certifications: tuple[str, ...]  # valid on the demand's day

    def to_dict(self) -> dict[str, object]:
        return {
            "supplier_id": self.supplier_id,
            "supplier": self.supplier,
            "solution_id": self.solution_id,
            "solution": self.solution,
            "score": self.score,
            "score_unit": "점/100 / points of 100",
            "facet_score": self.facet_score,
            "text_score": self.text_score,
            "reasons": {
                "facets": [f.to_dict() for f in self.facets],
                "words": list(self.words),
                "certifications": list(self.certifications),
            },
        }


@dataclass(frozen=True)
class Excluded:
    supplier_id: str
    solution_id: str | None
    reason: str
    reason_ko: str
    reason_en: str

    def to_dict(self) -> dict[str, object]:
        return {
            "supplier_id": self.supplier_id,
            "solution_id": self.solution_id,
            "reason": self.reason,
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True)
class MatchResult:
    suggestions: tuple[Suggestion, ...]
    excluded: tuple[Excluded, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "suggestions": [s.to_dict() for s in self.suggestions],
            "excluded": [e.to_dict() for e in self.excluded],
        }


def _supplier_filter(supplier: Supplier, demand: Demand) -> Excluded | None:
    def out(code: str, ko: str, en: str) -> Excluded:
        return Excluded(supplier.id, None, code, ko, en)

    if supplier.status is not ReviewStatus.APPROVED:
        return out("not_approved", "심사가 끝나지 않은 공급기업", "supplier not approved by staff")
    company = fold(demand.company)
    if company in folded(supplier.conflicts) or fold(supplier.id) in folded(
        demand.exclude_suppliers
    ):
        return out(
            "conflict_of_interest",
            f"이해충돌: {supplier.name} - {demand.company}",
            f"conflict of interest: {supplier.name} - {demand.company}",
        )
    if (
        demand.region_required
        and demand.region
        and fold(demand.region) not in folded(supplier.regions)
    ):
        return out(
            "region",
            f"'{demand.region}' 지역을 지원하지 않습니다",
            f"does not serve the region '{demand.region}'",
        )
    return None


def _solution_filter(supplier: Supplier, solution: Solution, demand: Demand) -> Excluded | None:
    def out(code: str, ko: str, en: str) -> Excluded:
        return Excluded(supplier.id, solution.id, code, ko, en)

    if demand.process_family and fold(demand.process_family) not in folded(
        solution.process_families
    ):
        return out(
            "process_family",
            f"공정 '{demand.process_family}'을(를) 다루지 않습니다",
            f"does not cover the process family '{demand.process_family}'",
        )
    if demand.problem_type and fold(demand.problem_type) not in folded(solution.problem_types):
        return out(
            "problem_type",
            f"문제 유형 '{demand.problem_type}'을(를) 다루지 않습니다",
            f"does not address the problem type '{demand.problem_type}'",
        )
    if demand.budget_krw is not None and solution.price_min_krw > demand.budget_krw:
        return out(
            "budget",
            f"최저 가격 {solution.price_min_krw:,}원이 예산 {demand.budget_krw:,}원을 넘습니다",
            f"lowest price {solution.price_min_krw:,} KRW exceeds the budget"
            f" {demand.budget_krw:,} KRW",
        )
    return None


def _facets(supplier: Supplier, solution: Solution, demand: Demand) -> tuple[int, list[FacetHit]]:
    """How many facets the demand names, and which of them the solution matches."""
    asked = 0
    hits: list[FacetHit] = []
    pairs: list[tuple[str, str | None, frozenset[str]]] = [
        ("process_family", demand.process_family, folded(solution.process_families)),
        ("problem_type", demand.problem_type, folded(solution.problem_types)),
        ("product_kind", demand.product_kind, folded(solution.product_kinds)),
        ("deployment", demand.deployment, frozenset(d.value for d in solution.deployment)),
        ("region", demand.region, folded(supplier.regions)),
    ]
    for facet, wanted, offered in pairs:
        if wanted is None or not str(wanted).strip():
            continue
        asked += 1
        if fold(str(wanted)) in offered:
            hits.append(FacetHit(facet, str(wanted)))
    return asked, hits


def match(catalogue: Catalogue, demand: Demand, *, limit: int = 10) -> MatchResult:
    """Ranked suggestions (best first; ties by supplier and solution id) and the exclusions."""
    day = demand.on or dt.date.today()
    excluded: list[Excluded] = []
    candidates: list[tuple[Supplier, Solution]] = []
    for supplier in catalogue.suppliers:
        reason = _supplier_filter(supplier, demand)
        if reason is not None:
            excluded.append(reason)
            continue
        for solution in supplier.solutions:
            reason = _solution_filter(supplier, solution, demand)
            if reason is not None:
                excluded.append(reason)
            else:
                candidates.append((supplier, solution))

    query = tokens(f"{demand.title} {demand.text}")
    index = BM25([tokens(sol.text()) for _, sol in candidates])
    texts = [index.score(query, i) for i in range(len(candidates))]
    best = max((t for t, _ in texts), default=0.0)
    suggestions = []
    for (supplier, solution), (bm25, words) in zip(candidates, texts, strict=True):
        asked, hits = _facets(supplier, solution, demand)
        facet_share = len(hits) / asked if asked else 0.0
        text_share = bm25 / best if best > 0 else 0.0
        if asked and query:
            score = 50 * facet_share + 50 * text_share
        else:
            score = 100 * (facet_share if asked else text_share)
        certs = tuple(c.name for c in solution.certifications if c.valid_on(day))
        suggestions.append(
            Suggestion(
                supplier.id,
                supplier.name,
                solution.id,
                solution.name,
                round(score, 1),
                round(facet_share, 3),
                round(text_share, 3),
                tuple(hits),
                tuple(words),
                certs,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.supplier_id, s.solution_id))
    return MatchResult(tuple(suggestions[:limit]), tuple(excluded))
