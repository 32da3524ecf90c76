"""Real datasets as lazy frames, and fitted models shared by the modeling tests (fit once)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import realdata
from mfgdata.modeling.fit import Fitted, fit_model

CONCRETE_TARGET = "Concrete compressive strength(MPa, megapascals) "


@pytest.fixture(scope="session")
def tep(tmp_path_factory: pytest.TempPathFactory) -> pl.LazyFrame:
    path = realdata.tep_csv(tmp_path_factory.mktemp("tep"))
    return pl.read_csv(path, try_parse_dates=True).lazy()


@pytest.fixture(scope="session")
def cmapss() -> pl.LazyFrame:
    return pl.read_csv(realdata.cmapss_csv(), separator=";").lazy()


@pytest.fixture(scope="session")
def concrete() -> pl.LazyFrame:
    return pl.read_excel(realdata.concrete_xlsx()).lazy()


@pytest.fixture(scope="session")
def refinery() -> pl.LazyFrame:
    raw = pl.read_csv(realdata.refinery_csv(), infer_schema_length=0)
    tags = raw.columns[1:]
    return raw.select(
        pl.col(raw.columns[0]).str.to_datetime().alias("time"),
        *[pl.col(c).cast(pl.Float64, strict=False) for c in tags],
    ).lazy()


@pytest.fixture(scope="session")
def tep_fit(tep: pl.LazyFrame) -> Fitted:
    return fit_model(tep, "fault", max_rows=2000)


@pytest.fixture(scope="session")
def concrete_fit(concrete: pl.LazyFrame) -> Fitted:
    return fit_model(concrete, CONCRETE_TARGET)


@pytest.fixture(scope="session")
def cmapss_fit(cmapss: pl.LazyFrame) -> Fitted:
    return fit_model(cmapss, "RUL")


@pytest.fixture(scope="session")
def refinery_fit(refinery: pl.LazyFrame) -> Fitted:
    return fit_model(refinery, None)


def write_product(folder: Path, fitted: Fitted) -> Path:
    """A minimal product folder with the model files, as the model step writes them."""
    from mfgdata.pipeline.context import dump_json

    (folder / "model").mkdir(parents=True, exist_ok=True)
    (folder / "model/model.onnx").write_bytes(fitted.onnx)
    (folder / "model/features.json").write_text(dump_json(fitted.data["spec"]), encoding="utf-8")
    metrics = {k: v for k, v in fitted.data.items() if k != "spec"}
    (folder / "model/metrics.json").write_text(dump_json(metrics), encoding="utf-8")
    return folder
