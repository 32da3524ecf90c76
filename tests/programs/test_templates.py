"""The two built-in calls load, carry the calls' own names and weights, and bad templates fail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mfgdata.programs.errors import TemplateError
from mfgdata.programs.models import Aggregation
from mfgdata.programs.templates import load_template, parse_template, template_names


def test_built_in_templates() -> None:
    assert template_names() == ["data-productization-2025", "regional-ai-center-2025"]
    regional = load_template("regional-ai-center-2025")
    assert [(c.name, c.weight) for c in regional.categories] == [
        ("제조데이터·AI활용 전략 방법론", 35),
        ("정책부합성", 30),
        ("사업관리", 20),
        ("성과확산", 15),
    ]
    assert regional.evaluation.aggregation is Aggregation.TRIMMED_MEAN
    assert regional.evaluation.tie_break == (
        "제조데이터·AI활용 전략 방법론",
        "정책부합성",
        "사업관리",
    )
    product = load_template("data-productization-2025")
    assert [(c.name, c.weight) for c in product.categories] == [
        ("사업 이해 및 필요성", 20),
        ("사업 수행 공정 및 수행 방안", 30),
        ("수행 결과물 및 상품화", 30),
        ("프로젝트 수행능력", 20),
    ]
    assert product.evaluation.aggregation is Aggregation.MEAN
    assert [(b.id, b.points) for b in product.bonus_items] == [("trading_record", Decimal(3))]
    assert len(product.site_check_items) == 3
    for t in (regional, product):
        assert t.evaluation.cutoff == Decimal(60)
        assert (str(t.deadline.time), t.deadline.timezone) == ("17:00:00", "Asia/Seoul")
    assert "adverse_audit_opinion" in product.exclusions
    assert "adverse_audit_opinion" not in regional.exclusions


BASE = """
name: t
title_ko: 시험
title_en: test
categories:
  - {name: 가, en: a, weight: 60}
  - {name: 나, en: b, weight: WEIGHT}
evaluation: {panel_size: 5, aggregation: mean, cutoff: "60", tie_break: [TIE]}
exclusions: [tax_arrears]
deadline: {time: "17:00:00"}
"""


def test_a_valid_custom_template_parses() -> None:
    t = parse_template(BASE.replace("WEIGHT", "40").replace("TIE", "가"), source="t.yaml")
    assert t.category("나") is not None and t.category("다") is None


@pytest.mark.parametrize(
    ("weight", "tie", "expected"),
    [
        ("30", "가", "add up to 100"),
        ("40", "다", "unknown categories"),
        ("abc", "가", "categories.1.weight"),
    ],
)
def test_bad_templates_are_refused(weight: str, tie: str, expected: str) -> None:
    with pytest.raises(TemplateError, match=expected) as e:
        parse_template(BASE.replace("WEIGHT", weight).replace("TIE", tie), source="t.yaml")
    assert e.value.where.file == "t.yaml" and "공고 템플릿" in e.value.ko
