"""Cost approach (원가접근법, reproduction cost): costs over expected sales, plus margin.

Each cost is the measured work of this build times a unit cost (``unit_costs`` in pricing.yaml):
raw cells collected, cells cleaned, columns standardized, models trained, processing minutes,
product cells checked, MB stored, years served. A cost given in ``pricing.yaml`` (``costs.*``) is
used as it is instead. Without any measured work (a direct call without a build) the documented
fixed defaults of ``costs.*`` apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mfgdata.pricing.approach import Approach, cents, num, won
from mfgdata.pricing.inputs import PricingInputs, UnitCosts
from mfgdata.pricing.work import Work

FORMULA = (
    "P_cost = (C_collect + C_process + C_label + C_QA + C_store + C_serve) / N_sales × (1 + m); "
    "C_k = Σ measured quantity × unit cost (or the fixed cost given)"
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


@dataclass(frozen=True)
class Line:
    """quantity / per × unit cost = KRW, with the units and where the quantity came from."""

    quantity: float
    unit: str
    per: float
    unit_cost_key: str
    unit_cost_krw: float
    source: str

    @property
    def krw(self) -> float:
        return cents(self.quantity / self.per * self.unit_cost_krw)

    def text(self) -> str:
        per = f" / {won(self.per)}" if self.per != 1 else ""
        return (
            f"{won(self.quantity)} {self.unit}{per} × {won(self.unit_cost_krw)} KRW "
            f"= {won(self.krw)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "unit": self.unit,
            "per": self.per,
            "unit_cost_key": f"unit_costs.{self.unit_cost_key}",
            "unit_cost_krw": self.unit_cost_krw,
            "source": self.source,
            "krw": self.krw,
            "text": self.text(),
        }


def measured_lines(work: Work, u: UnitCosts) -> dict[str, list[Line]]:
    """The measured cost lines of each cost item (an image product adds images collected and
    images labelled)."""
    lines = _table_lines(work, u)
    if work.images:
        lines["collection"].append(
            Line(work.images, "images", 1, "per_image_krw", u.per_image_krw, work.source("images"))
        )
        lines["labelling"].append(
            Line(
                work.labelled,
                "images",
                1,
                "per_label_krw",
                u.per_label_krw,
                work.source("labelled"),
            )
        )
    return lines


def _table_lines(work: Work, u: UnitCosts) -> dict[str, list[Line]]:
    return {
        "collection": [
            Line(1, "product", 1, "collection_setup_krw", u.collection_setup_krw, "per product"),
            Line(
                work.raw_cells,
                "cells",
                1_000,
                "per_1000_raw_cells_krw",
                u.per_1000_raw_cells_krw,
                work.source("raw_cells"),
            ),
        ],
        "processing": [
            Line(
                work.cells_cleaned,
                "cells",
                1,
                "per_cleaned_cell_krw",
                u.per_cleaned_cell_krw,
                work.source("cells_cleaned"),
            ),
            Line(
                work.columns_standardized,
                "columns",
                1,
                "per_standardized_column_krw",
                u.per_standardized_column_krw,
                work.source("columns_standardized"),
            ),
            Line(work.models, "models", 1, "per_model_krw", u.per_model_krw, work.source("models")),
            Line(
                round(work.processing_seconds / 60, 4),
                "CPU-minutes",
                1,
                "per_cpu_minute_krw",
                u.per_cpu_minute_krw,
                work.source("processing_seconds"),
            ),
        ],
        "labelling": [],
        "qa": [
            Line(1, "product", 1, "qa_setup_krw", u.qa_setup_krw, "per product"),
            Line(
                work.cells,
                "cells",
                1_000,
                "per_1000_cells_checked_krw",
                u.per_1000_cells_checked_krw,
                work.source("cells"),
            ),
        ],
        "storage": [
            Line(
                round(work.stored_mb * u.storage_years, 6),
                "MB-years",
                1,
                "storage_per_mb_year_krw",
                u.storage_per_mb_year_krw,
                work.source("stored_mb"),
            )
        ],
        "serving": [
            Line(
                u.serving_years, "years", 1, "serving_per_year_krw", u.serving_per_year_krw, "input"
            )
        ],
    }


def cost_price(inputs: PricingInputs, work: Work | None = None) -> Approach:
    """The cost-plus price per sale, in KRW (kept to 0.01 KRW)."""
    costs = inputs.costs
    given = costs.model_fields_set
    lines = measured_lines(work, inputs.unit_costs) if work is not None else {}
    items: list[dict[str, Any]] = []
    shown: list[str] = []
    for field, symbol, ko, en in ITEMS:
        if field in given or work is None:
            krw = float(getattr(costs, field))
            basis = (
                "fixed (pricing.yaml)" if field in given else "fixed (default, no work measured)"
            )
            item_lines: list[Line] = []
        else:
            item_lines = lines[field]
            krw = cents(sum(line.krw for line in item_lines))
            basis = "measured"
            terms = " + ".join(line.text() for line in item_lines) or "0 (not measured)"
            shown.append(f"{symbol} = {terms} = {won(krw)}")
        items.append(
            {
                "field": field,
                "symbol": symbol,
                "label_ko": ko,
                "label_en": en,
                "krw": krw,
                "basis": basis,
                "lines": [line.to_dict() for line in item_lines],
            }
        )
    values = [float(i["krw"]) for i in items]
    total = cents(sum(values))
    n = inputs.expected_sales
    m = inputs.margin
    price = cents(total / n * (1 + m))
    terms = " + ".join(won(v) for v in values)
    shown.append(
        f"({terms}) / {n} × (1 + {num(m)}) = {won(total)} / {n} × {num(1 + m)} = {won(price)}"
    )
    return Approach(
        name="cost",
        applicable=True,
        formula=FORMULA,
        substituted="\n".join(shown),
        price_krw=price,
        details={
            "items": items,
            "total_cost_krw": total,
            "expected_sales": n,
            "margin": m,
            "basis": "measured" if work is not None else "fixed",
        },
    )
