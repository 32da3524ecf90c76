"""One hostile case: how to make its input files and what a build must answer.

A case is either a *product* (exit 0, and ``check`` asserts the values are right) or a
*refusal* (exit 2 and one ko/en line holding every string of ``says``, such as the file name,
``line 3`` or ``column 'x'``). Nothing else is acceptable: no traceback, no silent wrong value.
Inputs are generated into a folder at test time (big ones are never committed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

Make = Callable[[Path], list[Path]]
Check = Callable[[Path], None]
Outcome = Literal["product", "refusal"]


@dataclass(frozen=True)
class Case:
    name: str
    make: Make
    outcome: Outcome
    says: tuple[str, ...] = ()  # refusal: strings the one error line must hold
    check: Check | None = None  # product: asserts on the product folder
    args: tuple[str, ...] = ()  # extra `mfgdata build` options
    api: bool = True  # also meaningful as an upload (a directory or a symlink is not)
    web: Outcome | None = None  # the upload API's outcome when it differs (it reads by content)
    tags: tuple[str, ...] = field(default_factory=tuple)


def table(product: Path) -> pl.DataFrame:
    return pl.read_parquet(product / "data" / "table.parquet")


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def csv_text(header: list[str], rows: list[list[object]], sep: str = ",", nl: str = "\n") -> str:
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in r) for r in rows]
    return nl.join(lines) + nl


def numbers(n: int = 30) -> list[list[object]]:
    """A small plain table body: id, temperature, pressure."""
    return [[i, f"{20 + (i * 7) % 13 / 10:.1f}", f"{1 + (i * 3) % 5 / 10:.2f}"] for i in range(n)]


HEAD = ["id", "temp", "pressure"]


def column(product: Path, name: str) -> list[object]:
    return table(product)[name].to_list()
