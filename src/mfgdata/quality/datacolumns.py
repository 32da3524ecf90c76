"""Which columns hold the data: duplicates are found on these only, never on what the build added.

The build adds ``source_file`` (ingest, when several files are read) and ``<column>__outlier``
flags (the recipe's ``outliers`` with ``action: flag``); scratch columns (``__mfg_*``) live only
while a recipe is applied. Two rows that differ only in such columns are the same record: the
same reading exported in two monthly files is one reading.
"""

from __future__ import annotations

from collections.abc import Iterable

#: ingest's column naming the file a row came from (``mfgdata.frames.readers.SOURCE_FILE``)
SOURCE_FILE = "source_file"
#: suffix of the boolean outlier flag columns the recipe derives from a sensor column
FLAG_SUFFIX = "__outlier"
#: prefix of the recipe's scratch columns (``mfgdata.recipe.state.SCRATCH``)
SCRATCH = "__mfg_"


def is_build_column(name: str) -> bool:
    """True for a column the build added (not data from the raw files)."""
    return name == SOURCE_FILE or name.endswith(FLAG_SUFFIX) or name.startswith(SCRATCH)


def data_columns(names: Iterable[str]) -> list[str]:
    """``names`` without the build's columns, in order; all of ``names`` if nothing else is left."""
    names = list(names)
    data = [n for n in names if not is_build_column(n)]
    return data or names


def excluded_columns(names: Iterable[str]) -> list[str]:
    """The build's columns among ``names`` (what a duplicate check leaves out)."""
    names = list(names)
    data = set(data_columns(names))
    return [n for n in names if n not in data]
