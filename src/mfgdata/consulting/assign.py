"""The optimal assignment of companies to experts under capacities and conflicts of interest.

The objective, in this order:

1. serve as many companies as possible (a public programme does not leave a company without an
   expert so that another gets a slightly better one);
2. among those assignments, the highest total fit (``consulting.fit``).

It is solved exactly as a rectangular assignment problem (the Hungarian method,
``scipy.optimize.linear_sum_assignment``): rows are the open requests, columns are the experts'
free places (an expert with capacity 3 and one accepted pair has 2 columns). An allowed pair weighs
``BIG + fit`` with ``BIG`` larger than any total fit, so one more served company always outweighs
any gain in fit; a forbidden pair weighs 0 and is dropped from the result.

Accepted pairs (a re-run when new applications arrive) are kept as they are: they use up their
expert's places and their companies are not assigned again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from mfgdata.consulting.errors import ConsultingError
from mfgdata.consulting.fit import FIELD_POINTS, REGION_POINTS, fit
from mfgdata.consulting.models import (
    Assignment,
    ConsultRequest,
    Expert,
    Pair,
    Unassigned,
    norm,
)


def _check_unique(names: Iterable[str], what_ko: str, what_en: str) -> None:
    seen: set[str] = set()
    for name in names:
        if norm(name) in seen:
            raise ConsultingError(
                f"{what_ko} 이름이 두 번 나옵니다: {name}", f"{what_en} listed twice: {name}"
            )
        seen.add(norm(name))


def _fixed(
    experts: dict[str, Expert], requests: dict[str, ConsultRequest], accepted: Sequence[Pair]
) -> tuple[list[Pair], dict[str, int]]:
    """Validate accepted pairs; return them (re-scored) and each expert's remaining places."""
    free = {e.name: e.capacity for e in experts.values()}
    kept: list[Pair] = []
    for p in accepted:
        expert = experts.get(norm(p.expert))
        if expert is None:
            raise ConsultingError(
                f"수락된 배정의 전문가가 명단에 없습니다: {p.expert}",
                f"the expert of an accepted pair is not in the experts list: {p.expert}",
            )
        if expert.conflicts_with(p.company):
            raise ConsultingError(
                f"수락된 배정에 이해충돌이 있습니다: {p.company} - {p.expert} (먼저 해제하세요)",
                f"an accepted pair has a conflict of interest: {p.company} - {p.expert}"
                " (release it first)",
            )
        free[expert.name] -= 1
        if free[expert.name] < 0:
            raise ConsultingError(
                f"수락된 배정이 전문가의 수용 인원을 넘습니다: {expert.name} ({expert.capacity}명)",
                f"accepted pairs exceed the expert's capacity: {expert.name}"
                f" ({expert.capacity} companies)",
            )
        request = requests.get(norm(p.company))
        if request is None:
            raise ConsultingError(
                f"수락된 배정의 기업이 신청 명단에 없습니다: {p.company}",
                f"the company of an accepted pair is not in the requests list: {p.company}",
            )
        score = fit(expert, request)
        if score is None:
            raise ConsultingError(
                f"수락된 배정의 전문가가 이 분야를 다루지 않습니다: {p.company} - {p.expert}",
                "the expert of an accepted pair does not cover the field:"
                f" {p.company} - {p.expert}",
            )
        kept.append(Pair(request.company, expert.name, score, accepted=True))
    return kept, free


def _reason(request: ConsultRequest, experts: Sequence[Expert]) -> Unassigned:
    in_field = [e for e in experts if e.covers(request.field)]
    if not in_field:
        return Unassigned(
            request.company,
            "no_expert_in_field",
            f"'{request.field}' 분야의 전문가가 없습니다",
            f"no expert covers the field '{request.field}'",
        )
    if all(e.conflicts_with(request.company) for e in in_field):
        return Unassigned(
            request.company,
            "conflict_of_interest",
            f"'{request.field}' 분야의 전문가 모두와 이해충돌이 있습니다",
            f"every expert in the field '{request.field}' has a conflict of interest",
        )
    return Unassigned(
        request.company,
        "capacity_full",
        f"'{request.field}' 분야 전문가의 수용 인원이 모두 찼습니다",
        f"the experts of the field '{request.field}' are at capacity",
    )


def assign(
    experts: Sequence[Expert],
    requests: Sequence[ConsultRequest],
    *,
    accepted: Sequence[Pair] = (),
) -> Assignment:
    """Assign every open request optimally (see the module docstring); deterministic."""
    _check_unique((e.name for e in experts), "전문가", "expert")
    _check_unique((r.company for r in requests), "기업", "company")
    _check_unique(
        (p.company for p in accepted), "수락된 배정의 기업", "company of an accepted pair"
    )
    by_name = {norm(e.name): e for e in experts}
    by_company = {norm(r.company): r for r in requests}
    kept, free = _fixed(by_name, by_company, accepted)
    done = {norm(p.company) for p in kept}
    open_requests = [r for r in requests if norm(r.company) not in done]
    places = [max(free[e.name], 0) for e in experts]
    slots = [e for e, n in zip(experts, places, strict=True) for _ in range(n)]

    big = (FIELD_POINTS + REGION_POINTS) * (len(open_requests) + 1)
    chosen: dict[int, Pair] = {}
    if open_requests and slots:
        # fit per expert, then one column per free place of that expert
        per_expert = np.zeros((len(open_requests), len(experts)), dtype=np.int64)
        for i, r in enumerate(open_requests):
            for j, e in enumerate(experts):
                points = fit(e, r)
                if points is not None:
                    per_expert[i, j] = big + points
        weight = np.repeat(per_expert, places, axis=1)
        rows, cols = linear_sum_assignment(weight, maximize=True)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if weight[i, j] > 0:
                r = open_requests[i]
                chosen[i] = Pair(r.company, slots[j].name, int(weight[i, j] - big))
    pairs = kept + [chosen[i] for i in sorted(chosen)]
    unassigned = [_reason(r, experts) for i, r in enumerate(open_requests) if i not in chosen]
    return Assignment(tuple(pairs), tuple(unassigned))
