"""Materialise once (issue #12): the runner writes the cleaned table once, every later step scans
that file, no step reads the raw input again, and the product's Parquet is that file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from mfgdata.flow import build, default_steps
from mfgdata.pipeline import BuildOptions, RunContext, StepResult
from mfgdata.pipeline.step import Step, reads_rows
from mfgdata.settings import Settings


def _csv(path: Path) -> Path:
    """Two presses, 10 s samples, Korean headers with units, blanks and a defect label."""
    rng = np.random.default_rng(3)
    lines = ["시간,설비,온도[℃],압력[bar],불량"]
    t0 = datetime(2024, 6, 1, 0, 0, 0)
    for i in range(300):
        t = t0 + timedelta(seconds=10 * (i // 2))
        temp = "" if i % 41 == 3 else f"{rng.normal(200, 2):.2f}"
        pres = f"{rng.normal(50, 4):.2f}"
        lines.append(f"{t:%Y-%m-%d %H:%M:%S},P{i % 2},{temp},{pres},{i % 7 == 0:d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Seen:
    """What one step was handed: its frame's plan and the runner's materialised table."""

    plan: str | None
    table: Path | None
    tables: list[Path] = field(default_factory=list)
    scan: str | None = None  # the plan of a bare scan of ``table``


class Spy:
    """Runs ``inner`` and records what it was handed; after ingest, hides the raw input."""

    def __init__(self, inner: Step, log: dict[str, Seen], raw: Path) -> None:
        self.inner, self.log, self.raw = inner, log, raw
        self.name, self.title_ko, self.title_en = inner.name, inner.title_ko, inner.title_en
        self.reads_rows = reads_rows(inner)

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        plan = frame.explain(optimized=False) if frame is not None else None
        scan = pl.scan_parquet(ctx.table).explain(optimized=False) if ctx.table else None
        self.log[self.name] = Seen(plan, ctx.table, list(ctx.tables), scan)
        result = self.inner.run(frame, ctx)
        if self.name == "ingest":  # any later read of the raw file fails
            self.raw.rename(self.raw.with_name("hidden.csv"))
        return result


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Seen], Path]:
    tmp = tmp_path_factory.mktemp("once")
    raw = _csv(tmp / "press.csv")
    log: dict[str, Seen] = {}
    steps = [Spy(s, log, raw) for s in default_steps()]
    options = BuildOptions(
        inputs=(raw,), out=tmp / "P", time_column="시간", id_column="설비", target="불량"
    )
    build(options, steps=steps, settings=Settings(home=tmp / "home"))
    assert not raw.exists()
    return log, tmp / "P"


def test_no_step_reads_the_raw_input_after_ingest(run: tuple[dict[str, Seen], Path]) -> None:
    log, out = run
    assert list(log) == [s.name for s in default_steps()]  # all ran, the raw file hidden
    assert (out / "data/table.parquet").is_file()
    for name, seen in log.items():
        assert seen.plan is None or "press.csv" not in seen.plan, name


def test_the_cleaned_table_is_written_once_and_every_later_step_scans_it(
    run: tuple[dict[str, Seen], Path],
) -> None:
    log, _ = run
    model = log["model"]
    assert model.table is not None and model.tables == [model.table]
    for name in ("model", "insight", "quality", "price", "aas", "package", "register"):
        seen = log[name]
        assert seen.tables == [model.table], name  # one table, never a second one
        assert seen.table == model.table, name
        assert seen.plan is not None and seen.plan == seen.scan, name


def test_the_plan_before_the_table_is_not_a_plain_scan(run: tuple[dict[str, Seen], Path]) -> None:
    """The check above can fail: standardize is handed preprocess's plan, not the table file.

    Preprocess writes its cleaned rows (with the flag columns) once to the scratch space, in the
    query that counts its changes; standardize gets that file without the flags, a projection."""
    log, _ = run
    std = log["standardize"]
    assert std.table is None and std.tables == []
    assert std.plan is not None and "preprocessed.parquet" in std.plan
    assert "SELECT" in std.plan and "__outlier" not in std.plan.split("SCAN")[0]


def test_the_product_parquet_is_the_materialised_table(
    tmp_path: Path, run: tuple[dict[str, Seen], Path]
) -> None:
    _, out = run
    table = pl.read_parquet(out / "data/table.parquet")
    assert table.columns[:2] == ["시간", "설비"] and table.height == 300
    assert table["시간"].is_sorted()
