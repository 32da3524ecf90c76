"""``mfgdata predict PRODUCT --input FILE...``: score new raw data with a product's model.

For an image product the inputs are image folders, zips or images (one row per image).

The files are read by the build's ingest (encodings, title lines, junk, sheets, time zones);
the product's recipe and unit conversions are applied by the library, never by the caller.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from mfgdata.errors import MfgDataError
from mfgdata.images.predict import is_image_product, predict_paths
from mfgdata.modeling.predict import DriftWarning, predict_product


def predict(
    product_dir: Annotated[Path, typer.Argument(help="상품 폴더 / product folder")],
    input: Annotated[
        list[Path],
        typer.Option("--input", "-i", help="새 원시 파일 (여러 개 가능) / new raw file(s)"),
    ],
    more: Annotated[
        list[Path] | None,
        typer.Argument(
            help="--input 뒤의 파일들 / further files after --input", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="결과 파일 (.csv/.parquet) / output file")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="엑셀 시트 / Excel sheet")] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="시간대 (기본: 상품의 시간대) / time zone (default: the product's)"),
    ] = None,
) -> None:
    """새 원시 데이터에 상품의 모델을 적용합니다 / Score new raw data with the product's model."""
    files = [*input, *(more or [])]
    if is_image_product(product_dir):  # an image product: folders, zips or images (issue 15)
        try:
            scored = predict_paths(product_dir, files)
        except MfgDataError as e:
            typer.echo(f"오류 / error: {e.message()}", err=True)
            raise typer.Exit(code=2) from e
        _write(scored, out)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DriftWarning)
        try:
            result = predict_product(product_dir, files, out, sheet=sheet, timezone=timezone)
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


def _write(result: pl.DataFrame, out: Path | None) -> None:
    if out is None:
        typer.echo(result.write_csv())
    elif out.suffix.lower() == ".parquet":
        result.write_parquet(out)
        typer.echo(f"{result.height} rows → {out}")
    else:
        result.write_csv(out)
        typer.echo(f"{result.height} rows → {out}")
