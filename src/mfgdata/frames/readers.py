"""Reading one logical table from one or several files, with junk counted per column.

``open_table`` sniffs and plans; ``Table.write_parquet`` streams it to Parquet and, in the same
pass, counts junk values (values that do not parse for their column's kind).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import EncodingError, InputError
from mfgdata.frames.encoding import find_undecodable
from mfgdata.frames.infer import (
    ColumnPlan,
    beyond_int64,
    infer_plan,
    parse_expr,
    plan_for_dtype,
    widen,
)
from mfgdata.frames.limits import Limits, cell_too_large
from mfgdata.frames.ragged import find_bad_line, has_short_lines, ragged_error
from mfgdata.frames.sources import Source, open_source, parse_failure, read_from
from mfgdata.frames.zones import fixed_offset

ROW = "__row"
SOURCE_FILE = "source_file"
EVIDENCE = 20
ROW_GROUP = 256 * 1024

MAX_TOKENS = 50  # distinct junk values counted one by one per column

Proof = Callable[[], bool]


def _tokens(counted: list[dict[str, Any]]) -> dict[str, int]:
    """{value: count} from value_counts structs, most frequent first, then by value."""
    pairs = [(str(next(iter(d.values()))), int(d["n"])) for d in counted]
    return dict(sorted(pairs, key=lambda p: (-p[1], p[0])))


@dataclass
class JunkStat:
    count: int
    rows: list[int]
    examples: list[str]
    tokens: dict[str, int] = field(default_factory=dict)  # junk value -> count (most first)


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
        plan = infer_plan(name, sample, first.decimal or ".")
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


@dataclass
class Table:
    """One logical table: the sources (same columns) and a plan per column."""

    sources: list[Source]
    plans: list[ColumnPlan]
    timezone: str
    offsets: dict[str, timedelta] = field(default_factory=dict)  # fixed-offset time columns
    nan_free: set[str] = field(default_factory=set)  # float columns counted without a NaN
    limits: Limits = field(default_factory=Limits)

    @property
    def multi(self) -> bool:
        return len(self.sources) > 1

    def raw_frame(self, row_index: bool = True) -> pl.LazyFrame:
        schema = {p.name: p.read for p in self.plans}
        frames = []
        for s in self.sources:
            lf = s.scan(schema).select([pl.col(p.name).cast(p.read) for p in self.plans])
            if self.multi:
                lf = lf.with_columns(pl.lit(s.path.name).alias(SOURCE_FILE))
            frames.append(lf)
        lf = pl.concat(frames) if self.multi else frames[0]
        return lf.with_row_index(ROW) if row_index else lf

    def typed_frame(self) -> pl.LazyFrame:
        """The final table (lazy): every column parsed; no junk counting."""
        exprs = [self._parse(p).alias(p.name) for p in self.plans]
        extra = [pl.col(SOURCE_FILE)] if self.multi else []
        return self.raw_frame(row_index=False).select(*exprs, *extra)

    @property
    def typed_in_place(self) -> bool:
        """Every source is Parquet and every column keeps its stored type: the final table is a
        cheap lazy view of the files (at most NaN → null and naive times → the zone), so nothing
        is worth writing again."""
        return all(s.format == "parquet" for s in self.sources) and all(
            p.parse == "keep" for p in self.plans
        )

    def reading_from(self, paths: Sequence[Path]) -> Table:
        """This table with each Parquet source read from a byte-identical copy (the blobs)."""
        moved = [read_from(s, p) for s, p in zip(self.sources, paths, strict=True)]
        return replace(self, sources=moved, offsets=dict(self.offsets), nan_free=set(self.nan_free))

    def _junk_flags(self) -> dict[str, tuple[pl.Expr, pl.Expr]]:
        """Per column that can hold junk: (is-junk flag, shown raw value)."""
        out: dict[str, tuple[pl.Expr, pl.Expr]] = {}
        for p in self.plans:
            raw, parsed = pl.col(p.name), pl.col(f"__p_{p.name}")
            if p.checks_junk:
                junk = raw.is_not_null() & (raw.str.strip_chars() != "") & parsed.is_null()
                out[p.name] = (junk, raw.str.strip_chars())
            elif p.read == pl.Float64:
                out[p.name] = ((~raw.is_finite()).fill_null(False), raw.cast(pl.String))
        return out

    def _parse(self, p: ColumnPlan) -> pl.Expr:
        if p.name in self.nan_free:
            return pl.col(p.name)  # nothing to turn into null: the column is read as stored
        return parse_expr(p, pl.col(p.name), self.timezone, self.offsets.get(p.name))

    def _parsed(self, base: pl.LazyFrame) -> pl.LazyFrame:
        return base.with_columns(self._parse(p).alias(f"__p_{p.name}") for p in self.plans)

    def _junk_counts(self) -> list[pl.Expr]:
        """Exact junk count per column; whitespace is stripped only where the parse failed."""
        out: list[pl.Expr] = []
        for p in self.plans:
            raw, parsed = pl.col(p.name), pl.col(f"__p_{p.name}")
            if p.checks_junk:
                failed = raw.filter(parsed.is_null() & raw.is_not_null())
                out.append((failed.str.strip_chars() != "").sum().alias(f"__n_{p.name}"))
            elif p.read == pl.Float64:
                out.append((~raw.is_finite()).sum().alias(f"__n_{p.name}"))
        return out

    def _fixed_offsets(self) -> dict[str, timedelta]:
        """Time columns whose zone has one fixed offset over the sample's range (checked again
        over the whole column's range after the pass)."""
        out: dict[str, timedelta] = {}
        for p in self.plans:
            if isinstance(p.read, pl.Datetime) and p.read.time_zone is None:
                off = self._typed_offset(p.name)
                if off is not None:
                    out[p.name] = off
                continue
            if p.kind != "datetime" or p.parse not in ("datetime", "korean_datetime") or p.zoned:
                continue
            values = [s.sample[p.name] for s in self.sources if p.name in s.sample.columns]
            if not values:
                continue
            lo, hi = (
                pl.DataFrame({"v": pl.concat(values).cast(pl.String)})
                .select(parse_expr(p, pl.col("v"), "UTC").dt.replace_time_zone(None).alias("t"))
                .select(pl.col("t").min().alias("lo"), pl.col("t").max().alias("hi"))
                .row(0)
            )
            off = fixed_offset(self.timezone, lo, hi) if lo is not None else None
            if off is not None:
                out[p.name] = off
        return out

    def _typed_offset(self, name: str) -> timedelta | None:
        """The zone's fixed offset over a typed naive time column's whole range (one narrow
        read of that column; Parquet keeps it in its own column chunks)."""
        col = pl.col(name)
        ranges = [
            s.scan({}).select(col.min().alias("lo"), col.max().alias("hi")) for s in self.sources
        ]
        both = pl.concat(pl.collect_all(ranges)).select(pl.col("lo").min(), pl.col("hi").max())
        lo, hi = both.row(0)
        return fixed_offset(self.timezone, lo, hi) if lo is not None else None

    def _offsets_hold(self, row: dict[str, Any]) -> bool:
        """Drop the fixed offsets that the whole column's range does not allow; False if any."""
        wrong = []
        for name, off in self.offsets.items():
            lo, hi = row[f"__min_{name}"], row[f"__max_{name}"]
            if isinstance(lo, datetime) and isinstance(hi, datetime):
                lo, hi = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
                if fixed_offset(self.timezone, lo, hi) != off:
                    wrong.append(name)
        for name in wrong:
            del self.offsets[name]
        return not wrong

    def _run(self, out: Path) -> dict[str, Any]:
        """One streaming pass: the Parquet sink plus counts (rows, junk, last-column nulls)."""
        parsed = self._parsed(self.raw_frame(row_index=False))
        final = [pl.col(f"__p_{p.name}").alias(p.name) for p in self.plans]
        if self.multi:
            final.append(pl.col(SOURCE_FILE))
        sink = parsed.select(final).sink_parquet(
            out, compression="uncompressed", row_group_size=ROW_GROUP, statistics=True, lazy=True
        )
        _, row = pl.collect_all([sink, parsed.select(self._counts())], engine="streaming")
        return row.row(0, named=True)

    def _counts(self) -> list[pl.Expr]:
        """Rows (per source), last-column nulls, junk counts, time ranges of fixed offsets."""
        exprs: list[pl.Expr] = [pl.len().alias("__rows")]
        for i, s in enumerate(self.sources):
            last = pl.col(s.names[-1]).is_null()
            if self.multi:
                mine = pl.col(SOURCE_FILE) == s.path.name
                exprs.append(mine.sum().alias(f"__rows_{i}"))
                last = last & mine
            else:
                exprs.append(pl.len().alias(f"__rows_{i}"))
            exprs.append(last.sum().alias(f"__lastnull_{i}"))
        exprs += self._junk_counts()
        exprs += [
            pl.col(p.name).str.len_bytes().max().alias(f"__len_{p.name}")
            for p in self.plans
            if p.read == pl.String
        ]
        for name in self.offsets:
            col = pl.col(f"__p_{name}")
            exprs += [col.min().alias(f"__min_{name}"), col.max().alias(f"__max_{name}")]
        return exprs

    def _evidence(self, counts: dict[str, int]) -> dict[str, JunkStat]:
        """Second, narrow pass only when junk was found: first row numbers and examples."""
        flags = {c: f for c, f in self._junk_flags().items() if counts.get(c)}
        if not flags:
            return {}
        lf = self._parsed(self.raw_frame()).with_columns(
            j.alias(f"__j_{c}") for c, (j, _) in flags.items()
        )
        lf = lf.filter(pl.any_horizontal([pl.col(f"__j_{c}") for c in flags]))
        exprs = []
        for c, (_, shown) in flags.items():
            j = pl.col(f"__j_{c}")
            exprs += [
                pl.col(ROW).filter(j).head(EVIDENCE).implode().alias(f"__r_{c}"),
                shown.filter(j)
                .value_counts(sort=True, name="n")
                .head(MAX_TOKENS)
                .implode()
                .alias(f"__t_{c}"),
                shown.filter(j)
                .unique(maintain_order=True)
                .head(EVIDENCE)
                .implode()
                .alias(f"__e_{c}"),
            ]
        row = lf.select(exprs).collect(engine="streaming").row(0, named=True)
        return {
            c: JunkStat(
                counts[c],
                list(row[f"__r_{c}"]),
                list(row[f"__e_{c}"]),
                _tokens(row[f"__t_{c}"]),
            )
            for c in flags
        }

    def count_in_place(self) -> TableStats:
        """For a table :attr:`typed_in_place`: the counts of :meth:`write_parquet` (rows, NaN
        junk with evidence) from one aggregate pass, writing nothing."""
        if not self.typed_in_place:
            raise ValueError("the table needs parsing: use write_parquet")
        self.offsets = self._fixed_offsets()  # exact: each range is the whole column's
        parsed = self._parsed(self.raw_frame(row_index=False))
        row = parsed.select(self._counts()).collect(engine="streaming").row(0, named=True)
        floats = [p.name for p in self.plans if p.read == pl.Float64 and p.parse == "keep"]
        self.nan_free = {c for c in floats if row.get(f"__n_{c}") == 0}
        self._check_cells(row)
        return self._stats(row)

    def _stats(self, row: dict[str, Any]) -> TableStats:
        junk = self._evidence({p.name: row.get(f"__n_{p.name}", 0) for p in self.plans})
        per = [row[f"__rows_{i}"] for i in range(len(self.sources))]
        return TableStats(row["__rows"], per, junk)

    def write_parquet(self, out: Path, no_short_rows: Sequence[Proof] = ()) -> TableStats:
        """Stream the table to ``out``; re-plan a column when a later value breaks its parse.
        ``no_short_rows[i]()`` may prove (True) that source ``i`` has no short row, which
        saves a pass over the lines when its last column has nulls."""
        self.offsets = self._fixed_offsets()
        failures = attempts = 0
        while True:
            attempt = out.with_name(f".{out.name}.{attempts}.partial")
            attempts += 1
            try:
                row = self._run(attempt)
            except pl.exceptions.ComputeError as e:
                failures += 1
                self._on_error(str(e), failures)
                continue
            if self._offsets_hold(row):
                os.replace(attempt, out)  # a failed attempt may still be flushing its own file
                break
            attempt.unlink(missing_ok=True)  # times outside the fixed-offset range: redo
        for i, s in enumerate(self.sources):
            if not row[f"__lastnull_{i}"] or s.format != "csv":
                continue
            if not (i < len(no_short_rows) and no_short_rows[i]()) and has_short_lines(s):
                bad = find_bad_line(s)
                if bad:
                    raise ragged_error(s, *bad)
        self._check_cells(row)
        return self._stats(row)

    def _check_cells(self, row: dict[str, Any]) -> None:
        """A text cell over ``limits.max_cell_bytes``: refused with its file, line and column."""
        limit = self.limits.max_cell_bytes
        big = [p.name for p in self.plans if (row.get(f"__len_{p.name}") or 0) > limit]
        if not big:
            return
        name = big[0]
        lf = self.raw_frame().filter(pl.col(name).str.len_bytes() > limit)
        extra = [pl.col(SOURCE_FILE)] if self.multi else []
        first = lf.select(pl.col(ROW), pl.col(name).str.len_bytes().alias("n"), *extra).head(1)
        hit = first.collect().row(0, named=True)
        src, index = self.sources[0], int(hit[ROW])
        for i, s in enumerate(self.sources):  # the row number within its own file
            if not self.multi or s.path.name == hit.get(SOURCE_FILE):
                src = s
                index -= sum(row[f"__rows_{j}"] for j in range(i))
                break
        line = src.data_line + index + 1 if src.format == "csv" else None
        raise cell_too_large(src.path, int(hit["n"]), self.limits, line=line, column=name)

    def _on_error(self, message: str, failures: int) -> None:
        failed = parse_failure(message)
        if failed and failures <= len(self.plans):
            col, value = failed
            many = failures >= 3  # junk beyond the sample in several columns: read all as text
            other = "x" if beyond_int64(pl.Series([value])) else value
            self.plans = [
                widen(p, value)
                if p.name == col
                else widen(p, other)
                if many and p.read in (pl.Float64, pl.Int64)
                else p
                for p in self.plans
            ]
            return
        low = message.lower()
        src = self.sources[0]
        if "utf-8" in low or "utf8" in low:
            for s in self.sources:
                line = find_undecodable(s.text_path or s.path, "utf-8")
                if line is not None:
                    raise EncodingError(
                        "UTF-8로 읽을 수 없는 바이트가 있습니다 (인코딩이 섞였거나 다름; "
                        "--encoding으로 지정할 수 있습니다)",
                        "bytes that are not valid UTF-8 (mixed or another encoding; "
                        "--encoding can name it)",
                        file=s.path,
                        line=line,
                    )
            raise EncodingError(
                "UTF-8로 읽을 수 없는 바이트가 있습니다",
                "bytes that are not valid UTF-8",
                file=src.path,
            )
        for s in self.sources:
            bad = find_bad_line(s)
            if bad:
                raise ragged_error(s, *bad)
        raise InputError(
            "파일을 읽을 수 없습니다",
            f"cannot read the file: {message.splitlines()[0][:200]}",
            file=src.path,
        )


def open_table(
    paths: list[Path],
    *,
    work_dir: Path,
    sheet: str | None,
    timezone: str,
    infer_rows: int,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> Table:
    """Open and plan one logical table from ``paths`` (several files must share columns)."""
    if not paths:
        raise InputError("입력 파일이 없습니다", "no input files were given")
    limits = limits or Limits()
    sources = [
        open_source(
            p,
            work_dir=work_dir,
            sheet=sheet,
            infer_rows=infer_rows,
            encoding=encoding,
            limits=limits,
        )
        for p in paths
    ]
    _check_same_columns(sources)
    return Table(sources, _plans(sources), timezone, limits=limits)


def with_plan(table: Table, name: str, **changes: Any) -> Table:
    """A copy of ``table`` with one column's plan changed (for callers that know better)."""
    plans = [replace(p, **changes) if p.name == name else p for p in table.plans]
    return Table(table.sources, plans, table.timezone, dict(table.offsets), limits=table.limits)
