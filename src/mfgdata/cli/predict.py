"""``mfgdata predict PRODUCT_DIR --input NEW_FILE``: score new raw data with a product's model."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from mfgdata.errors import MfgDataError
from mfgdata.modeling.predict import DriftWarning, predict_product


def predict(
    product_dir: Annotated[Path, typer.Argument(help="상품 폴더 / product folder")],
    input: Annotated[Path, typer.Option("--input", "-i", help="새 원시 파일 / new raw file")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="결과 파일 (.csv/.parquet) / output file")
    ] = None,
) -> None:
    """새 원시 데이터에 상품의 모델을 적용합니다 / Score new raw data with the product's model."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DriftWarning)
        try:
            result = predict_product(product_dir, input, out)
        except MfgDataError as e:
            typer.echo(f"오류 / error: {e.message()}", err=True)
            raise typer.Exit(code=2) from e
    for w in caught:
        if issubclass(w.category, DriftWarning):
            typer.echo(f"경고 / warning: {w.message}", err=True)
    if out is None:
        typer.echo(result.write_csv())
    else:
        typer.echo(f"{result.height} rows → {out}")
