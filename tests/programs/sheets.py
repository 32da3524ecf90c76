"""Helpers to write score sheets for the tests: one evaluator's category scores per call."""

from __future__ import annotations

from decimal import Decimal

from mfgdata.programs.panel import ScoreRow
from mfgdata.programs.templates import load_template

REGIONAL = load_template("regional-ai-center-2025")
PRODUCT = load_template("data-productization-2025")


def sheet(
    applicant: str, evaluator: str, *scores: str | int, call: str = "regional"
) -> list[ScoreRow]:
    """Scores in the template's category order.

    regional: 35/30/20/15, productization: 20/30/30/20.
    """
    template = REGIONAL if call == "regional" else PRODUCT
    assert len(scores) == len(template.categories)
    return [
        ScoreRow(applicant, evaluator, c.name, Decimal(str(s)))
        for c, s in zip(template.categories, scores, strict=True)
    ]


def panel(
    applicant: str, totals: list[tuple[str | int, ...]], call: str = "regional"
) -> list[ScoreRow]:
    rows: list[ScoreRow] = []
    for i, scores in enumerate(totals, start=1):
        rows += sheet(applicant, f"E{i}", *scores, call=call)
    return rows
