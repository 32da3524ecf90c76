"""``data/flags.parquet``: the recipe's quality flags beside the product table, keyed by row.

A recipe's ``outliers`` with ``action: flag`` marks values; the marks are facts about the data,
not data a buyer (or a model) needs as columns. They go to their own file so that the product
table keeps its width: one row per flagged table's row, ``row`` (0-based position in
``data/table.parquet`` and ``data/table.csv``) plus one boolean column per flag
(``<column>__outlier``). The file is declared in ``datapackage.json`` and listed in the manifest;
its bytes depend only on the table, like the table's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from mfgdata.packaging.datafiles import write_parquet
from mfgdata.packaging.datapackage import TABLE_SCHEMA, field_type
from mfgdata.quality.datacolumns import FLAG_SUFFIX

FLAGS = "data/flags.parquet"
#: the key column: 0-based row number in data/table.parquet
ROW = "row"


def flag_columns(names: Sequence[str]) -> list[str]:
    """The recipe's flag columns among ``names`` (``<column>__outlier``), in order."""
    return [n for n in names if n.endswith(FLAG_SUFFIX)]


def split_flags(frame: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame | None]:
    """(the table without flag columns, the flags keyed by row or None when there are none).

    Both are the same lazy plan, so row ``i`` of the flags is row ``i`` of the table as long as
    no later step reorders or drops rows."""
    flags = flag_columns(frame.collect_schema().names())
    if not flags:
        return frame, None
    keyed = frame.select(flags).with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    return frame.drop(flags), keyed


def write_flags(flags: pl.LazyFrame, path: Any) -> None:
    """The flags file, with the table's fixed compression and row groups (reproducible)."""
    write_parquet(flags, path)


def flags_schema(schema: pl.Schema, descriptions: Mapping[str, str]) -> dict[str, Any]:
    """Table Schema v2 of the flags file: ``row`` (the key into the table) and the flags."""
    fields: list[dict[str, Any]] = []
    for name, dtype in schema.items():
        f: dict[str, Any] = {"name": name, "type": field_type(dtype)}
        if name == ROW:
            f["description"] = (
                "data/table.parquet의 행 번호 (0부터) / row number in data/table.parquet (0-based)"
            )
            f["constraints"] = {"required": True, "unique": True}
        else:
            base = name.removesuffix(FLAG_SUFFIX)
            f["description"] = descriptions.get(name) or (
                f"{base} 이상치 표시 / outlier flag of {base}"
            )
            f["flagOf"] = base
        fields.append(f)
    return {"$schema": TABLE_SCHEMA, "fields": fields, "missingValues": [""], "primaryKey": [ROW]}
