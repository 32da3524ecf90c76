"""Worked examples for both calls: the numbers a programme officer would check by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mfgdata.programs.models import Aggregation
from mfgdata.programs.scoring import aggregate, rank_applicants, round2
from tests.programs.sheets import PRODUCT, REGIONAL, panel

ALL_PASS = {"existence": True, "data_holding": True, "capacity": True}


def by_name(results: list) -> dict:
    return {r.applicant: r for r in results}


def test_half_up_rounding_where_python_round_goes_down() -> None:
    assert round(82.125, 2) == 82.12  # the trap
    assert round2(Decimal("82.125")) == Decimal("82.13")
    assert round2(Decimal("59.995")) == Decimal("60.00")
    assert round2(Decimal("59.994")) == Decimal("59.99")


def test_regional_all_evaluators_equal() -> None:
    rows = panel("가나전자", [(30, 25, 15, 12)] * 6)
    (r,) = rank_applicants(REGIONAL, rows)
    assert (r.score, r.final, r.rank, r.selected) == (Decimal("82.00"), Decimal("82.00"), 1, True)
    assert r.to_dict()["score"] == "82.00"


def test_regional_two_evaluators_tied_at_the_top_only_one_is_dropped() -> None:
    # totals 90, 90, 80, 70, 60, 50: drop one 90 and the 50 → (90+80+70+60)/4 = 75.00
    totals = [(35, 30, 15, 10), (35, 30, 15, 10), (30, 25, 15, 10), (25, 25, 10, 10)]
    totals += [(20, 20, 10, 10), (20, 15, 10, 5)]
    (r,) = rank_applicants(REGIONAL, panel("A", totals))
    assert r.score == Decimal("75.00")  # dropping both 90s would give 70.00


def test_regional_trimmed_mean_rounds_half_up() -> None:
    # middle totals 82.5, 82, 82, 82 → 82.125 → 82.13; extremes 100 and 0 are dropped
    totals = [(35, 30, 20, 15), (0, 0, 0, 0), ("30.5", 25, 15, 12)] + [(30, 25, 15, 12)] * 3
    (r,) = rank_applicants(REGIONAL, panel("A", totals))
    assert r.score == Decimal("82.13")


def test_productization_arithmetic_mean_keeps_the_extremes() -> None:
    totals = [(20, 30, 30, 20), (0, 0, 0, 0), (15, 20, 20, 15), (15, 20, 20, 15), (15, 20, 20, 15)]
    (r,) = rank_applicants(PRODUCT, panel("A", totals, call="product"), site_checks={"A": ALL_PASS})
    assert r.score == Decimal("62.00")  # (100 + 0 + 70·3) / 5


def test_regional_tie_on_total_broken_by_category_order() -> None:
    # both 80 in total; A is higher on ① 제조데이터·AI활용 전략 방법론 (35)
    rows = panel("B", [(28, 27, 15, 10)] * 6) + panel("A", [(30, 25, 15, 10)] * 6)
    # C equals A on ① and is higher on ② 정책부합성 → C before A
    rows += panel("C", [(30, 26, 14, 10)] * 6)
    results = rank_applicants(REGIONAL, rows)
    assert [(r.applicant, r.rank) for r in results] == [("C", 1), ("A", 2), ("B", 3)]
    assert all(r.final == Decimal("80.00") for r in results)


def test_tie_on_every_criterion_gives_the_same_rank() -> None:
    rows = panel("A", [(30, 25, 15, 10)] * 6) + panel("B", [(30, 25, 15, 10)] * 6)
    rows += panel("C", [(20, 20, 15, 10)] * 6)
    results = rank_applicants(REGIONAL, rows)
    assert [r.rank for r in results] == [1, 1, 3]
    assert "동순위" in results[0].reason_ko


@pytest.mark.parametrize(
    ("middle", "score", "selected"),
    [
        # middle totals sum 239.98 → 59.995 → 60.00 passes
        (["60", "59.99", "59.99", "60"], "60.00", True),
        # sum 239.97 → 59.9925 → 59.99 fails
        (["60", "59.99", "59.99", "59.99"], "59.99", False),
    ],
)
def test_regional_sixty_point_edge(middle: list[str], score: str, selected: bool) -> None:
    # extremes 70 and 30 are dropped; each middle total is (m − 25) + 25
    totals = [(35, 30, 5, 0), (20, 10, 0, 0)]
    totals += [(str(Decimal(m) - 25), 25, 0, 0) for m in middle]
    (r,) = rank_applicants(REGIONAL, panel("A", totals))
    assert r.score == Decimal(score)
    assert r.selected is selected
    assert (r.rank is None) is (not selected)
    if not selected:
        assert "기준 점수 미달" in r.reason_ko and "cut-off" in r.reason_en


def test_productization_bonus_lifts_an_applicant_over_another() -> None:
    rows = panel("A", [(15, 22, 23, 15)] * 5, call="product")  # 75
    rows += panel("B", [(15, 22, 21, 15)] * 5, call="product")  # 73 + 3 = 76
    site = {"A": ALL_PASS, "B": ALL_PASS}
    without = rank_applicants(PRODUCT, rows, site_checks=site)
    assert [r.applicant for r in without] == ["A", "B"]
    results = rank_applicants(PRODUCT, rows, bonus={"B": ["trading_record"]}, site_checks=site)
    b, a = results
    assert (b.applicant, b.score, b.bonus, b.final, b.rank) == (
        "B",
        Decimal("73.00"),
        Decimal("3.00"),
        Decimal("76.00"),
        1,
    )
    assert (a.applicant, a.rank, a.selected) == ("A", 2, True)


def test_bonus_does_not_lift_over_the_cut_off() -> None:
    rows = panel("A", [(15, 17, 17, 10)] * 5, call="product")  # 59 + 3
    (r,) = rank_applicants(PRODUCT, rows, bonus={"A": ["trading_record"]}, site_checks={})
    assert (r.final, r.selected, r.rank) == (Decimal("62.00"), False, None)


def test_productization_one_bu_on_the_site_check_excludes() -> None:
    rows = panel("A", [(18, 27, 27, 18)] * 5, call="product")  # 90
    rows += panel("B", [(15, 20, 20, 15)] * 5, call="product")  # 70
    site = {"A": {**ALL_PASS, "data_holding": False}, "B": ALL_PASS}
    results = by_name(rank_applicants(PRODUCT, rows, site_checks=site))
    assert (results["A"].selected, results["A"].rank) == (False, None)
    assert "제조 데이터 보유 여부" in results["A"].reason_ko
    assert "site check" in results["A"].reason_en
    assert (results["B"].selected, results["B"].rank) == (True, 1)


def test_productization_without_site_check_nobody_is_selected_yet() -> None:
    rows = panel("A", [(18, 27, 27, 18)] * 5, call="product")
    (r,) = rank_applicants(PRODUCT, rows)
    assert (r.selected, r.rank) == (False, None)
    assert "현장점검" in r.reason_ko


def test_slots_cap_the_selection() -> None:
    rows = panel("A", [(30, 25, 15, 10)] * 6) + panel("B", [(25, 25, 15, 10)] * 6)
    a, b = rank_applicants(REGIONAL, rows, slots=1)
    assert (a.selected, b.selected, b.rank) == (True, False, 2)
    assert "places" in b.reason_en


def test_aggregate_rules() -> None:
    values = [Decimal(v) for v in ("90", "90", "80", "70", "60", "50")]
    assert aggregate(values, Aggregation.TRIMMED_MEAN) == Decimal("75.00")
    assert aggregate(values, Aggregation.MEAN) == Decimal("73.33")


def test_tie_break_categories_use_the_trimmed_mean_too() -> None:
    # every evaluator totals 80 for both; on ① A's mean is higher (28.33 > 26.67) but its
    # trimmed mean is lower (27.50 < 28.00): the call's rule says B goes first
    a = [(35, 25, 12, 8)] * 2 + [(25, 30, 15, 10)] * 4
    b = [(28, 27, 15, 10)] * 5 + [(20, 30, 20, 10)]
    results = rank_applicants(REGIONAL, panel("A", a) + panel("B", b))
    assert [(r.applicant, r.final, r.rank) for r in results] == [
        ("B", Decimal("80.00"), 1),
        ("A", Decimal("80.00"), 2),
    ]
    first = REGIONAL.categories[0].name
    assert dict(results[0].categories)[first] == Decimal("28.00")
    assert dict(results[1].categories)[first] == Decimal("27.50")


def test_a_call_may_apply_the_cut_off_to_the_final_score() -> None:
    evaluation = PRODUCT.evaluation.model_copy(update={"cutoff_applies_to": "final"})
    template = PRODUCT.model_copy(update={"evaluation": evaluation})
    rows = panel("A", [(15, 17, 17, 10)] * 5, call="product")  # 59 + 3
    site = {"A": ALL_PASS}
    (r,) = rank_applicants(template, rows, bonus={"A": ["trading_record"]}, site_checks=site)
    assert (r.final, r.selected, r.rank) == (Decimal("62.00"), True, 1)
