"""``mfgdata inspect INPUT``: what ingest would see, without writing any product or blob."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.frames.blobs import identical_files
from mfgdata.frames.readers import SOURCE_FILE, open_table
from mfgdata.settings import Settings, get_settings


def _summary(lf: pl.LazyFrame, names: list[str]) -> dict[str, Any]:
    schema = lf.collect_schema()
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    for n in names:
        exprs.append(pl.col(n).null_count().alias(f"{n}\x00nulls"))
        dt = schema[n]
        if dt.is_numeric() or dt.is_temporal():
            exprs += [pl.col(n).min().alias(f"{n}\x00min"), pl.col(n).max().alias(f"{n}\x00max")]
    row = lf.select(exprs).collect(engine="streaming").row(0, named=True)
    cols: dict[str, dict[str, Any]] = {}
    for n in names:
        cols[n] = {"nulls": row[f"{n}\x00nulls"]}
        if f"{n}\x00min" in row:
            cols[n]["min"] = _plain(row[f"{n}\x00min"])
            cols[n]["max"] = _plain(row[f"{n}\x00max"])
    return {"rows": row["__rows"], "columns": cols}


def _plain(v: Any) -> Any:
    return v if isinstance(v, int | float | str) or v is None else str(v)


def inspect_inputs(
    paths: list[Path],
    *,
    sheet: str | None = None,
    timezone: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Detected encoding, delimiter, header row, schema (units, kinds) and a short profile.

    Reads the whole table once (streaming) but writes nothing except scratch files that are
    removed before returning (CP949 text is transcoded to a temporary UTF-8 copy).
    """
    settings = settings or get_settings()
    given = [Path(p) for p in paths]
    repeats = identical_files(given)  # byte-identical copies are read once, as in ingest
    with tempfile.TemporaryDirectory(prefix="mfgdata-inspect-") as tmp:
        table = open_table(
            [p for i, p in enumerate(given) if i not in repeats],
            work_dir=Path(tmp),
            sheet=sheet,
            timezone=timezone or settings.timezone,
            infer_rows=settings.infer_rows,
        )
        scratch = Path(tmp) / "inspect.parquet"
        stats = table.write_parquet(scratch)  # the same parse as ingest, junk counted
        lf = pl.scan_parquet(scratch)
        schema = lf.collect_schema()
        units = {name: (raw, unit) for name, raw, unit in table.sources[0].columns}
        names = [p.name for p in table.plans]
        summary = _summary(lf, names + ([SOURCE_FILE] if table.multi else []))
        time = next((p.name for p in table.plans if p.kind == "datetime"), None)
    inputs = [
        {
            "name": s.path.name,
            "format": s.format,
            "encoding": s.encoding,
            "delimiter": s.delimiter,
            "decimal": s.decimal,
            "header_row": s.header_row,
            "sheet": s.sheet,
            **{k: s.meta[k] for k in ("sheets", "sheet_reason_en") if k in s.meta},
        }
        for s in table.sources
    ]
    for i, (first, _sha) in sorted(repeats.items()):
        inputs.insert(i, {"name": given[i].name, "duplicate_of": given[first].name})
    columns = [
        {
            "name": p.name,
            "raw_name": units[p.name][0],
            "unit": units[p.name][1],
            "dtype": str(schema[p.name]),
            "kind": p.kind,
            **summary["columns"][p.name],
        }
        for p in table.plans
    ]
    junk = {
        name: {"count": j.count, "rows": j.rows, "examples": j.examples, "tokens": j.tokens}
        for name, j in stats.junk.items()
        if j.count
    }
    return {
        "inputs": inputs,
        "columns": columns,
        "rows": summary["rows"],
        "time_column": time,
        "junk": junk,
    }
