"""A small plant table (defects only when temp > 70 °C) and a RunContext to build a product."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import IngestResult
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


def model_context(
    tmp: Path, target: str | None = "result", id_column: str | None = None
) -> RunContext:
    """A run context whose ingest result says temp is in °C and pressure in bar."""
    root = tmp / "staging"
    root.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(
        run_id="test",
        options=BuildOptions(inputs=(), out=tmp / "product", target=target, id_column=id_column),
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
        step="ingest", data=IngestResult(columns=columns, time_column="time", rows=1200)
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


def regime_change_frame(n: int = 1200, seed: int = 0) -> pl.DataFrame:
    """``defect_frame`` plus a line speed: in the first 75 % of the time slow running (< 15 m/min)
    also makes defects; then the line moves to a new regime (31-40 m/min) where speed does
    nothing. A speed window found on the early rows has no held-out row inside it."""
    rng = np.random.default_rng(seed)
    df = defect_frame(n, seed)
    early = np.arange(n) < int(n * 0.75)
    speed = np.where(early, rng.uniform(10, 30, n), rng.uniform(31, 40, n))
    ng = (df["temp"] > 70).to_numpy() | (early & (speed < 15))
    return df.with_columns(pl.Series("speed", speed), pl.Series("result", np.where(ng, "NG", "OK")))


def mpa_pressure_frame(n: int = 1200, seed: int = 0) -> pl.DataFrame:
    """Defects above 70 °C and above 0.25 MPa (the table after standardize: pressure in MPa)."""
    rng = np.random.default_rng(seed)
    df = defect_frame(n, seed)
    mpa = rng.uniform(0.1, 0.3, n)
    ng = (df["temp"] > 70).to_numpy() | (mpa > 0.25)
    return df.with_columns(
        pl.Series("pressure", mpa), pl.Series("result", np.where(ng, "NG", "OK"))
    )


def run_to_failure_frame(units: int = 60, seed: int = 0, settings: bool = True) -> pl.DataFrame:
    """Engines run to failure (unit_nr, time_cycles, RUL) as in C-MAPSS: a wear sensor rises as
    the end nears (a symptom), and, with ``settings``, each engine runs at a load setting
    (op_setting_1) that shortens its life (a cause)."""
    rng = np.random.default_rng(seed)
    parts = []
    for u in range(1, units + 1):
        load = rng.uniform(0.0, 1.0)
        life = int(rng.integers(120, 200) + (1 - load) * 150)
        t = np.arange(1, life + 1)
        wear = (t / life) ** 2
        cols = {
            "unit_nr": np.full(life, u),
            "time_cycles": t,
            "s_wear": 640 + 8 * wear + rng.normal(0, 0.4, life),
            "s_noise": rng.normal(20, 1, life),
            "RUL": life - t,
        }
        if settings:
            cols["op_setting_1"] = np.round(load + rng.normal(0, 0.02, life), 3)
        parts.append(pl.DataFrame(cols))
    return pl.concat(parts)
