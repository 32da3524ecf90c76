"""The Step protocol and the result every step returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import polars as pl

from mfgdata.pipeline.results import StepData
from mfgdata.quality.findings import Finding

if TYPE_CHECKING:
    from mfgdata.pipeline.context import RunContext
    from mfgdata.report.section import ReportSection


T = TypeVar("T", bound=StepData)


@dataclass(frozen=True)
class StepResult:
    """What a step hands back to the runner.

    - ``frame``: the table after this step (``None``: unchanged, the runner keeps the previous one);
    - ``data``: the step's structured result; when later steps read it, a typed result from
      :mod:`mfgdata.pipeline.results` that they get with ``ctx.result(IngestResult)``;
    - ``findings``: quality problems observed (data, not exceptions);
    - ``counts``: figures for the lineage log (rows in/out, cells changed, ...);
    - ``files``: product-relative paths the step wrote through ``ctx.product``;
    - ``report``: a section for report.html, if the step has something to show a person;
    - ``table``: the file ``frame`` is a plain scan of (ingest's typed Parquet, preprocess's
      cleaned table), if it is one: the runner then has nothing to materialise;
    - ``view``: ``frame`` is a cheap per-row view of stored files (ingest's typed Parquet read in
      place: each column as stored, NaN → null, naive times in the zone), which later steps scan
      as it is: writing it would cost more than every read of it (the runner writes nothing).
    """

    step: str
    frame: pl.LazyFrame | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    counts: Mapping[str, int | float] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    report: ReportSection | None = None
    table: Path | None = None
    view: bool = False

    def of(self, kind: type[T]) -> T:
        """``data`` as the result type ``kind`` (TypeError when the step made something else)."""
        if not isinstance(self.data, kind):
            raise TypeError(
                f"step {self.step!r} made {type(self.data).__name__}, not {kind.__name__}"
            )
        return self.data


class Step(Protocol):
    """A small pure module: reads the frame and ``ctx``, never mutates its input.

    A step whose class sets ``reads_rows = False`` looks at the frame's schema only (standardize
    adds its unit conversions to the plan): the runner hands it the plan as it is and materialises
    the cleaned table once, before the next step that reads rows (see :func:`reads_rows`).
    """

    name: str
    title_ko: str
    title_en: str

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult: ...


def reads_rows(step: Step) -> bool:
    """Whether ``step`` reads the table's rows (default) or only its schema."""
    return bool(getattr(step, "reads_rows", True))
