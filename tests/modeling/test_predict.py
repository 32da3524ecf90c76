from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from mfgdata.errors import InputError, ProductError
from mfgdata.modeling.predict import DriftWarning, predict_product
from mfgdata.steps.model import ModelStep
from modeling.synthetic import defect_frame, model_context


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("product")
    ctx = model_context(tmp)
    ModelStep().run(defect_frame().lazy(), ctx)
    return ctx.product.root


def _new(tmp: Path, headers: dict[str, str], scale: dict[str, float] | None = None) -> Path:
    df = defect_frame(200, seed=9).drop("result")
    df = df.with_columns([pl.col(c) * f for c, f in (scale or {}).items()])
    path = tmp / "new.csv"
    df.rename(headers).write_csv(path)
    return path


def test_scores_new_raw_file(product: Path, tmp_path: Path) -> None:
    out = predict_product(product, _new(tmp_path, {"temp": "온도(°C)"}), tmp_path / "p.csv")
    assert (tmp_path / "p.csv").is_file()
    temp = defect_frame(200, seed=9)["temp"].to_numpy()
    pred = out["predicted_class"].to_numpy()
    assert np.mean((pred == "NG") == (temp > 70)) > 0.95
    assert np.allclose(out["p_NG"] + out["p_OK"], 1.0)


def test_missing_column_is_an_error_naming_it(product: Path, tmp_path: Path) -> None:
    path = _new(tmp_path, {})
    pl.read_csv(path).drop("pressure").write_csv(path)
    with pytest.raises(InputError, match="pressure") as err:
        predict_product(product, path)
    assert err.value.where.column == "pressure" and "없습니다" in err.value.ko


def test_renamed_column_is_fixed_with_a_warning(product: Path, tmp_path: Path) -> None:
    want = predict_product(product, _new(tmp_path, {}))
    with pytest.warns(DriftWarning, match="Pressure"):
        got = predict_product(product, _new(tmp_path, {"pressure": "Pressure "}))
    assert np.allclose(got["p_NG"], want["p_NG"])


def test_unit_in_header_is_converted_with_a_warning(product: Path, tmp_path: Path) -> None:
    want = predict_product(product, _new(tmp_path, {}))
    fahrenheit = _new(tmp_path, {"temp": "temp [degF]"})
    df = pl.read_csv(fahrenheit)
    df.with_columns(pl.col("temp [degF]") * 9 / 5 + 32).write_csv(fahrenheit)
    with pytest.warns(DriftWarning, match="degF"):
        got = predict_product(product, fahrenheit)
    assert np.allclose(got["p_NG"], want["p_NG"], atol=1e-5)
    korean = tmp_path / "korean.csv"
    pl.read_csv(fahrenheit).rename({"temp [degF]": "온도(degF)"}).write_csv(korean)
    with pytest.warns(DriftWarning, match="converted from degF"):
        got = predict_product(product, korean)  # the raw header, in another unit
    assert np.allclose(got["p_NG"], want["p_NG"], atol=1e-5)


def test_unit_change_without_header_is_an_error(product: Path, tmp_path: Path) -> None:
    path = _new(tmp_path, {}, scale={"pressure": 100.0})  # bar -> kPa, header says nothing
    with pytest.raises(InputError, match="unit changed") as err:
        predict_product(product, path)
    assert err.value.where.column == "pressure"


def test_unconvertible_unit_and_missing_model(product: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be converted"):
        predict_product(product, _new(tmp_path, {"temp": "temp [kg]"}))
    with pytest.raises(ProductError):
        predict_product(tmp_path, _new(tmp_path, {}))


def test_cli_command(product: Path, tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from mfgdata.cli.predict import predict

    app = typer.Typer()
    app.command()(predict)
    out = tmp_path / "scored.parquet"
    ok = CliRunner().invoke(
        app, [str(product), "--input", str(_new(tmp_path, {})), "--out", str(out)]
    )
    assert ok.exit_code == 0, ok.output
    assert pl.read_parquet(out).height == 200
    path = _new(tmp_path, {})
    pl.read_csv(path).drop("temp").write_csv(path)
    bad = CliRunner().invoke(app, [str(product), "--input", str(path)])
    assert bad.exit_code == 2 and "temp" in bad.output
