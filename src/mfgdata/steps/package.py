"""Package: write the product's table files, datapackage.json, lineage.json and report.html.

Runs last among the steps that write the product; the runner writes manifest.json after it.
Same inputs and recipe give byte-identical data files, datapackage.json and lineage.json.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import polars as pl

from mfgdata.errors import ProductError
from mfgdata.packaging.datafiles import CSV, PARQUET, table_facts, write_csv, write_parquet
from mfgdata.packaging.datapackage import ColumnMeta, datapackage, table_schema
from mfgdata.packaging.flags import FLAGS, flags_schema
from mfgdata.packaging.lineage import lineage
from mfgdata.packaging.section import package_section
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.manifest import MANIFEST, sha256_file
from mfgdata.pipeline.results import (
    ImageIngestResult,
    IngestResult,
    PreprocessResult,
    StandardizeResult,
)
from mfgdata.pipeline.step import StepResult
from mfgdata.report.render import (
    ReportInput,
    findings_from_results,
    render_report,
    sections_from_results,
)

DATAPACKAGE = "datapackage.json"
LINEAGE = "lineage.json"
REPORT = "report.html"
DATA = (PARQUET, CSV)
OWN_FILES = (PARQUET, CSV, DATAPACKAGE, LINEAGE, REPORT)


def _inputs(ctx: RunContext) -> Sequence[Mapping[str, Any]]:
    ingest = ctx.maybe(IngestResult, ImageIngestResult)
    return ingest.inputs if ingest is not None else []


def _preprocessed(ctx: RunContext, part: str) -> Sequence[Mapping[str, Any]]:
    """The preprocess step's ``columns`` or ``flags`` (none when it did not run)."""
    pre = ctx.maybe(PreprocessResult)
    return (pre.columns if part == "columns" else pre.flags) if pre is not None else []


def column_meta(ctx: RunContext) -> dict[str, ColumnMeta]:
    """Final column name → raw name, unit, description (preprocess over ingest)."""
    found = ctx.maybe(IngestResult, ImageIngestResult)
    ingest = {c["name"]: c for c in (found.columns if found is not None else [])}
    out = {
        n: ColumnMeta(n, raw_name=c.get("raw_name"), unit=c.get("unit")) for n, c in ingest.items()
    }
    by_raw = {c.get("raw_name"): c for c in ingest.values()}
    for c in _preprocessed(ctx, "columns"):
        source = c.get("source") or c["name"]
        src = ingest.get(source) or by_raw.get(source, {})
        out[c["name"]] = ColumnMeta(
            c["name"],
            raw_name=src.get("raw_name"),
            unit=c.get("unit") or None,
            description=c.get("description") or None,
        )
    std = ctx.maybe(StandardizeResult)
    for c in std.columns if std is not None else []:
        base = out.get(c["name"], ColumnMeta(c["name"]))
        out[c["name"]] = replace(
            base,
            unit=c.get("unit") or base.unit,
            original_unit=c.get("unit_original") or base.unit,
            description=base.description or c.get("definition_en") or None,
            property_irdi=c.get("property") or None,
            unit_irdi=c.get("unit_irdi") or None,
            unit_reference=c.get("unit_reference") or None,
            standard=c.get("standard"),
        )
    return out


def key_columns(ctx: RunContext, names: Sequence[str]) -> list[str]:
    """The time column (+ id column) under their final names, if present in the table."""
    renamed = {c.get("source"): c["name"] for c in _preprocessed(ctx, "columns") if c.get("source")}
    facts = ctx.facts
    key = []
    for col in (facts.time_column, facts.id_column):
        final = renamed.get(col, col) if col else None
        if final and final in names and final not in key:
            key.append(final)
    return key if key and key[0] in names else []


def _flags(ctx: RunContext) -> tuple[str, str, int, dict[str, Any]] | None:
    """The flags file the preprocess step wrote (path, sha256, bytes, schema), if any."""
    if FLAGS not in ctx.product.written:
        return None
    path = ctx.product.path(FLAGS)
    described = {
        str(c["name"]): str(c.get("description") or "") for c in _preprocessed(ctx, "flags")
    }
    schema = flags_schema(pl.scan_parquet(path).collect_schema(), described)
    return FLAGS, sha256_file(path), path.stat().st_size, schema


def _license(ctx: RunContext) -> dict[str, str] | None:
    value = getattr(ctx.options, "license", None)
    return {"name": value} if isinstance(value, str) and value else None


def _write_lineage(ctx: RunContext, own: StepResult, schema: Mapping[str, Any]) -> None:
    product, opts = ctx.product, ctx.options
    recipe = "recipe.yaml"
    product.write_json(
        LINEAGE,
        lineage(
            product_id=ctx.product_id,
            inputs=_inputs(ctx),
            results=[*ctx.results.values(), own],
            recipe=pre.recipe if (pre := ctx.maybe(PreprocessResult)) is not None else None,
            recipe_file_sha256=sha256_file(product.path(recipe))
            if recipe in product.written
            else None,
            options={
                "time_column": opts.time_column,
                "id_column": opts.id_column,
                "target": opts.target,
                "sheet": opts.sheet,
                "timezone": ctx.timezone,
                "primary_key": schema.get("primaryKey"),
            },
        ),
    )


def _write_report(ctx: RunContext, own: StepResult, rows: int, columns: int) -> None:
    product_id = ctx.product_id
    results = [*ctx.results.values(), own]
    inputs = [
        ReportInput(
            name=str(i.get("name")),
            bytes=i.get("bytes"),
            encoding=i.get("encoding"),
            rows=i.get("rows"),
            sha256=i.get("sha256"),
        )
        for i in _inputs(ctx)
    ]
    html = render_report(
        title=ctx.options.title or product_id,
        product_id=product_id,
        rows=rows,
        columns=columns,
        inputs=inputs,
        sections=sections_from_results(results),
        findings=findings_from_results(results),
    )
    ctx.product.write_text(REPORT, html)


class PackageStep:
    """Writes data/, datapackage.json, lineage.json and report.html."""

    name = "package"
    title_ko = "패키징"
    title_en = "Package"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise ProductError(
                "패키징할 표가 없습니다 (앞 단계가 표를 만들지 않았습니다)",
                "there is no table to package (no earlier step produced one)",
            )
        product = ctx.product
        ctx.progress(self.name, 0.05, PARQUET)
        if ctx.table is not None:  # the runner's table, written with the product's settings
            shutil.copyfile(ctx.table, product.path(PARQUET))
        else:
            write_parquet(frame, product.path(PARQUET))
        table = pl.scan_parquet(product.path(PARQUET))
        names = table.collect_schema().names()
        key = key_columns(ctx, names)
        facts = table_facts(product.path(PARQUET), key)
        ctx.progress(self.name, 0.5, CSV)
        with ThreadPoolExecutor(max_workers=1) as pool:  # hashing releases the GIL
            parquet_sha = pool.submit(sha256_file, product.path(PARQUET), remember=True)
            escape = ctx.settings.csv_escape_formulas and not getattr(ctx.options, "raw_csv", False)
            write_csv(table, facts, product.path(CSV), escape)
            digests = {PARQUET: parquet_sha.result()}
        digests[CSV] = sha256_file(product.path(CSV), remember=True)
        files = {r: (digests[r], product.path(r).stat().st_size) for r in DATA}
        ctx.progress(self.name, 0.8, DATAPACKAGE)
        schema = table_schema(table.collect_schema(), column_meta(ctx), facts, key)
        product_id = ctx.product_id
        product.write_json(
            DATAPACKAGE,
            datapackage(
                product_id=product_id,
                title=ctx.options.title or product_id,
                schema=schema,
                files=files,
                inputs=_inputs(ctx),
                license=_license(ctx),
                flags=_flags(ctx),
            ),
        )
        counts = {
            "rows": facts.rows,
            "columns": len(names),
            "parquet_bytes": files[PARQUET][1],
            "csv_bytes": files[CSV][1],
        }
        own = StepResult(step=self.name, counts=counts, files=OWN_FILES)
        _write_lineage(ctx, own, schema)
        ctx.progress(self.name, 0.9, REPORT)
        sizes = {r: product.path(r).stat().st_size for r in product.written if r != REPORT}
        section = package_section(
            files=sorted({*product.written, *OWN_FILES, MANIFEST}), sizes=sizes, schema=schema
        )
        own = replace(own, report=section)
        _write_report(ctx, own, facts.rows, len(names))
        return replace(
            own, data={"files": list(OWN_FILES), "primary_key": schema.get("primaryKey")}
        )
