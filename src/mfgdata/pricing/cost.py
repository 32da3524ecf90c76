"""Cost approach (원가접근법, reproduction cost): costs over expected sales, plus margin."""

from __future__ import annotations

from mfgdata.pricing.approach import Approach, cents, num, won
from mfgdata.pricing.inputs import PricingInputs

FORMULA = (
    "P_cost = (C_collect + C_process + C_label + C_QA + C_store + C_serve) / N_sales × (1 + m)"
)

#: (input field, symbol, Korean label, English label)
ITEMS = (
    ("collection", "C_collect", "수집", "collection"),
    ("processing", "C_process", "가공", "processing"),
    ("labelling", "C_label", "라벨링", "labelling"),
    ("qa", "C_QA", "품질검증", "quality assurance"),
    ("storage", "C_store", "저장", "storage"),
    ("serving", "C_serve", "제공", "serving"),
)


def cost_price(inputs: PricingInputs) -> Approach:
    """The cost-plus price per sale, in KRW (kept to 0.01 KRW)."""
    costs = inputs.costs
    values = [float(getattr(costs, field)) for field, *_ in ITEMS]
    total = sum(values)
    n = inputs.expected_sales
    m = inputs.margin
    price = cents(total / n * (1 + m))
    terms = " + ".join(won(v) for v in values)
    substituted = (
        f"({terms}) / {n} × (1 + {num(m)}) = {won(total)} / {n} × {num(1 + m)} = {won(price)}"
    )
    return Approach(
        name="cost",
        applicable=True,
        formula=FORMULA,
        substituted=substituted,
        price_krw=price,
        details={
            "items": [
                {"field": f, "symbol": s, "label_ko": ko, "label_en": en, "krw": v}
                for (f, s, ko, en), v in zip(ITEMS, values, strict=True)
            ],
            "total_cost_krw": total,
            "expected_sales": n,
            "margin": m,
        },
    )
