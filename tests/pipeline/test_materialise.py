"""Materialise once (issue #12): the cleaned table is written once, by preprocess in the query that
runs its plan, every later step scans that file, no step reads the raw input again, and the
product's Parquet is that file. Unit conversions of standardize make a new plan, which the runner
writes once more (the only second table)."""

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


def _csv(path: Path, header: str = "시간,설비,온도[℃],압력[bar],불량") -> Path:
    """Two presses, 10 s samples, Korean headers (with units), blanks and a defect label."""
    rng = np.random.default_rng(3)
    lines = [header]
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
    columns: list[str] = field(default_factory=list)  # the columns of ``table``


class Spy:
    """Runs ``inner`` and records what it was handed; after ingest, hides the raw input."""

    def __init__(self, inner: Step, log: dict[str, Seen], raw: Path) -> None:
        self.inner, self.log, self.raw = inner, log, raw
        self.name, self.title_ko, self.title_en = inner.name, inner.title_ko, inner.title_en
        self.reads_rows = reads_rows(inner)

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        plan = frame.explain(optimized=False) if frame is not None else None
        scan = pl.scan_parquet(ctx.table).explain(optimized=False) if ctx.table else None
        columns = pl.read_parquet_schema(ctx.table).names() if ctx.table else []
        self.log[self.name] = Seen(plan, ctx.table, list(ctx.tables), scan, columns)
        result = self.inner.run(frame, ctx)
        if self.name == "ingest":  # any later read of the raw file fails
            self.raw.rename(self.raw.with_name("hidden.csv"))
        return result


def _run(tmp: Path, header: str) -> tuple[dict[str, Seen], Path]:
    raw = _csv(tmp / "press.csv", header)
    log: dict[str, Seen] = {}
    steps = [Spy(s, log, raw) for s in default_steps()]
    options = BuildOptions(
        inputs=(raw,), out=tmp / "P", time_column="시간", id_column="설비", target="불량"
    )
    build(options, steps=steps, settings=Settings(home=tmp / "home"))
    assert not raw.exists()
    return log, tmp / "P"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Seen], Path]:
    """Units in the headers: standardize converts (℃ and bar to the properties' units)."""
    return _run(tmp_path_factory.mktemp("once"), "시간,설비,온도[℃],압력[bar],불량")


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Seen], Path]:
    """No units: standardize converts nothing."""
    return _run(tmp_path_factory.mktemp("plain"), "시간,설비,온도,압력,불량")


def test_no_step_reads_the_raw_input_after_ingest(run: tuple[dict[str, Seen], Path]) -> None:
    log, out = run
    assert list(log) == [s.name for s in default_steps()]  # all ran, the raw file hidden
    assert (out / "data/table.parquet").is_file()
    for name, seen in log.items():
        assert seen.plan is None or "press.csv" not in seen.plan, name


LATER = ("standardize", "model", "insight", "quality", "price", "aas", "package", "register")


def test_the_cleaned_table_is_written_once_and_every_later_step_scans_it(
    plain: tuple[dict[str, Seen], Path],
) -> None:
    """Nothing to convert: preprocess's own file is the one table of the build."""
    log, out = plain
    assert log["standardize"].plan is not None
    table = log["model"].table
    assert table is not None
    for name in LATER:
        seen = log[name]
        assert seen.tables == [table], name  # one table, never a second one
        assert seen.table == table, name
        assert seen.plan is not None and seen.plan == seen.scan, name
    assert pl.read_parquet(out / "data/table.parquet").height == 300


def test_unit_conversions_are_written_once_more_and_later_steps_scan_that(
    run: tuple[dict[str, Seen], Path],
) -> None:
    """Standardize's conversions are a plan on preprocess's table: the runner writes it once
    before the model step, and every step after scans that second file."""
    log, _ = run
    std, model = log["standardize"], log["model"]
    assert len(std.tables) == 1 and std.table == std.tables[0]
    assert std.plan == std.scan  # preprocess's own table, as written
    assert model.table is not None and model.tables == [std.table, model.table]
    for name in LATER[1:]:
        seen = log[name]
        assert seen.tables == model.tables, name  # no third table
        assert seen.table == model.table, name
        assert seen.plan is not None and seen.plan == seen.scan, name


def test_the_flags_leave_the_table_preprocess_writes(run: tuple[dict[str, Seen], Path]) -> None:
    """The check above can fail: preprocess writes its table without the flag columns, and the
    flags beside it, keyed by row."""
    log, out = run
    std = log["standardize"]
    assert std.columns == ["시간", "설비", "온도", "압력", "불량"]
    flags = pl.read_parquet(out / "data/flags.parquet")
    assert flags.columns[0] == "row" and flags.height == 300


def test_the_product_parquet_is_the_materialised_table(
    tmp_path: Path, run: tuple[dict[str, Seen], Path]
) -> None:
    _, out = run
    table = pl.read_parquet(out / "data/table.parquet")
    assert table.columns[:2] == ["시간", "설비"] and table.height == 300
    assert table["시간"].is_sorted()


def test_a_typed_parquet_input_is_read_in_place_until_preprocess_writes(tmp_path: Path) -> None:
    """Ingest reads typed Parquet in place (the stored copy): profile and preprocess scan that
    view, nothing is written before preprocess's own table, and the raw file is not read."""
    raw = tmp_path / "press.parquet"
    pl.read_csv(_csv(tmp_path / "press.csv", "time,machine,temp,pressure,defect")).with_columns(
        pl.col("time").str.to_datetime()
    ).write_parquet(raw)
    log: dict[str, Seen] = {}
    steps = [Spy(s, log, raw) for s in default_steps() if s.name in ("ingest", "profile")]
    steps += [Spy(s, log, raw) for s in default_steps() if s.name in ("preprocess", "quality")]
    options = BuildOptions(inputs=(raw,), out=tmp_path / "P", time_column="time", target="defect")
    build(options, steps=steps, settings=Settings(home=tmp_path / "home"))
    for name in ("profile", "preprocess"):
        seen = log[name]
        assert seen.tables == [] and seen.table is None, name
        assert seen.plan is not None and "blobs" in seen.plan and "press.parquet" not in seen.plan
    assert len(log["quality"].tables) == 1 and log["quality"].plan == log["quality"].scan
