"""Ingest: raw files → one typed table (Parquet in the work folder), raw bytes kept by SHA-256.

Typed Parquet inputs whose columns keep their stored types are not written again: the table is a
lazy view of the stored copies (NaN → null, naive times → the zone), counted in one pass."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import InputError
from mfgdata.frames.blobs import blob_path, identical_files, store_blob
from mfgdata.frames.infer import ColumnPlan
from mfgdata.frames.limits import Limits
from mfgdata.frames.ragged import FieldCounter
from mfgdata.frames.readers import SOURCE_FILE, Table, TableStats, open_table
from mfgdata.frames.sources import FORMATS, Source
from mfgdata.frames.uris import local_inputs
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import IngestResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding

OUTPUT = "ingested.parquet"
log = logging.getLogger(__name__)


def describe_columns(table: Table) -> list[dict[str, Any]]:
    units = {name: (raw, unit) for s in table.sources[:1] for name, raw, unit in s.columns}
    schema = table.typed_frame().collect_schema()
    cols = [
        {
            "name": p.name,
            "raw_name": units[p.name][0],
            "unit": units[p.name][1],
            "dtype": str(schema[p.name]),
            "kind": p.kind,
            **_label_values(p),
        }
        for p in table.plans
    ]
    if table.multi:
        cols.append(
            {
                "name": SOURCE_FILE,
                "raw_name": SOURCE_FILE,
                "unit": None,
                "dtype": "String",
                "kind": "categorical",
            }
        )
    return cols


def _label_values(plan: ColumnPlan) -> dict[str, Any]:
    """How a label was stored: the raw values read as true/false, or kept as text."""
    if plan.parse == "bool":
        return {"true_values": list(plan.true_values), "false_values": list(plan.false_values)}
    if plan.label_text is not None:
        return {"label_values": list(plan.label_text), "label_meaning": "unknown"}
    return {}


def label_findings(table: Table, step: str) -> tuple[Finding, ...]:
    """Labels whose values mean good/defect (OK/NG ...) under a header that says neither: kept
    as text, never a guessed boolean."""
    return tuple(
        Finding(
            code="label_meaning_unknown",
            severity="warning",
            message_ko=(
                f"'{p.name}' 열의 값 {good}/{bad}은(는) 양품/불량을 뜻하지만 열 이름이 무엇이 "
                "참인지 말하지 않아 참/거짓으로 바꾸지 않고 원래 값(텍스트)으로 저장했습니다"
            ),
            message_en=(
                f"column '{p.name}' holds {good}/{bad} (good/defect) but its name does not say "
                "which one is true: the original values are kept as text, not a guessed boolean"
            ),
            column=p.name,
            examples=(good, bad),
            step=step,
        )
        for p in table.plans
        if p.label_text is not None
        for good, bad in [p.label_text]
    )


def exact_int_findings(table: Table, step: str) -> tuple[Finding, ...]:
    """Integers beyond 64 bits: kept exactly as text (a float would merge distinct values)."""
    return tuple(
        Finding(
            code="integer_beyond_64_bits",
            severity="warning",
            message_ko=(
                f"'{p.name}' 열에 64비트 정수 범위를 넘는 정수가 있어 값이 바뀌지 않도록 "
                "텍스트로 정확히 저장했습니다 (실수로 바꾸면 서로 다른 값이 같아집니다)"
            ),
            message_en=(
                f"column '{p.name}' holds integers beyond 64 bits: they are kept exactly as "
                "text (as floats, distinct values would become equal)"
            ),
            column=p.name,
            step=step,
        )
        for p in table.plans
        if p.exact_int
    )


def time_column(table: Table, wanted: str | None) -> str | None:
    names = [p.name for p in table.plans]
    if wanted is not None:
        if wanted in names:
            return wanted
        raw = {raw: name for name, raw, _ in table.sources[0].columns}
        if wanted in raw:
            return raw[wanted]
        raise InputError(
            f"시간 열 '{wanted}'이(가) 없습니다. 있는 열: {', '.join(names)}",
            f"time column '{wanted}' not found; columns: {', '.join(names)}",
            file=table.sources[0].path,
            column=wanted,
        )
    return next((p.name for p in table.plans if p.kind == "datetime"), None)


def token_text(tokens: dict[str, int], limit: int = 10) -> str:
    """``Intf Shut ×12, Pt Created ×3``: each junk value with its count."""
    shown = [f"{t} ×{n}" for t, n in list(tokens.items())[:limit]]
    more = len(tokens) - limit
    return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")


def junk_record(stats: TableStats) -> dict[str, dict[str, Any]]:
    """The junk values per column as the ingest result keeps them (count, first rows, examples,
    each value's count)."""
    return {
        c: {"count": j.count, "examples": j.examples, "rows": j.rows, "tokens": j.tokens}
        for c, j in sorted(stats.junk.items())
    }


def junk_findings(stats: TableStats, step: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            code="junk_value",
            severity="warning",
            message_ko=(
                f"'{col}' 열에서 숫자/날짜가 아닌 값 {j.count}개를 빈 값으로 바꿨습니다: "
                f"{token_text(j.tokens)}"
            ),
            message_en=(
                f"{j.count} non-parsable values in column '{col}' were set to null: "
                f"{token_text(j.tokens)}"
            ),
            column=col,
            count=j.count,
            rows=tuple(j.rows),
            examples=tuple(j.tokens or j.examples),
            step=step,
        )
        for col, j in sorted(stats.junk.items())
    )


def sheet_choice(src: Source) -> dict[str, Any]:
    """For a workbook: which sheet was read and why, and every sheet's size."""
    if src.format != "xlsx" or "sheets" not in src.meta:
        return {}
    return {
        "sheet_reason": src.meta["sheet_reason_en"],
        "sheet_reason_ko": src.meta["sheet_reason_ko"],
        "sheets": src.meta["sheets"],
    }


def _reading(table: Table) -> str:
    sheets = [
        f"{s.path.name} [{s.sheet}]: {s.meta['sheet_reason_en']}"
        for s in table.sources
        if s.sheet is not None and "sheet_reason_en" in s.meta
    ]
    return "reading " + "; ".join(sheets) if sheets else "reading"


def input_record(name: str, src: Source, sha: str, size: int, rows: int) -> dict[str, Any]:
    """The ingest record of one input read (both engines)."""
    return {
        "name": name,
        "sha256": sha,
        "bytes": size,
        "format": src.format,
        "encoding": src.encoding,
        "delimiter": src.delimiter,
        "decimal": src.decimal,
        "header_row": src.header_row,
        "sheet": src.sheet,
        **sheet_choice(src),
        "rows": rows,
    }


def duplicate_record(name: str, fmt: str | None, sha: str, size: int, first: str) -> dict[str, Any]:
    """The record of an input that repeats ``first`` byte for byte (its rows not read; both
    engines)."""
    return {
        "name": name,
        "sha256": sha,
        "bytes": size,
        "format": fmt,
        "rows": 0,
        "duplicate_of": first,
    }


def _duplicate_entry(path: Path, first: Path, sha: str) -> dict[str, Any]:
    fmt = FORMATS.get(path.suffix.lower())
    return duplicate_record(path.name, fmt, sha, path.stat().st_size, first.name)


def duplicate_findings(
    paths: list[Path], repeats: dict[int, tuple[int, str]], step: str
) -> tuple[Finding, ...]:
    """One finding per input file that is a byte-identical copy of an earlier one."""
    return tuple(
        Finding(
            code="duplicate_input_file",
            severity="warning",
            message_ko=(
                f"입력 파일 '{paths[i].name}'은(는) '{paths[first].name}'과(와) 바이트 단위로 "
                f"같습니다 (SHA-256 {sha[:12]}…): 한 번만 읽었습니다"
            ),
            message_en=(
                f"input file '{paths[i].name}' is byte-identical to '{paths[first].name}' "
                f"(SHA-256 {sha[:12]}…): it was read once"
            ),
            examples=(paths[i].name, paths[first].name),
            step=step,
        )
        for i, (first, sha) in sorted(repeats.items())
    )


def zone_source(table: Table, given: str | None) -> str:
    """Where the build's zone comes from: "given" (--timezone), "assumed" (naive wall-clock
    times read in the default zone), "data" (every time carries its offset) or "unused"."""
    if given:
        return "given"
    if any(p.naive_times for p in table.plans):
        return "assumed"
    return "data" if any(p.kind == "datetime" for p in table.plans) else "unused"


def zone_findings(table: Table, zone: str, source: str, step: str) -> tuple[Finding, ...]:
    """Naive times and no --timezone: say which zone they were read in."""
    if source != "assumed":
        return ()
    naive = [p.name for p in table.plans if p.naive_times]
    cols = ", ".join(f"'{c}'" for c in naive)
    return (
        Finding(
            code="timezone_assumed",
            severity="warning",
            message_ko=(
                f"{cols} 열의 시각에 시간대 정보가 없고 --timezone도 주어지지 않아 {zone}(으)로 "
                "가정했습니다. 다른 곳의 데이터라면 --timezone으로 지정하세요"
            ),
            message_en=(
                f"the times in {cols} carry no zone and no --timezone was given: {zone} was "
                "assumed. Give --timezone if the data comes from elsewhere"
            ),
            column=naive[0],
            examples=(zone,),
            step=step,
        ),
    )


def _proved(stored: Future[tuple[str, int]], counter: FieldCounter | None) -> bool:
    """True when the blob copy of a CSV proved that it has no short row."""
    stored.result()
    return counter is not None and counter.no_short_rows()


class IngestStep:
    """Read the input files into one typed table; count junk values; keep raw bytes."""

    name = "ingest"
    title_ko = "수집"
    title_en = "Ingest"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        opts = ctx.options
        given = local_inputs(opts.inputs)  # file:// URIs as their path; other schemes refused
        repeats = identical_files(given)  # read once: a byte-identical copy adds no rows
        paths = [p for i, p in enumerate(given) if i not in repeats]
        table = open_table(
            paths,
            work_dir=ctx.work_dir,
            sheet=opts.sheet,
            timezone=ctx.timezone,
            infer_rows=ctx.settings.infer_rows,
            encoding=opts.encoding,
            limits=Limits.from_settings(ctx.settings),
        )
        tcol = time_column(table, opts.time_column)
        zone = zone_source(table, opts.timezone)
        reading = _reading(table)
        if reading != "reading":
            log.info(reading)
        ctx.progress(self.name, 0.1, reading)
        out = ctx.work_dir / OUTPUT
        blobs = ctx.settings.blobs_dir
        counters = [FieldCounter.for_source(s) for s in table.sources]
        with ThreadPoolExecutor(max_workers=1) as pool:  # hashing overlaps the Parquet pass
            stored = [
                pool.submit(store_blob, s.path, blobs, c)
                for s, c in zip(table.sources, counters, strict=True)
            ]
            proofs = [partial(_proved, f, c) for f, c in zip(stored, counters, strict=True)]
            in_place = table.typed_in_place
            stats = table.count_in_place() if in_place else table.write_parquet(out, proofs)
            ctx.progress(self.name, 0.8, "storing raw inputs")
            hashes = [f.result() for f in stored]
        if in_place:  # typed Parquet: later steps read the stored copies, nothing is rewritten
            typed = table.reading_from([blob_path(blobs, sha) for sha, _ in hashes]).typed_frame()
        else:
            typed = pl.scan_parquet(out)
        kept = iter(zip(table.sources, stats.rows_per_source, hashes, strict=True))
        inputs: list[dict[str, Any]] = []
        for i, path in enumerate(given):
            if i in repeats:
                first, sha = repeats[i]
                inputs.append(_duplicate_entry(path, given[first], sha))
                continue
            src, rows, (sha, size) = next(kept)
            inputs.append(input_record(src.path.name, src, sha, size, rows))
        junk = junk_record(stats)
        data = IngestResult(
            inputs=inputs,
            columns=describe_columns(table),
            time_column=tcol,
            rows=stats.rows,
            junk=junk,
            timezone={"zone": ctx.timezone, "source": zone},
        )
        return StepResult(
            step=self.name,
            frame=typed,
            table=None if in_place else out,
            view=in_place,  # read in place by every later step: nothing to write
            data=data,
            findings=(
                duplicate_findings(given, repeats, self.name)
                + junk_findings(stats, self.name)
                + label_findings(table, self.name)
                + exact_int_findings(table, self.name)
                + zone_findings(table, ctx.timezone, zone, self.name)
            ),
            counts={
                "rows": stats.rows,
                "inputs": len(inputs),
                "duplicate_inputs": len(repeats),
                "junk_values": sum(j.count for j in stats.junk.values()),
            },
        )
