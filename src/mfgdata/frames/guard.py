"""The checks of ingest that need no full read, for a file before any work is spent on it.

``check_input`` is what the upload checks call (``uploads/``) so that an upload over a limit is
refused at once with the same ko/en error a build would give later; a build runs the same
functions again inside ingest (``frames/sources.py``), so the CLI, the jobs and the API agree.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mfgdata.errors import InputError
from mfgdata.frames.detect import sniff_csv
from mfgdata.frames.limits import Limits, check_header, check_nesting
from mfgdata.frames.sources import check_path
from mfgdata.frames.workbook import check_workbook

SNIFF_ROWS = 200


def check_input(
    path: Path, limits: Limits | None = None, fmt: str | None = None, encoding: str | None = None
) -> None:
    """Refuse ``path`` (an InputError) if it breaks a limit or cannot be a table.
    ``fmt`` (csv, xlsx, parquet, jsonl) when the name does not say it (an upload's blob)."""
    limits = limits or Limits.from_settings()
    fmt = fmt or check_path(path)
    if fmt == "csv":
        d = sniff_csv(path, SNIFF_ROWS, encoding, limits.max_cell_bytes)
        check_header(path, d.header, limits, line=d.header_line + 1)
    elif fmt == "xlsx":
        check_workbook(path, limits)
    elif fmt == "jsonl":
        check_nesting(path, limits)
    elif fmt == "parquet":
        try:
            names = list(pl.read_parquet_schema(path))
        except Exception as e:
            raise InputError(
                "parquet 파일을 읽을 수 없습니다",
                f"cannot read the parquet file: {str(e).splitlines()[0][:200]}",
                file=path,
            ) from e
        check_header(path, names, limits)
