"""The scoring engine: evaluator totals, the call's aggregation rule, bonus, cut-off, site check,
tie-breaks, rank and selection.

All arithmetic is ``Decimal``; a score is rounded once, half up, to two decimals (82.125 → 82.13,
where Python's ``round`` gives 82.12), and the cut-off is compared with the rounded score
(59.995 → 60.00 passes). A category score used for a tie-break is aggregated over the evaluators
by the same rule as the totals and rounded the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mfgdata.programs.models import Aggregation, CallTemplate
from mfgdata.programs.panel import Panel, ScoreRow, collect_panel

CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """Two decimals, half up: ``round2(Decimal("82.125")) == Decimal("82.13")``."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate(values: Sequence[Decimal], rule: Aggregation) -> Decimal:
    """One score from the evaluators' values by the call's rule, rounded half up to 0.01.

    The trimmed mean drops exactly one highest and one lowest value, even when two evaluators
    share the top (or bottom) score.
    """
    if not values:
        raise ValueError("no values to aggregate")
    ordered = sorted(values)
    if rule is Aggregation.TRIMMED_MEAN:
        if len(ordered) < 3:
            raise ValueError("a trimmed mean needs at least 3 values")
        ordered = ordered[1:-1]
    return round2(sum(ordered, Decimal(0)) / Decimal(len(ordered)))


@dataclass(frozen=True)
class Ranked:
    """One applicant's result. ``rank`` is None for an applicant who cannot be selected."""

    applicant: str
    score: Decimal
    bonus: Decimal
    final: Decimal
    categories: tuple[tuple[str, Decimal], ...]
    rank: int | None
    selected: bool
    reason_ko: str
    reason_en: str

    @property
    def reason(self) -> str:
        return f"{self.reason_ko} / {self.reason_en}"

    def to_dict(self) -> dict[str, object]:
        return {
            "applicant": self.applicant,
            "score": f"{self.score:.2f}",
            "bonus": f"{self.bonus:.2f}",
            "final": f"{self.final:.2f}",
            "rank": self.rank,
            "selected": self.selected,
            "reason": self.reason,
            "categories": {name: f"{v:.2f}" for name, v in self.categories},
        }


@dataclass(frozen=True)
class _Result:
    applicant: str
    score: Decimal
    bonus: Decimal
    categories: dict[str, Decimal]
    blocked: tuple[str, str] | None  # (ko, en) why this applicant cannot be selected


def _bonus(template: CallTemplate, items: Iterable[str]) -> Decimal:
    points = {b.id: b.points for b in template.bonus_items}
    return sum((points[i] for i in set(items)), Decimal(0))


def _blocked(
    template: CallTemplate, score: Decimal, final: Decimal, site: Mapping[str, bool] | None
) -> tuple[str, str] | None:
    ev = template.evaluation
    checked = score if ev.cutoff_applies_to == "score" else final
    if checked < ev.cutoff:
        return (
            f"기준 점수 미달 ({checked:.2f} < {ev.cutoff:.2f})",
            f"below the cut-off ({checked:.2f} < {ev.cutoff:.2f})",
        )
    if not template.site_check_items:
        return None
    if site is None:
        return ("현장점검 대상 (결과 없음)", "goes to the site check (no result yet)")
    failed = [i for i in template.site_check_items if not site[i.id]]
    if failed:
        return (
            "현장점검 부적합: " + ", ".join(i.ko for i in failed),
            "failed the site check: " + ", ".join(i.en for i in failed),
        )
    return None


def _order_key(template: CallTemplate, r: _Result) -> tuple[Decimal, ...]:
    return (r.score + r.bonus, *(r.categories[c] for c in template.evaluation.tie_break))


def rank_applicants(
    template: CallTemplate,
    rows: Iterable[ScoreRow],
    *,
    bonus: Mapping[str, Sequence[str]] | None = None,
    site_checks: Mapping[str, Mapping[str, bool]] | None = None,
    slots: int | None = None,
) -> list[Ranked]:
    """Rank the applicants of one call.

    ``bonus`` maps an applicant to the bonus item ids they earned; ``site_checks`` maps an
    applicant to ``{item id: 적 (True) / 부 (False)}`` (validated by :func:`collect_panel`).
    Where the call has a site check, an applicant past the cut-off without results is not
    selected yet ("goes to the site check").
    Those who pass the cut-off and the site check are ranked by final score (score + bonus),
    ties broken by the categories in the call's order; equal on all of them means equal rank.
    ``slots`` caps the number selected (None: all who qualify).
    """
    panel: Panel = collect_panel(template, rows, bonus=bonus or {}, site_checks=site_checks)
    rule = template.evaluation.aggregation
    results = []
    for applicant, sheets in panel.sheets.items():
        totals = [sum(cats.values(), Decimal(0)) for cats in sheets.values()]
        score = aggregate(totals, rule)
        cats = {
            c.name: aggregate([s[c.name] for s in sheets.values()], rule)
            for c in template.categories
        }
        extra = _bonus(template, panel.bonus.get(applicant, ()))
        site = panel.site_checks.get(applicant)  # None: not checked (yet)
        blocked = _blocked(template, score, score + extra, site)
        results.append(_Result(applicant, score, extra, cats, blocked))
    return _ranked(template, results, slots)


def _ranked(template: CallTemplate, results: list[_Result], slots: int | None) -> list[Ranked]:
    ranked = sorted(
        (r for r in results if r.blocked is None),
        key=lambda r: (tuple(-v for v in _order_key(template, r)), r.applicant),
    )
    keys = [_order_key(template, r) for r in ranked]
    counts = Counter(keys)
    out: list[Ranked] = []
    rank = 0
    previous: tuple[Decimal, ...] | None = None
    for position, (r, key) in enumerate(zip(ranked, keys, strict=True), start=1):
        if key != previous:
            rank, previous = position, key
        tied = counts[key] > 1
        if slots is not None and rank > slots:
            reason = ("선정 인원 초과", f"beyond the {slots} places")
        elif tied:
            reason = ("선정 (동점, 동순위)", "selected (tied on every criterion, same rank)")
        else:
            reason = ("선정", "selected")
        selected = slots is None or rank <= slots
        out.append(_make(r, rank, selected, reason))
    blocked = sorted(
        (r for r in results if r.blocked is not None),
        key=lambda r: (-(r.score + r.bonus), r.applicant),
    )
    out.extend(_make(r, None, False, r.blocked or ("", "")) for r in blocked)
    return out


def _make(r: _Result, rank: int | None, selected: bool, reason: tuple[str, str]) -> Ranked:
    return Ranked(
        applicant=r.applicant,
        score=r.score,
        bonus=round2(r.bonus),
        final=round2(r.score + r.bonus),
        categories=tuple(r.categories.items()),
        rank=rank,
        selected=selected,
        reason_ko=reason[0],
        reason_en=reason[1],
    )
