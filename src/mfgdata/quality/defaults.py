"""The default contract built from the data: schema, units, ranges, required columns, thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from mfgdata.quality.contract import ColumnSpec, Contract

#: default threshold of every table-level measure (per-rule thresholds live with the rule)
DEFAULT_THRESHOLDS: dict[str, float] = {
    "completeness.cells": 0.95,
    "completeness.columns": 1.0,
    "completeness.required": 1.0,
    "completeness.sampling": 0.95,
    "completeness.gaps": 0.999,
    "completeness.longest_gap": 0.95,
    "accuracy.range": 0.999,
    "accuracy.spikes": 0.999,
    "accuracy.stuck": 0.99,
    "accuracy.ingest_junk": 0.99,
    "consistency.types": 1.0,
    "consistency.format": 0.999,
    "consistency.units": 1.0,
    "consistency.monotonic": 1.0,
    "consistency.duplicate_keys": 0.999,
    "uniqueness.rows": 0.999,
    "uniqueness.ingest_rows": 0.999,
    "currentness.freshness": 1.0,
    "credibility.drift": 0.8,
    "traceability.lineage": 0.8,
    "labels.completeness": 0.99,
    "labels.balance": 0.5,
    "labels.noise": 0.99,
}
DEFAULT_PARAMETERS: dict[str, float] = {
    "stuckWindow": 20,
    "spikeK": 6.0,
    "gapFactor": 2.0,
    "driftShare": 0.1,
    "psiLimit": 0.2,
}


def logical_type(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype.is_temporal():
        return "timestamp"
    return "string"


def default_contract(
    *,
    product_id: str,
    name: str,
    schema: Mapping[str, pl.DataType],
    units: Mapping[str, str | None] | None = None,
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
    time_column: str | None = None,
    id_column: str | None = None,
    target: str | None = None,
    price: dict[str, Any] | None = None,
) -> Contract:
    required = {c for c in (time_column, id_column, target) if c}
    cols = []
    for col, dtype in schema.items():
        lo, hi = (ranges or {}).get(col, (None, None))
        cols.append(
            ColumnSpec(
                name=col,
                logical_type=logical_type(dtype),
                physical_type=str(dtype),
                required=col in required,
                unit=(units or {}).get(col) or None,
                minimum=lo,
                maximum=hi,
            )
        )
    return Contract(
        id=product_id,
        name=name,
        columns=tuple(cols),
        thresholds=dict(DEFAULT_THRESHOLDS),
        time_column=time_column if time_column in schema else None,
        id_column=id_column if id_column in schema else None,
        target=target if target in schema else None,
        parameters=dict(DEFAULT_PARAMETERS),
        price=price,
    )
