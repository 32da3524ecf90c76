"""pricing.json: every input with its source, the three approaches, the rule, VAT, the API list.

``price_document`` is pure: the same arguments give the same dict (and the same JSON bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mfgdata.pricing.api_prices import PROOF_EN, PROOF_KO, build_price_list, price_examples
from mfgdata.pricing.cost import cost_price
from mfgdata.pricing.final import final_price
from mfgdata.pricing.inputs import PricingInputs, sources
from mfgdata.pricing.library import Lookup
from mfgdata.pricing.market import market_price
from mfgdata.pricing.value import value_price
from mfgdata.pricing.work import Work

SCHEMA = "mfgdata/pricing/1"


def price_document(
    inputs: PricingInputs,
    *,
    inputs_file: str | None,
    grade: str,
    grade_source: str,
    rows: int,
    columns: int,
    size_source: str,
    library: Path | None,
    model_data: Mapping[str, Any] | None,
    work: Work | None = None,
    catalog: Lookup | None = None,
) -> dict[str, Any]:
    """Price one product; the dict is what pricing.json holds."""
    cost = cost_price(inputs, work)
    market = market_price(inputs, library, rows=rows, columns=columns, catalog=catalog)
    value = value_price(inputs, model_data)
    final = final_price(inputs, cost=cost, market=market, value=value, grade=grade)
    api_full = final_price(
        inputs, cost=cost, market=market, value=value, grade=grade, access_mode="open-api"
    )
    price_list = build_price_list(api_full.price_krw, rows, inputs.api)
    return {
        "schema": SCHEMA,
        "currency": "KRW",
        "price_krw": final.price_krw,
        "vat_krw": final.vat_krw,
        "total_krw": final.total_krw,
        "licence": inputs.licence,
        "access_mode": final.access_mode,
        "grade": grade,
        "rows": rows,
        "columns": columns,
        "product": {
            "rows": rows,
            "columns": columns,
            "cells": rows * columns,
            "size_source": size_source,
            "grade": grade,
            "grade_source": grade_source,
        },
        "work": work.to_dict() if work is not None else None,
        "inputs_file": inputs_file,
        "inputs": _inputs(inputs, measured=work is not None),
        "approaches": {a.name: a.to_dict() for a in (cost, market, value)},
        "final": final.to_dict(),
        "api": {
            **price_list.to_dict(),
            "full_table_price_krw": api_full.price_krw,
            "full_table_lines": list(api_full.lines),
            "examples": price_examples(price_list, rows),
            "properties": ["monotone", "subadditive", "per_row_non_increasing"],
            "price_formula": "price(n) = min(c + Σ_k r_k·|[0,n) ∩ tier_k|, P_full), price(0) = 0",
            "proof_en": PROOF_EN,
            "proof_ko": PROOF_KO,
            "billing_en": "Call prices are exact decimals; the invoice total is rounded half-up "
            "to 1 KRW once.",
            "billing_ko": "호출 가격은 정확한 십진수이며, "
            "청구서 합계만 1원 단위로 한 번 반올림합니다.",
        },
    }


def _inputs(inputs: PricingInputs, *, measured: bool) -> dict[str, dict[str, Any]]:
    """Every input with value, unit and source; a default fixed cost that the measured work
    replaced is marked ``not_used`` (so nobody reads it as part of the price)."""
    out = sources(inputs)
    if measured:
        for key, entry in out.items():
            if key.startswith("costs.") and entry["source"] == "default":
                entry["source"] = "not_used"
    return out
