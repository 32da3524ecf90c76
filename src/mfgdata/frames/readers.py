"""Reading one logical table from one or several files, with junk counted per column.

``open_table`` sniffs and plans; ``Table.write_parquet`` streams it to Parquet and, in the same
pass, counts junk values (values that do not parse for their column's kind).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import EncodingError, InputError
from mfgdata.frames.infer import ColumnPlan, infer_plan, parse_expr, plan_for_dtype, widen
from mfgdata.frames.sources import Source, open_source, parse_failure

ROW = "__row"
SOURCE_FILE = "source_file"
EVIDENCE = 20
ROW_GROUP = 256 * 1024


@dataclass
class JunkStat:
    count: int
    rows: list[int]
    examples: list[str]


@dataclass
class TableStats:
    rows: int
    rows_per_source: list[int]
    junk: dict[str, JunkStat] = field(default_factory=dict)


def _plans(sources: list[Source]) -> list[ColumnPlan]:
    first = sources[0]
    plans: list[ColumnPlan] = []
    for name in first.names:
        if name in first.native:
            plans.append(plan_for_dtype(name, first.native[name]))
            continue
        sample = pl.concat([s.sample.select(name) for s in sources]).to_series()
        plan = infer_plan(name, sample.to_list(), first.decimal or ".")
        if first.format != "csv" and plan.read != pl.String:
            plan = widen(plan, "x")  # only the CSV reader parses natively
        plans.append(plan)
    return plans


def _check_same_columns(sources: list[Source]) -> None:
    want = sources[0].names
    for s in sources[1:]:
        if s.names != want:
            missing = [n for n in want if n not in s.names]
            extra = [n for n in s.names if n not in want]
            detail = f"missing {missing}, extra {extra}" if missing or extra else "different order"
            raise InputError(
                f"열 구성이 첫 파일({sources[0].path.name})과 다릅니다: {detail}",
                f"columns differ from the first file ({sources[0].path.name}): {detail}",
                file=s.path,
            )


def find_bad_line(src: Source) -> tuple[int, str] | None:
    """First record whose field count differs from the header, or an unclosed quote (1-based)."""
    if src.text_path is None or src.delimiter is None:
        return None
    width = len(src.columns)
    with src.text_path.open(encoding="utf-8-sig", newline="") as f:
        for _ in range(src.data_line):
            f.readline()
        reader = csv.reader(f, delimiter=src.delimiter, strict=True)
        start = src.data_line + 1
        try:
            for row in reader:
                if row and len(row) != width:
                    return start, f"{len(row)} fields, expected {width}"
                start = src.data_line + reader.line_num + 1
        except csv.Error:
            return start, "unclosed quote or truncated field"
    return None


def _ragged(src: Source, line: int, detail: str) -> InputError:
    return InputError(
        f"행의 열 개수가 머리글과 다르거나 파일이 잘렸습니다 ({detail})",
        f"a row has a different number of fields than the header, or the file is cut ({detail})",
        file=src.path,
        line=line,
    )


@dataclass
class Table:
    """One logical table: the sources (same columns) and a plan per column."""

    sources: list[Source]
    plans: list[ColumnPlan]
    timezone: str

    @property
    def multi(self) -> bool:
        return len(self.sources) > 1

    def raw_frame(self) -> pl.LazyFrame:
        schema = {p.name: p.read for p in self.plans}
        frames = []
        for s in self.sources:
            lf = s.scan(schema).select([pl.col(p.name).cast(p.read) for p in self.plans])
            if self.multi:
                lf = lf.with_columns(pl.lit(s.path.name).alias(SOURCE_FILE))
            frames.append(lf)
        return (pl.concat(frames) if self.multi else frames[0]).with_row_index(ROW)

    def typed_frame(self) -> pl.LazyFrame:
        """The final table (lazy): every column parsed; no junk counting."""
        exprs = [parse_expr(p, pl.col(p.name), self.timezone).alias(p.name) for p in self.plans]
        extra = [pl.col(SOURCE_FILE)] if self.multi else []
        return self.raw_frame().select(*exprs, *extra)

    def _stats_exprs(self, lf_cols: list[str]) -> list[pl.Expr]:
        exprs: list[pl.Expr] = [pl.len().alias("__rows")]
        for i, s in enumerate(self.sources):
            if self.multi:
                exprs.append((pl.col(SOURCE_FILE) == s.path.name).sum().alias(f"__rows_{i}"))
            last = pl.col(s.names[-1]).is_null()
            if self.multi:
                last = last & (pl.col(SOURCE_FILE) == s.path.name)
            exprs.append(last.sum().alias(f"__lastnull_{i}"))
        for p in self.plans:
            raw, parsed = pl.col(p.name), pl.col(f"__p_{p.name}")
            if p.checks_junk:
                junk = raw.is_not_null() & (raw.str.strip_chars() != "") & parsed.is_null()
                shown = raw.str.strip_chars()
            elif p.read == pl.Float64:
                junk = raw.is_nan().fill_null(False)
                shown = pl.lit("NaN")
            else:
                continue
            exprs += [
                junk.sum().alias(f"__n_{p.name}"),
                pl.col(ROW).filter(junk).head(EVIDENCE).implode().alias(f"__r_{p.name}"),
                shown.filter(junk)
                .unique(maintain_order=True)
                .head(EVIDENCE)
                .implode()
                .alias(f"__e_{p.name}"),
            ]
        return exprs

    def _run(self, out: Path) -> dict[str, Any]:
        base = self.raw_frame()
        parsed = base.with_columns(
            parse_expr(p, pl.col(p.name), self.timezone).alias(f"__p_{p.name}") for p in self.plans
        )
        final = [pl.col(f"__p_{p.name}").alias(p.name) for p in self.plans]
        if self.multi:
            final.append(pl.col(SOURCE_FILE))
        sink = parsed.select(final).sink_parquet(
            out, compression="lz4", row_group_size=ROW_GROUP, statistics=True, lazy=True
        )
        stats = parsed.select(self._stats_exprs([]))
        _, row = pl.collect_all([sink, stats], engine="streaming")
        return row.row(0, named=True)

    def write_parquet(self, out: Path) -> TableStats:
        """Stream the table to ``out``; re-plan a column when a later value breaks its parse."""
        failures = 0
        while True:
            try:
                attempt = out.with_name(f".{out.name}.{failures}.partial")
                row = self._run(attempt)
                os.replace(attempt, out)  # a failed attempt may still be flushing its own file
                break
            except pl.exceptions.ComputeError as e:
                failures += 1
                self._on_error(str(e), failures)
        for i, s in enumerate(self.sources):
            if row[f"__lastnull_{i}"] and s.format == "csv":
                bad = find_bad_line(s)
                if bad:
                    raise _ragged(s, *bad)
        junk = {
            p.name: JunkStat(
                row[f"__n_{p.name}"], list(row[f"__r_{p.name}"]), list(row[f"__e_{p.name}"])
            )
            for p in self.plans
            if row.get(f"__n_{p.name}")
        }
        per = (
            [row[f"__rows_{i}"] for i in range(len(self.sources))]
            if self.multi
            else [row["__rows"]]
        )
        return TableStats(row["__rows"], per, junk)

    def _on_error(self, message: str, failures: int) -> None:
        failed = parse_failure(message)
        if failed and failures <= len(self.plans):
            col, value = failed
            many = failures >= 3  # junk beyond the sample in several columns: read all as text
            self.plans = [
                widen(p, value)
                if p.name == col or (many and p.read in (pl.Float64, pl.Int64))
                else p
                for p in self.plans
            ]
            return
        low = message.lower()
        src = self.sources[0]
        if "utf-8" in low or "utf8" in low:
            raise EncodingError(
                "UTF-8로 읽을 수 없는 바이트가 있습니다",
                "bytes that are not valid UTF-8",
                file=src.path,
            )
        for s in self.sources:
            bad = find_bad_line(s)
            if bad:
                raise _ragged(s, *bad)
        raise InputError(
            "파일을 읽을 수 없습니다",
            f"cannot read the file: {message.splitlines()[0][:200]}",
            file=src.path,
        )


def open_table(
    paths: list[Path], *, work_dir: Path, sheet: str | None, timezone: str, infer_rows: int
) -> Table:
    """Open and plan one logical table from ``paths`` (several files must share columns)."""
    if not paths:
        raise InputError("입력 파일이 없습니다", "no input files were given")
    sources = [open_source(p, work_dir=work_dir, sheet=sheet, infer_rows=infer_rows) for p in paths]
    _check_same_columns(sources)
    return Table(sources, _plans(sources), timezone)


def with_plan(table: Table, name: str, **changes: Any) -> Table:
    """A copy of ``table`` with one column's plan changed (for callers that know better)."""
    plans = [replace(p, **changes) if p.name == name else p for p in table.plans]
    return Table(table.sources, plans, table.timezone)
