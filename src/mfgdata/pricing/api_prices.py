"""Open API price list: per-call fee plus tiered per-row rates, monotone and arbitrage-free.

``price(n) = min(c + Σ_k r_k · |[0, n) ∩ [b_k, b_{k+1})|, P_full)`` for ``n ≥ 1`` and 0 for no call,
with ``c ≥ 0`` and ``r_0 ≥ r_1 ≥ … ≥ 0`` (exact decimal arithmetic, no rounding per call).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mfgdata.pricing.inputs import ApiInputs

PROOF_EN = (
    "Let φ(n) = Σ_k r_k·|[0,n) ∩ tier_k|. φ(0) = 0 and its increments r_k are ≥ 0 and never grow, "
    "so φ is non-decreasing and concave. (1) Monotone: n ≤ m ⇒ φ(n) ≤ φ(m) ⇒ price(n) ≤ price(m); "
    "a result derivable from a larger query (fewer rows, or fewer columns, which are not priced) "
    "never costs more. (2) Sub-additive: concave with φ(0) = 0 ⇒ φ(a+b) ≤ φ(a) + φ(b), and one "
    "call fee c ≤ 2c, so splitting a query never saves money. (3) Per-row price non-increasing: "
    "c/n falls and φ(n)/n falls for concave φ with φ(0) = 0. (4) The cap min(·, P_full) keeps all "
    "three: a constant is monotone and sub-additive, and min(x, P)/n = min(x/n, P/n). Prices are "
    "exact decimals; rounding happens once, on the invoice total."
)
PROOF_KO = (
    "φ(n) = Σ_k r_k·|[0,n) ∩ 구간_k| 라 하면 φ(0) = 0 이고 증가분 r_k 는 0 이상이며 "
    "커지지 않으므로 φ 는 비감소·오목 함수입니다. "
    "(1) 단조성: n ≤ m 이면 price(n) ≤ price(m) 이므로 더 큰 조회에서 얻을 수 있는 결과"
    "(더 적은 행, 또는 가격에 반영되지 않는 더 적은 열)는 더 비싸지 않습니다. "
    "(2) 부분가법성: φ(0) = 0 인 오목 함수이므로 φ(a+b) ≤ φ(a) + φ(b) 이고 "
    "호출 요금은 c ≤ 2c 이므로 조회를 나누어도 이득이 없습니다. "
    "(3) 행당 가격 비증가: c/n 과 φ(n)/n 모두 감소합니다. "
    "(4) 상한 min(·, P_full) 은 세 성질을 모두 보존합니다. "
    "가격은 정확한 십진수로 계산하며 반올림은 청구서 합계에서 한 번만 합니다."
)


@dataclass(frozen=True)
class Tier:
    """Rows ``[start, end)`` (``end`` None: no upper bound) cost ``rate`` KRW per row."""

    start: int
    end: int | None
    rate: Decimal

    def overlap(self, rows: int) -> int:
        top = rows if self.end is None else min(rows, self.end)
        return max(0, top - self.start)


@dataclass(frozen=True)
class PriceList:
    """A per-call fee, tiers with non-increasing rates, and a cap (the full-table price)."""

    call_fee: Decimal
    tiers: tuple[Tier, ...]
    cap: Decimal

    def __post_init__(self) -> None:
        rates = [t.rate for t in self.tiers]
        if self.call_fee < 0 or self.cap < 0 or any(r < 0 for r in rates):
            raise ValueError("fees, rates and cap must be >= 0")
        if any(b > a for a, b in itertools.pairwise(rates)):
            raise ValueError("per-row rates must not increase from tier to tier")
        starts = [t.start for t in self.tiers]
        if not self.tiers or starts[0] != 0:
            raise ValueError("the first tier starts at row 0")
        for a, b in itertools.pairwise(self.tiers):
            if a.end != b.start:
                raise ValueError("tiers must be contiguous")
        if self.tiers[-1].end is not None:
            raise ValueError("the last tier has no upper bound")

    def price(self, rows: int) -> Decimal:
        """Exact price of one call returning ``rows`` rows (0 rows: no call, no charge)."""
        if rows <= 0:
            return Decimal(0)
        total = self.call_fee + sum(
            (t.rate * t.overlap(rows) for t in self.tiers), start=Decimal(0)
        )
        return min(total, self.cap)

    def to_dict(self) -> dict[str, object]:
        return {
            "call_fee_krw": float(self.call_fee),
            "cap_krw": float(self.cap),
            "tiers": [
                {"from_row": t.start, "to_row": t.end, "krw_per_row": float(t.rate)}
                for t in self.tiers
            ],
        }


def _significant(x: Decimal, digits: int) -> Decimal:
    if x == 0:
        return Decimal(0)
    exponent = x.adjusted() - digits + 1
    return x.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def build_price_list(full_price_krw: float, rows: int, api: ApiInputs) -> PriceList:
    """Calibrate the tiers so that one call for all ``rows`` costs about ``full_price_krw``.

    The first tier's rate is ``(P_full - c) / Σ_k decay^k·|[0,rows) ∩ tier_k|``; each later tier
    costs ``decay`` times the previous (rates kept to ``significant_digits``); the cap is P_full.
    """
    full = Decimal(repr(float(full_price_krw)))
    fee = min(Decimal(repr(float(api.call_fee_krw))), full)
    bounds = [0, *api.tier_rows]
    ends: list[int | None] = [*api.tier_rows, None]
    decay = Decimal(repr(float(api.tier_decay)))
    shapes = [decay**k for k in range(len(bounds))]
    blank = [Tier(s, e, Decimal(0)) for s, e in zip(bounds, ends, strict=True)]
    weight = sum((w * t.overlap(rows) for w, t in zip(shapes, blank, strict=True)), Decimal(0))
    first = (full - fee) / weight if weight > 0 else Decimal(0)
    tiers = tuple(
        Tier(s, e, _significant(first * w, api.significant_digits))
        for s, e, w in zip(bounds, ends, shapes, strict=True)
    )
    return PriceList(call_fee=fee, tiers=tiers, cap=full)


def sample_rows(rows: int) -> list[int]:
    """Row counts shown in the price list: powers of ten up to the table, and the table itself."""
    points = [10**k for k in range(0, 10) if 10**k < max(rows, 1)]
    return sorted({*points, max(rows, 1)})


def price_examples(price_list: PriceList, rows: int) -> list[dict[str, float | int]]:
    out: list[dict[str, float | int]] = []
    for n in sample_rows(rows):
        p = price_list.price(n)
        per_row = (p / n).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        out.append({"rows": n, "price_krw": float(p), "krw_per_row": float(per_row)})
    return out
