"""The assignment against brute force on random small cases: optimal, capacities, conflicts."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.consulting.assign import assign
from mfgdata.consulting.fit import fit
from mfgdata.consulting.models import ConsultRequest, Expert, Pair

FIELDS = ["AI", "품질", "설비"]
REGIONS = ["경남", "부산", "서울"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Expert], list[ConsultRequest], list[Pair]]:
    n_req = draw(st.integers(0, 5))
    companies = [f"기업{i}" for i in range(n_req)]
    requests = [
        ConsultRequest(c, draw(st.sampled_from(FIELDS)), draw(st.sampled_from(REGIONS)))
        for c in companies
    ]
    experts = []
    for j in range(draw(st.integers(0, 3))):
        experts.append(
            Expert(
                f"전문가{j}",
                frozenset(draw(st.sets(st.sampled_from(FIELDS), min_size=1))),
                frozenset(draw(st.sets(st.sampled_from(REGIONS)))),
                draw(st.integers(0, 2)),
                frozenset(draw(st.sets(st.sampled_from(companies)))) if companies else frozenset(),
            )
        )
    # accepted pairs drawn from allowed pairs, within capacity
    accepted: list[Pair] = []
    used: dict[str, int] = {}
    for r in requests:
        if not draw(st.booleans()) or not experts:
            continue
        e = draw(st.sampled_from(experts))
        if fit(e, r) is not None and used.get(e.name, 0) < e.capacity:
            used[e.name] = used.get(e.name, 0) + 1
            accepted.append(Pair(r.company, e.name, 0, True))
    return experts, requests, accepted


def brute_force(
    experts: list[Expert], requests: list[ConsultRequest], accepted: list[Pair]
) -> tuple[int, int]:
    """Best (served, total fit) over every way to give each open request an expert or nobody."""
    by_name = {e.name: e for e in experts}
    fixed = {p.company: p.expert for p in accepted}
    options = []
    for r in requests:
        if r.company in fixed:
            options.append([fixed[r.company]])
        else:
            options.append([None, *[e.name for e in experts if fit(e, r) is not None]])
    best = (0, 0)
    for choice in itertools.product(*options):
        load: dict[str, int] = {}
        for name in choice:
            if name is not None:
                load[name] = load.get(name, 0) + 1
        if any(load[n] > by_name[n].capacity for n in load):
            continue
        served = sum(1 for n in choice if n is not None)
        total = sum(
            fit(by_name[n], r) or 0 for n, r in zip(choice, requests, strict=True) if n is not None
        )
        best = max(best, (served, total))
    return best


@settings(max_examples=300, deadline=None)
@given(cases())
def test_optimal_against_brute_force(
    case: tuple[list[Expert], list[ConsultRequest], list[Pair]],
) -> None:
    experts, requests, accepted = case
    result = assign(experts, requests, accepted=accepted)
    assert (len(result.pairs), result.total_score) == brute_force(experts, requests, accepted)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_capacity_conflicts_and_accepted_pairs_respected(
    case: tuple[list[Expert], list[ConsultRequest], list[Pair]],
) -> None:
    experts, requests, accepted = case
    result = assign(experts, requests, accepted=accepted)
    by_name = {e.name: e for e in experts}
    by_company = {r.company: r for r in requests}
    for e in experts:
        assert sum(1 for p in result.pairs if p.expert == e.name) <= e.capacity
    for p in result.pairs:
        e, r = by_name[p.expert], by_company[p.company]
        assert not e.conflicts_with(p.company)
        assert e.covers(r.field)
        assert p.score == fit(e, r)
    got = {(p.company, p.expert) for p in result.pairs if p.accepted}
    assert got == {(p.company, p.expert) for p in accepted}
    # every company appears exactly once: assigned or unassigned with a reason
    named = [p.company for p in result.pairs] + [u.company for u in result.unassigned]
    assert sorted(named) == sorted(by_company)
    assert all(u.reason_ko and u.reason_en for u in result.unassigned)
