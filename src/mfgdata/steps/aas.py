"""AAS step: writes ``aas/environment.json`` and ``aas/product.aasx`` for the data product.

Runs after quality and price (it summarises them when they ran) and before package. The
environment is verified with aas-core3.0; an error there is a bug in mfgdata, so the step fails.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import (
    ImageIngestResult,
    PriceResult,
    QualityResult,
    StandardizeResult,
    StepData,
)
from mfgdata.pipeline.step import StepResult
from mfgdata.quality import backend
from mfgdata.semantics.aas_export import (
    ProductInfo,
    aasx_bytes,
    build_environment,
    environment_json,
    verify,
)
from mfgdata.semantics.errors import SemanticsError

ENV_FILE = "aas/environment.json"
AASX_FILE = "aas/product.aasx"


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_temporal():
        return "datetime"
    if dtype == pl.Boolean:
        return "boolean"
    return "text"


def _iso(v: Any) -> str | None:
    return None if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v)


def _as_dict(result: StepData | None) -> dict[str, Any] | None:
    return result.as_dict() if result is not None else None


def product_info(frame: pl.LazyFrame | None, ctx: RunContext) -> ProductInfo:
    schema = frame.collect_schema() if frame is not None else pl.Schema()  # Polars or Spark
    wanted = ctx.facts.time_column
    time_col: str | None = None
    if isinstance(wanted, str) and wanted in schema and schema[wanted].is_temporal():
        time_col = wanted
    rows = start = end = None
    if frame is not None:
        f, _, _ = backend.table(frame)
        aggs = [nw.len().alias("rows")]
        if time_col:
            aggs += [nw.col(time_col).min().alias("start"), nw.col(time_col).max().alias("end")]
        types = {"start": schema[time_col], "end": schema[time_col]} if time_col else {}
        got = backend.as_types(backend.collect_polars(f.select(*aggs)), types)
        row = got.row(0, named=True)
        rows, start, end = row["rows"], _iso(row.get("start")), _iso(row.get("end"))
    price = ctx.maybe(PriceResult)
    images = ctx.maybe(ImageIngestResult)  # a table's ingest has no description
    described = images.description if images is not None else None
    licence = (price.licence if price else None) or getattr(ctx.options, "licence", None)
    return ProductInfo(
        product_id=ctx.product_id,
        title=ctx.options.title,
        provider=getattr(ctx.options, "provider", None),
        licence=str(licence) if isinstance(licence, str) else None,
        contact=getattr(ctx.options, "contact", None),
        time_column=time_col,
        rows=int(rows) if rows is not None else None,
        start=start,
        end=end,
        dtypes={name: _kind(dtype) for name, dtype in schema.items()},
        description=(str(described[0]), str(described[1])) if described else None,
    )


class AasStep:
    name = "aas"
    title_ko = "자산관리셸(AAS)"
    title_en = "Asset Administration Shell"
    engines = ("polars", "spark")  # reads a few aggregates only (narwhals)

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        info = product_info(frame, ctx)
        std = ctx.maybe(StandardizeResult)
        columns = list(std.columns if std else [])
        if not columns:
            columns = [{"name": n, "property": None, "unit": None} for n in info.dtypes]
        store = build_environment(
            columns,
            info,
            quality=_as_dict(ctx.maybe(QualityResult)),
            price=_as_dict(ctx.maybe(PriceResult)),
        )
        doc = environment_json(store)
        errors = verify(doc)
        if errors:
            raise SemanticsError(
                f"AAS 환경 검증 오류 {len(errors)}건: {errors[0]}",
                f"{len(errors)} AAS environment verification errors: {errors[0]}",
                file=ENV_FILE,
            )
        ctx.product.write_json(ENV_FILE, doc)
        ctx.product.write_bytes(AASX_FILE, aasx_bytes(store))
        submodels = doc.get("submodels") or []
        return StepResult(
            step=self.name,
            data={
                "aas_id": doc["assetAdministrationShells"][0]["id"],
                "submodels": [s["idShort"] for s in submodels],
                "concept_descriptions": len(doc.get("conceptDescriptions") or []),
                "files": [ENV_FILE, AASX_FILE],
            },
            counts={
                "submodels": len(submodels),
                "concept_descriptions": len(doc.get("conceptDescriptions") or []),
                "verification_errors": 0,
            },
            files=(ENV_FILE, AASX_FILE),
        )
