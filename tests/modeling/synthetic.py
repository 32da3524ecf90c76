"""A small plant table (defects only when temp > 70 °C) and a RunContext to build a product."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.step import StepResult
from mfgdata.settings import Settings


def defect_frame(n: int = 1200, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    temp = rng.uniform(40, 100, n)
    pressure = rng.uniform(1.0, 3.0, n)
    line = rng.choice(["A", "B"], n)
    start = pl.datetime(2024, 1, 1)
    return pl.DataFrame(
        {
            "time": pl.datetime_range(start, start + pl.duration(minutes=n - 1), "1m", eager=True),
            "temp": temp,
            "pressure": pressure,
            "line": line,
            "result": np.where(temp > 70, "NG", "OK"),
        }
    )


def model_context(tmp: Path, target: str | None = "result") -> RunContext:
    """A run context whose ingest result says temp is in °C and pressure in bar."""
    root = tmp / "staging"
    root.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(
        run_id="test",
        options=BuildOptions(inputs=(), out=tmp / "product", target=target),
        settings=Settings(),
        product=ProductWriter(root),
        work_dir=tmp,
    )
    columns = [
        {"name": "time", "raw_name": "시간", "unit": None, "dtype": "Datetime", "kind": "datetime"},
        {
            "name": "temp",
            "raw_name": "온도(°C)",
            "unit": "°C",
            "dtype": "Float64",
            "kind": "numeric",
        },
        {
            "name": "pressure",
            "raw_name": "압력(bar)",
            "unit": "bar",
            "dtype": "Float64",
            "kind": "numeric",
        },
        {
            "name": "line",
            "raw_name": "라인",
            "unit": None,
            "dtype": "String",
            "kind": "categorical",
        },
        {
            "name": "result",
            "raw_name": "판정",
            "unit": None,
            "dtype": "String",
            "kind": "categorical",
        },
    ]
    ctx.results["ingest"] = StepResult(
        step="ingest", data={"columns": columns, "time_column": "time", "rows": 1200}
    )
    return ctx
