"""CSV injection: a text cell a spreadsheet would run as a formula gets a leading ``'``.

The OWASP rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is shown to a spreadsheet as text by prefixing one apostrophe, unless the whole cell is a plain
number (``-5``, ``+1.5e3`` stay as they are). Only ``data/table.csv`` and CSV downloads are
escaped; the Parquet table keeps every value as it came. ``mfgdata build --raw-csv`` (or
``MFGDATA_CSV_ESCAPE_FORMULAS=false``) writes the cells unchanged.
"""

from __future__ import annotations

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def escape_expr(col: pl.Expr) -> pl.Expr:
    text = col.cast(pl.String)
    risky = text.str.contains(FORMULA_START) & ~text.str.contains(PLAIN_NUMBER)
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text)


def escape_formulas(frame: pl.LazyFrame) -> pl.LazyFrame:
    """``frame`` with every text column's formula-like cells escaped."""
    exprs = [
        escape_expr(pl.col(name)).alias(name)
        for name, dtype in frame.collect_schema().items()
        if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)
    ]
    return frame.with_columns(exprs) if exprs else frame
