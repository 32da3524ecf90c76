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


def twin_export_frame(n: int = 600, seed: int = 0) -> pl.DataFrame:
    """A defect table exported twice (every row has an exact twin): 6 sensors, a noisy label."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6)).round(3)
    p = 1 / (1 + np.exp(-(1.0 * X[:, 0] + 0.8 * X[:, 1] * X[:, 2])))
    label = np.where(rng.random(n) < p, "불량", "양품")
    once = pl.DataFrame({**{f"센서{i}": X[:, i] for i in range(6)}, "판정": label})
    return pl.concat([once, once])


def fixed_line_frame(n: int = 1200, seed: int = 0, defects: int | None = None) -> pl.DataFrame:
    """``defect_frame`` where the line was fixed at 60 % of the time: no defect afterwards.
    ``defects``: keep only this many defect rows (the rest are relabelled OK)."""
    df = defect_frame(n, seed)
    fixed = np.arange(n) >= int(n * 0.6)
    ng = (df["result"] == "NG").to_numpy() & ~fixed
    if defects is not None:
        ng &= np.cumsum(ng) <= defects
    return df.with_columns(pl.Series("result", np.where(ng, "NG", "OK")))


def noise_label_frame(n: int = 1200, seed: int = 0) -> pl.DataFrame:
    """``defect_frame`` whose label has nothing to do with the sensors (no model can beat the
    majority class)."""
    rng = np.random.default_rng(seed + 99)
    return defect_frame(n, seed).with_columns(
        pl.Series("result", np.where(rng.random(n) < 0.3, "NG", "OK"))
    )


def correlated_tags_frame(n: int = 1500, seed: int = 0, drift: float = 0.0) -> pl.DataFrame:
    """12 process tags driven by 3 latent factors (as real plant tags are), a 1-minute clock.
    ``drift``: the last quarter of the rows moves by this many standard deviations on every tag
    (the process left its normal window)."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    load = rng.normal(size=(3, 12))
    X = latent @ load + rng.normal(0, 0.15, size=(n, 12))
    X[int(n * 0.75) :] += drift * X.std(axis=0)
    start = pl.datetime(2024, 1, 1)
    return pl.DataFrame({f"태그{i:02d}": X[:, i] for i in range(12)}).with_columns(
        pl.datetime_range(start, start + pl.duration(minutes=n - 1), "1m", eager=True).alias("time")
    )
