"""A panel's score sheets, checked against the call before anything is computed.

Every applicant must be scored by every evaluator of the panel in every category, once, within
the category's weight; bonus items and site-check items must be the call's own. Any breach is a
:class:`ScoreSheetError` naming the file line when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from mfgdata.programs.errors import ScoreSheetError
from mfgdata.programs.models import Aggregation, CallTemplate


@dataclass(frozen=True)
class ScoreRow:
    """One evaluator's score for one applicant in one category (``line``: where it was read)."""

    applicant: str
    evaluator: str
    category: str
    score: Decimal
    line: int | None = None


@dataclass(frozen=True)
class Panel:
    """applicant → evaluator → category → score, plus validated bonus items and site checks."""

    sheets: dict[str, dict[str, dict[str, Decimal]]]
    bonus: dict[str, tuple[str, ...]] = field(default_factory=dict)
    site_checks: dict[str, dict[str, bool]] = field(default_factory=dict)


def _err(ko: str, en: str, row: ScoreRow | None = None) -> ScoreSheetError:
    return ScoreSheetError(ko, en, line=row.line if row else None)


def _add(
    template: CallTemplate, sheets: dict[str, dict[str, dict[str, Decimal]]], row: ScoreRow
) -> None:
    category = template.category(row.category)
    if category is None:
        names = ", ".join(c.name for c in template.categories)
        raise _err(
            f"이 공고에 없는 평가 항목입니다: '{row.category}' (항목: {names})",
            f"unknown category '{row.category}' for {template.name} (categories: {names})",
            row,
        )
    if not Decimal(0) <= row.score <= Decimal(category.weight):
        raise _err(
            f"점수 {row.score}이(가) '{row.category}'의 범위 0–{category.weight}을 벗어납니다",
            f"score {row.score} is outside 0–{category.weight} for '{row.category}'",
            row,
        )
    cats = sheets.setdefault(row.applicant, {}).setdefault(row.evaluator, {})
    if row.category in cats:
        raise _err(
            f"같은 점수가 두 번 있습니다: {row.applicant} / {row.evaluator} / {row.category}",
            f"duplicate score: {row.applicant} / {row.evaluator} / {row.category}",
            row,
        )
    cats[row.category] = row.score


def _complete(template: CallTemplate, sheets: dict[str, dict[str, dict[str, Decimal]]]) -> None:
    evaluators = sorted({e for by_eval in sheets.values() for e in by_eval})
    minimum = 3 if template.evaluation.aggregation is Aggregation.TRIMMED_MEAN else 1
    if len(evaluators) < minimum:
        raise _err(
            f"평가위원이 {len(evaluators)}명뿐입니다 (최고·최저 제외에는 3명 이상 필요)",
            f"only {len(evaluators)} evaluators (dropping the extremes needs at least 3)",
        )
    for applicant, by_eval in sorted(sheets.items()):
        for evaluator in evaluators:
            have = by_eval.get(evaluator, {})
            missing = [c.name for c in template.categories if c.name not in have]
            if missing:
                raise _err(
                    f"평가 점수가 없습니다: {applicant} / {evaluator} / {', '.join(missing)}",
                    f"missing score: {applicant} / {evaluator} / {', '.join(missing)}",
                )


def _check_bonus(
    template: CallTemplate, applicants: set[str], bonus: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    known = {b.id for b in template.bonus_items}
    listed = ", ".join(sorted(known)) or "-"
    for applicant, items in bonus.items():
        if applicant not in applicants:
            raise _err(
                f"점수표에 없는 신청자의 가점입니다: {applicant}",
                f"bonus for an applicant with no scores: {applicant}",
            )
        for item in items:
            if item not in known:
                raise _err(
                    f"이 공고에 없는 가점 항목입니다: '{item}' (항목: {listed})",
                    f"unknown bonus item '{item}' (items: {listed})",
                )
    return {a: tuple(sorted(set(items))) for a, items in bonus.items()}


def _check_site(
    template: CallTemplate, applicants: set[str], site: Mapping[str, Mapping[str, bool]]
) -> dict[str, dict[str, bool]]:
    known = [i.id for i in template.site_check_items]
    if site and not known:
        raise _err(
            "이 공고에는 현장점검 항목이 없습니다", f"{template.name} has no site-check items"
        )
    for applicant, items in site.items():
        if applicant not in applicants:
            raise _err(
                f"점수표에 없는 신청자의 현장점검입니다: {applicant}",
                f"site check for an applicant with no scores: {applicant}",
            )
        unknown = sorted(set(items) - set(known))
        missing = [i for i in known if i not in items]
        if unknown or missing:
            raise _err(
                f"현장점검 항목이 맞지 않습니다 ({applicant}): "
                f"없는 항목 {unknown}, 빠진 항목 {missing}",
                f"site-check items do not match ({applicant}): "
                f"unknown {unknown}, missing {missing}",
            )
    return {a: dict(items) for a, items in site.items()}


def collect_panel(
    template: CallTemplate,
    rows: Iterable[ScoreRow],
    *,
    bonus: Mapping[str, Sequence[str]],
    site_checks: Mapping[str, Mapping[str, bool]] | None,
) -> Panel:
    """Check the sheets, bonus items and site checks against the call; return them grouped."""
    sheets: dict[str, dict[str, dict[str, Decimal]]] = {}
    for row in rows:
        _add(template, sheets, row)
    if not sheets:
        raise _err("점수가 하나도 없습니다", "no scores at all")
    _complete(template, sheets)
    applicants = set(sheets)
    return Panel(
        sheets=sheets,
        bonus=_check_bonus(template, applicants, bonus),
        site_checks=_check_site(template, applicants, site_checks or {}),
    )
