"""Figures for issue 17: the optimal consulting assignment against a greedy one, and matching time.

Run: ``PYTHONPATH=src python benchmarks/bench_consulting_matching.py [requests] [solutions]``.
Seeded random cases (fields, regions, capacities and conflicts drawn like a regional programme).

1. Assignment: N requests, N/4 experts with capacity 1-6; the optimal assignment (Hungarian
   method on replicated capacity) against greedy (requests in order, each to its best free
   expert): companies served, total fit in points, seconds.
2. Matching: one demand against M solutions (Korean/English texts), seconds for the first call
   (loads the Kiwi model) and for a second call.
"""

from __future__ import annotations

import random
import sys
import time

from mfgdata.consulting.assign import assign
from mfgdata.consulting.fit import fit
from mfgdata.consulting.models import ConsultRequest, Expert
from mfgdata.suppliers.match import match
from mfgdata.suppliers.models import Catalogue, Demand, Solution, Supplier

FIELDS = ["AI", "품질", "설비보전", "공정최적화", "데이터분석", "비전검사"]
REGIONS = ["경남", "부산", "울산", "대구", "경북", "서울"]
WORDS = [
    "사출성형기",
    "금형온도",
    "용접 비드",
    "프레스 금형",
    "열처리로",
    "CNC 공구마모",
    "도장 불량",
    "injection molding",
    "vision inspection",
    "predictive maintenance",
    "설비 예지보전",
]


def greedy(experts: list[Expert], requests: list[ConsultRequest]) -> tuple[int, int]:
    free = {e.name: e.capacity for e in experts}
    served = total = 0
    for r in requests:
        options = [(fit(e, r), e.name) for e in experts if free[e.name] > 0]
        options = [(p, n) for p, n in options if p is not None]
        if options:
            points, name = max(options)
            free[name] -= 1
            served += 1
            total += points
    return served, total


def bench_assign(n: int) -> None:
    rng = random.Random(17)
    companies = [f"기업{i:05d}" for i in range(n)]
    requests = [ConsultRequest(c, rng.choice(FIELDS), rng.choice(REGIONS)) for c in companies]
    experts = [
        Expert(
            f"전문가{j:04d}",
            frozenset(rng.sample(FIELDS, rng.randint(1, 2))),
            frozenset(rng.sample(REGIONS, rng.randint(1, 2))),
            rng.randint(1, 6),
            frozenset(rng.sample(companies, 3)),
        )
        for j in range(max(n // 4, 1))
    ]
    t0 = time.perf_counter()
    result = assign(experts, requests)
    t1 = time.perf_counter()
    g_served, g_total = greedy(experts, requests)
    t2 = time.perf_counter()
    places = sum(e.capacity for e in experts)
    print(
        f"assign: {n} requests, {len(experts)} experts, {places} places | optimal: served"
        f" {len(result.pairs)}, fit {result.total_score} points, {t1 - t0:.2f} s | greedy:"
        f" served {g_served}, fit {g_total} points, {t2 - t1:.2f} s"
    )


def bench_match(m: int) -> None:
    rng = random.Random(18)
    solutions = tuple(
        Solution(
            id=f"s{i}",
            name=" ".join(rng.sample(WORDS, 2)),
            description_ko=" ".join(rng.sample(WORDS, 4)) + " 솔루션입니다",
            problem_types=("defect_prediction",),
            process_families=(rng.choice(["injection_molding", "welding", "press"]),),
        )
        for i in range(m)
    )
    cat = Catalogue(suppliers=(Supplier(id="bench", name="bench", solutions=solutions),))
    demand = Demand(
        company="가람정공", text="사출성형 금형 온도 불량", process_family="injection_molding"
    )
    for label in ("first call (loads Kiwi)", "second call"):
        t0 = time.perf_counter()
        result = match(cat, demand)
        print(
            f"match: {m} solutions, {label}: {time.perf_counter() - t0:.2f} s,"
            f" {len(result.excluded)} excluded, top score {result.suggestions[0].score} points"
        )


if __name__ == "__main__":
    bench_assign(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    bench_match(int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
