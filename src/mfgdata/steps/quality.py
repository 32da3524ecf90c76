"""Quality step (품질 검증): ISO/IEC 25012 measures, score and grade, quality.json, contract.yaml.

What each measure looks at: every measure reads the table *as delivered* (the frame after the
earlier steps), except the ``source: ingest`` ones: ``accuracy.ingest_junk`` reports the junk values
the ingest step found in the raw files (they were nulled before the table was written, so they also
lower cell completeness of the delivered table, which is the point: a buyer sees both), and
``uniqueness.ingest_rows`` the duplicate rows the recipe removed.

What the table alone cannot tell (junk, units, lineage fields, the recipe's dedupe record,
identical input files, an assumed time zone) is written as ``inputs`` in quality.json, and the
step evaluates from that very record (``evaluate_record``), as ``mfgdata verify`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import polars as pl

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import (
    IngestResult,
    PreprocessResult,
    PriceResult,
    ProfileResult,
    QualityResult,
    StandardizeResult,
)
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.contract import Contract, dump_contract
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import Extras, evaluate_record
from mfgdata.quality.findings import Finding
from mfgdata.quality.report import section

Range = tuple[float | None, float | None]
_LOWER, _UPPER = (">", ">="), ("<", "<=")


def recipe_ranges(recipe: Mapping[str, Any] | None) -> dict[str, Range]:
    """Bounds from the recipe's structured ``filter`` steps (``{column, op: ">=", value}``)."""
    out: dict[str, Range] = {}
    for st in (recipe or {}).get("steps", []) or []:
        where = st.get("where") if isinstance(st, Mapping) else None
        if st.get("op") != "filter" or not isinstance(where, Mapping):
            continue
        col, op, val = where.get("column"), where.get("op"), where.get("value")
        if not isinstance(val, int | float) or isinstance(val, bool) or not col:
            continue
        lo, hi = out.get(col, (None, None))
        out[col] = (
            (float(val), hi) if op in _LOWER else (lo, float(val)) if op in _UPPER else (lo, hi)
        )
    return out


def property_ranges(data: Mapping[str, Any] | None) -> dict[str, Range]:
    """Bounds from standardize results: ``columns: [{name, minimum, maximum}]`` when present."""
    out: dict[str, Range] = {}
    for c in (data or {}).get("columns", []) or []:
        if (
            isinstance(c, Mapping)
            and c.get("name")
            and (c.get("minimum") is not None or c.get("maximum") is not None)
        ):
            out[str(c["name"])] = (c.get("minimum"), c.get("maximum"))
    return out


def _findings(ctx: RunContext, step: str) -> tuple[Finding, ...]:
    r = ctx.step_result(step)
    return r.findings if r is not None else ()


#: the ingest finding saying the time zone was neither given nor in the data
TIMEZONE_ASSUMED = "timezone_assumed"
#: ingest finding codes naming byte-identical input files (read once)
IDENTICAL_FILES = ("duplicate_input_file", "duplicate_files", "identical_files")
_DEDUPE_KEYS = ("rows_before", "rows_after", "rows_affected", "columns", "excluded", "compared")


def dedupe_record(pre: Mapping[str, Any]) -> dict[str, Any] | None:
    """The first ``dedupe`` operation the recipe applied (counts, columns, removed rows)."""
    for op in pre.get("operations") or []:
        if isinstance(op, Mapping) and op.get("op") == "dedupe":
            rec = {k: op[k] for k in _DEDUPE_KEYS if k in op}
            rec["rows"] = list(op.get("rows") or [])
            return rec
    return None


def duplicate_files(
    inputs: Sequence[Mapping[str, Any]], findings: Sequence[Finding] = ()
) -> list[str]:
    """Inputs with the SHA-256 of an earlier input (ingest lists a file it read once with its
    ``duplicate_of``), or named first by an ingest ``duplicate_input_file`` finding."""
    seen: set[str] = set()
    out: list[str] = []
    for i in inputs:
        sha = i.get("sha256")
        if sha and sha in seen:
            out.append(str(i.get("name")))
        elif sha:
            seen.add(str(sha))
    for f in findings:  # ingest names the repeating file first, then the one it repeats
        if f.code in IDENTICAL_FILES and f.examples and f.examples[0] not in out:
            out.append(f.examples[0])
    return out


class QualityStep:
    name = "quality"
    title_ko = "품질 검증"
    title_en = "Quality verification"
    #: every pass is written once over narwhals (quality/backend.py): a Spark frame runs as is
    engines = ("polars", "spark")

    def __init__(self, reference_time: datetime | None = None) -> None:
        self.reference_time = reference_time

    def contract_for(self, frame: pl.LazyFrame, ctx: RunContext) -> tuple[Contract, Extras]:
        ingest, profile = ctx.maybe(IngestResult), ctx.maybe(ProfileResult)
        pre, std = ctx.maybe(PreprocessResult), ctx.maybe(StandardizeResult)
        price = ctx.maybe(PriceResult)
        facts = ctx.facts
        schema = frame.collect_schema()
        units: dict[str, str | None] = {
            c["name"]: c.get("unit") for c in (ingest.columns if ingest else [])
        }
        units.update({c["name"]: c.get("unit") for c in (pre.columns if pre else [])})
        recipe = (pre.recipe if pre else None) or {}
        ranges = {**recipe_ranges(recipe), **property_ranges(std)}
        found_time = ingest.time_column if ingest else None
        tcol = facts.time_column or recipe.get("time_column") or found_time
        odcs_price = (
            {"priceAmount": price.price_krw, "priceCurrency": "KRW", "priceUnit": "dataset"}
            if price is not None and price.price_krw is not None
            else None
        )
        pid = facts.product_id
        contract = default_contract(
            product_id=pid,
            name=ctx.options.title or pid,
            schema=dict(schema),
            units={k: v for k, v in units.items() if k in schema},
            ranges={k: v for k, v in ranges.items() if k in schema},
            time_column=tcol,
            id_column=facts.id_column,
            target=facts.target,
            price=odcs_price,
        )
        inputs = list(ingest.inputs if ingest else [])
        lineage = {
            "sources_listed": bool(inputs),
            "sources_sha256": bool(inputs) and all(i.get("sha256") for i in inputs),
            "sources_format": bool(inputs) and all(i.get("format") for i in inputs),
            "recipe": bool(recipe),
            "time_column": contract.time_column is not None,
            "units": any(units.get(c) for c in schema),
        }
        if len(inputs) > 1:
            lineage["source_file_column"] = "source_file" in schema
        time = (profile.time if profile else None) or {}
        extras = Extras(
            junk=ingest.junk if ingest else None,
            ingest_rows=int(ingest.rows or 0) if ingest else 0,
            ingest_columns=len(ingest.columns) if ingest else 0,
            units={k: v for k, v in units.items() if k in schema},
            lineage=lineage,
            interval_s=time.get("interval_seconds") if isinstance(time, Mapping) else None,
            reference=self.reference_time,
            duplicates=dedupe_record(pre or {}),
            duplicate_files=duplicate_files(inputs, _findings(ctx, "ingest")),
            timezone_assumed=any(f.code == TIMEZONE_ASSUMED for f in _findings(ctx, "ingest")),
            timezone=ctx.timezone,
        )
        return contract, extras

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise ValueError("quality needs the table from the earlier steps")
        ctx.progress(self.name, 0.0, "contract")
        contract, extras = self.contract_for(frame, ctx)
        ctx.progress(self.name, 0.1, "measures")
        # the same call as ``mfgdata verify``: the stored record, not the in-memory Extras
        report = evaluate_record(
            frame, contract, extras.to_record(), memory_bytes=ctx.settings.build_memory_bytes
        )
        ctx.progress(self.name, 0.9, "outputs")
        ctx.product.write_json("quality.json", report.to_dict())
        ctx.product.write_text("contract.yaml", dump_contract(contract))
        findings = tuple(f for m in report.measures if (f := m.to_finding()) is not None)
        return StepResult(
            step=self.name,
            data=QualityResult(
                score=report.score,
                grade=report.grade,
                passed=report.passed,
                registrable=report.registrable,
                grade_reasons=[r.to_dict() for r in report.reasons],
                measures=[m.to_dict() for m in report.measures],
            ),
            findings=findings,
            counts={
                "measures": len(report.measures),
                "failed": sum(not m.passed for m in report.measures),
                "score": report.score,
            },
            files=("quality.json", "contract.yaml"),
            report=section(report),
        )
