"""Properties of the scoring rules, for any panel hypothesis can build."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.programs.models import Aggregation, CallTemplate
from mfgdata.programs.panel import ScoreRow
from mfgdata.programs.scoring import aggregate, rank_applicants, round2
from tests.programs.sheets import PRODUCT, REGIONAL

ALL_PASS = {"existence": True, "data_holding": True, "capacity": True}


def category_scores(template: CallTemplate) -> st.SearchStrategy[list[Decimal]]:
    """One evaluator's sheet: a score in 0..weight with up to two decimals per category."""
    return st.tuples(
        *(
            st.integers(0, c.weight * 100).map(lambda n: Decimal(n) / 100)
            for c in template.categories
        )
    ).map(list)


@given(
    template=st.sampled_from([REGIONAL, PRODUCT]),
    data=st.data(),
    evaluators=st.integers(3, 9),
)
def test_dropping_extremes_never_changes_an_all_equal_panel(
    template: CallTemplate, data: st.DataObject, evaluators: int
) -> None:
    scores = data.draw(category_scores(template))
    rows = [
        ScoreRow("A", f"E{e}", c.name, s)
        for e in range(evaluators)
        for c, s in zip(template.categories, scores, strict=True)
    ]
    site = {"A": ALL_PASS} if template.site_check_items else None
    (r,) = rank_applicants(template, rows, site_checks=site)
    assert r.selected is (r.score >= 60)
    total = sum(scores, Decimal(0))
    assert r.score == round2(total)
    totals = [total] * evaluators
    assert aggregate(totals, Aggregation.TRIMMED_MEAN) == aggregate(totals, Aggregation.MEAN)


def panels(template: CallTemplate) -> st.SearchStrategy[dict[str, list[list[Decimal]]]]:
    names = st.sampled_from(["가", "나", "다", "라", "마", "바"])
    sheets = st.lists(category_scores(template), min_size=5, max_size=5)
    return st.dictionaries(names, sheets, min_size=2, max_size=6)


def as_rows(template: CallTemplate, panel: dict[str, list[list[Decimal]]]) -> list[ScoreRow]:
    return [
        ScoreRow(a, f"E{e}", c.name, s)
        for a, sheets in panel.items()
        for e, scores in enumerate(sheets)
        for c, s in zip(template.categories, scores, strict=True)
    ]


@settings(max_examples=150)
@given(template=st.sampled_from([REGIONAL, PRODUCT]), data=st.data())
def test_a_bonus_never_lowers_a_rank(template: CallTemplate, data: st.DataObject) -> None:
    # the regional call has no bonus items: give it one for this property
    if not template.bonus_items:
        template = template.model_copy(update={"bonus_items": PRODUCT.bonus_items})
    panel = data.draw(panels(template))
    rows = as_rows(template, panel)
    who = data.draw(st.sampled_from(sorted(panel)))
    others = data.draw(st.sets(st.sampled_from(sorted(panel))))
    site = {a: ALL_PASS for a in panel} if template.site_check_items else None
    before_bonus = {a: ["trading_record"] for a in others - {who}}
    after_bonus = {**before_bonus, who: ["trading_record"]}
    before = {
        r.applicant: r
        for r in rank_applicants(template, rows, bonus=before_bonus, site_checks=site)
    }
    after = {
        r.applicant: r for r in rank_applicants(template, rows, bonus=after_bonus, site_checks=site)
    }
    assert after[who].final >= before[who].final
    if before[who].rank is not None:
        assert after[who].rank is not None and after[who].rank <= before[who].rank
    assert after[who].selected >= before[who].selected
