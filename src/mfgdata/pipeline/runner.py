"""The runner: runs the steps in order into a staging folder and moves it into place at the end.

A build that fails leaves nothing behind: the staging folder and scratch space are removed and an
existing folder at ``--out`` is never touched.

The table is materialised once: when a step hands back a new plan (standardize's unit
conversions), the runner writes it to a scratch Parquet file (the product's own Parquet settings)
before the next step that reads rows, and every later step scans that file; no step re-executes
another's plan. A step may write that file itself, in the query that runs its plan (preprocess,
with ``ctx.new_table()``), and hand back its scan. The package step reuses the file for
``data/table.parquet`` (the same bytes).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import shutil
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import polars as pl

from mfgdata import __version__
from mfgdata.errors import MfgDataError, OutputExistsError, StepFailed
from mfgdata.packaging.datafiles import write_parquet
from mfgdata.pipeline.context import (
    BuildOptions,
    ProductWriter,
    ProgressFn,
    RunContext,
)
from mfgdata.pipeline.manifest import write_manifest
from mfgdata.pipeline.results import StepData
from mfgdata.pipeline.staging import Staging, move_into_place, sweep, trap_sigterm
from mfgdata.pipeline.step import Step, StepResult, reads_rows
from mfgdata.settings import Settings, get_settings

T = TypeVar("T", bound=StepData)


@dataclass
class BuildResult:
    run_id: str
    out: Path
    results: dict[str, StepResult] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def maybe(self, kind: type[T]) -> T | None:
        """The result of type ``kind`` (the last step that made one), or None."""
        for r in reversed(self.results.values()):
            if isinstance(r.data, kind):
                return r.data
        return None


def _release() -> None:
    """Hand the memory a finished step freed back to the system, so that the next step's peak
    starts from the live data, not from the last step's high-water mark (issue 12: after the
    model step 140 MiB of freed NumPy and Python memory stayed mapped): a collection of reference
    cycles, then glibc's ``malloc_trim``. Polars' own allocator returns freed pages by its decay
    setting (``mfgdata/__init__.py``). The objects alive when the build started (modules,
    dictionaries) are frozen by :func:`build` and not scanned: a full collection over them took
    ~0.08 CPU-s after each step (issue 12)."""
    gc.collect()
    if sys.platform.startswith("linux"):
        name = ctypes.util.find_library("c")
        if name:
            with contextlib.suppress(OSError, AttributeError):  # musl: no malloc_trim
                ctypes.CDLL(name).malloc_trim(0)


def _materialise(frame: pl.LazyFrame, ctx: RunContext) -> pl.LazyFrame:
    """Write ``frame`` once to the scratch space; the frame later steps get scans that file."""
    path = ctx.new_table()
    if ctx.engine == "spark":  # a Parquet folder Spark writes and reads back (issue 19)
        from mfgdata.engine import scratch, spark_io

        spark = frame.df.sparkSession  # type: ignore[attr-defined]
        uri = scratch.for_build(ctx, spark).uri(path.name)
        return spark_io.materialise(frame, uri)  # type: ignore[arg-type, return-value]
    write_parquet(frame, path)
    ctx.table = path
    return pl.scan_parquet(path)


def _check_out(out: Path) -> None:
    if out.exists():
        raise OutputExistsError(
            "출력 폴더가 이미 있습니다. 기존 제품은 덮어쓰지 않습니다",
            "the output folder already exists; an existing product is never overwritten",
            file=out,
        )


def build(
    options: BuildOptions,
    *,
    steps: Sequence[Step],
    settings: Settings | None = None,
    progress: ProgressFn | None = None,
) -> BuildResult:
    """Run ``steps`` and leave a finished product at ``options.out`` (the product flow with its
    default steps is :func:`mfgdata.flow.build`)."""
    settings = settings or get_settings()
    steps = list(steps)
    out = options.out.absolute()
    _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep(out.parent)  # staging left by builds that were killed (kill -9, power loss)
    run_id = uuid.uuid4().hex[:12]
    stage = Staging(out, run_id).open()  # locked until the build ends (staging.py)
    staging, work = stage.dir, stage.work
    restore_signals = trap_sigterm()  # SIGTERM unwinds through the cleanup below
    gc.freeze()  # what lives now outlives the build: the collections in _release skip it
    ctx = RunContext(
        run_id=run_id,
        options=options,
        settings=settings,
        product=ProductWriter(staging),
        work_dir=work,
        progress=progress or (lambda s, f, m: None),
    )
    result = BuildResult(run_id=run_id, out=out, seconds=ctx.seconds)  # one dict, both views
    started = datetime.now(UTC)
    frame: pl.LazyFrame | None = None
    planned = False  # ``frame`` is a plan no file holds yet
    try:
        for step in steps:
            ctx.progress(step.name, 0.0, step.title_en)
            t0 = time.perf_counter()
            try:
                if planned and frame is not None and reads_rows(step):
                    frame, planned = _materialise(frame, ctx), False
                    result.seconds[f"table:{step.name}"] = round(time.perf_counter() - t0, 3)
                    t0 = time.perf_counter()
                step_result = step.run(frame, ctx)
            except MfgDataError:
                raise
            except Exception as e:  # a foreign exception becomes StepFailed
                raise StepFailed(step.name, run_id, e) from e
            result.seconds[step.name] = round(time.perf_counter() - t0, 3)
            ctx.results[step.name] = step_result
            result.results[step.name] = step_result
            _release()
            if step_result.frame is not None and step_result.frame is not frame:
                frame = step_result.frame
                planned = step_result.table is None and not step_result.view
                # a step's own table with the product's settings (ctx.new_table) is the table
                ctx.table = step_result.table if step_result.table in ctx.tables else None
            ctx.progress(step.name, 1.0, step.title_en)
        write_manifest(
            staging,
            {
                "product_id": ctx.product_id,
                "version": "1",
                "created": started.isoformat(timespec="seconds"),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "run_id": run_id,
                "mfgdata_version": __version__,
                "step_seconds": result.seconds,
            },
        )
        _check_out(out)
        move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        for close in reversed(ctx.closers):
            with contextlib.suppress(Exception):  # best effort, as the work folder's removal
                close()
        gc.unfreeze()
        restore_signals()
        stage.close()
    return result
