"""Price step (가격 산정): cost, market and value approaches, the final rule, VAT, API prices.

Reads, through the run context: the quality grade (``unrated`` when quality did not run), the
table size, the measured work of the earlier steps (ingest, preprocess and standardize counts, the
model, the runner's seconds per step), the model's uplift and usability, the published comparables
of the data library (read-only, optional) and the user's ``pricing.yaml`` (optional); writes
``pricing.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import narwhals as nw
import polars as pl

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import (
    ImageIngestResult,
    IngestResult,
    ModelResult,
    PriceResult,
    ProfileResult,
    QualityResult,
    StepData,
)
from mfgdata.pipeline.step import StepResult
from mfgdata.pricing.document import price_document
from mfgdata.pricing.inputs import UNRATED, PricingError, load_inputs
from mfgdata.pricing.library import Lookup, library_comparables, product_kind
from mfgdata.pricing.report import pricing_section
from mfgdata.pricing.work import Work, measure
from mfgdata.quality import backend
from mfgdata.quality.contract import dump_contract, parse_contract

PRICING_FILE = "pricing.json"

CONTRACT_FILE = "contract.yaml"


def _grade(ctx: RunContext) -> tuple[str, str]:
    quality = ctx.maybe(QualityResult)
    if quality is None or not quality.grade:
        return UNRATED, "unrated: quality step did not run"
    return str(quality.grade), "quality"


def _size(frame: pl.LazyFrame | None, ctx: RunContext) -> tuple[int, int, str]:
    """Rows and columns of the product table: the frame when there is one, else the profile."""
    if frame is not None:  # a Polars or a Spark frame
        f, _, schema = backend.table(frame)
        rows = int(backend.collect_polars(f.select(nw.len())).item())
        return rows, len(schema), "table"
    profile = ctx.maybe(ProfileResult)
    if profile is not None:
        return int(profile.rows), len(profile.columns or {}), "profile"
    raise PricingError(
        "가격 산정에 필요한 표 크기를 알 수 없습니다 (표와 프로파일이 없음)",
        "the table size needed for pricing is unknown (no table and no profile)",
    )


class PriceStep:
    name = "price"
    title_ko = "가격 산정"
    title_en = "Pricing"
    engines = ("polars", "spark")  # reads the row count only (narwhals)

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        path: Path | None = getattr(ctx.options, "pricing", None)
        inputs = load_inputs(path)
        grade, grade_source = _grade(ctx)
        rows, columns, size_source = _size(frame, ctx)
        model = ctx.maybe(ModelResult)
        work = _work(
            ctx, rows, columns, size_source, timed=inputs.unit_costs.per_cpu_minute_krw > 0
        )
        ctx.progress(self.name, 0.2, "comparables")
        catalog = _catalog(ctx)
        ctx.progress(self.name, 0.3, "pricing")
        doc = price_document(
            inputs,
            inputs_file=Path(path).name if path is not None else None,
            grade=grade,
            grade_source=grade_source,
            rows=rows,
            columns=columns,
            size_source=size_source,
            library=ctx.settings.home / "library",
            model_data=model.as_dict() if model is not None else None,
            work=work,
            catalog=catalog,
        )
        ctx.product.write_json(PRICING_FILE, doc)
        files: tuple[str, ...] = (PRICING_FILE,)
        if CONTRACT_FILE in ctx.product.written:  # the quality step's contract gets the price
            _price_contract(ctx, doc["price_krw"])
            files += (CONTRACT_FILE,)
        data = PriceResult(
            price_krw=doc["price_krw"],
            vat_krw=doc["vat_krw"],
            total_krw=doc["total_krw"],
            currency="KRW",
            grade=grade,
            licence=doc["licence"],
            access_mode=doc["access_mode"],
            rule=doc["final"]["rule_en"],
            approaches={k: v["price_krw"] for k, v in doc["approaches"].items()},
            market_basis=doc["approaches"]["market"]["details"]["basis"],
            api_price_list=doc["api"]["examples"],
            api_tiers=doc["api"]["tiers"],
            api_call_fee_krw=doc["api"]["call_fee_krw"],
        )
        return StepResult(
            step=self.name,
            data=data,
            counts={"price_krw": doc["price_krw"], "comparables": _comparables(doc)},
            files=files,
            report=pricing_section(doc),
        )


def _as_dict(result: StepData | None) -> dict[str, Any] | None:
    return result.as_dict() if result is not None else None


def _counts(ctx: RunContext, step: str) -> dict[str, Any] | None:
    result = ctx.step_result(step)
    return dict(result.counts) if result is not None else None


def _work(ctx: RunContext, rows: int, columns: int, size_source: str, *, timed: bool) -> Work:
    """The measured work of the earlier steps (their results and, when processing time is
    priced, the runner's seconds: wall time would otherwise make pricing.json differ between
    rebuilds of the same product; the manifest keeps the step seconds)."""
    return measure(
        rows=rows,
        columns=columns,
        size_source=size_source,
        ingest=_as_dict(ctx.maybe(IngestResult, ImageIngestResult)),
        preprocess_counts=_counts(ctx, "preprocess"),
        standardize_counts=_counts(ctx, "standardize"),
        model=_as_dict(ctx.maybe(ModelResult)),
        seconds=getattr(ctx, "seconds", {}) if timed else {},
    )


def _catalog(ctx: RunContext) -> Lookup:
    """Published comparables of the same process family and data type (never creates a DB)."""
    profile = ctx.maybe(ProfileResult)  # registration decides the data type the same way
    has_time = bool(profile.time) if profile else ctx.facts.time_column is not None
    family, data_type = product_kind(ctx.options.title, ctx.product_id, has_time)
    return library_comparables(
        ctx.settings,
        product_id=ctx.product_id,
        process_family=family,
        data_type=data_type,
    )


def _comparables(doc: dict[str, Any]) -> int:
    return len(doc["approaches"]["market"]["details"].get("comparables", []))


def _price_contract(ctx: RunContext, price_krw: int) -> None:
    """Add the ODCS ``price`` block to contract.yaml: the product's price before VAT, in KRW."""
    path = ctx.product.path(CONTRACT_FILE)
    contract = parse_contract(path.read_text(encoding="utf-8"), file=path)
    price = {"priceAmount": price_krw, "priceCurrency": "KRW", "priceUnit": "dataset"}
    ctx.product.write_text(CONTRACT_FILE, dump_contract(contract.with_price(price)))
