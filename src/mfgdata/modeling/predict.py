"""Score new raw data with a product's model: recipe, standardization, drift checks, ONNX.

Schema drift never yields silent garbage: a missing column is an ``InputError`` naming it; a
renamed column (same name up to case/spaces/units, or the raw header) is fixed with a warning; a
unit in the header that differs from the trained one is converted (pint) with a warning, or an
error when it cannot be; values far outside the training range (a unit change without a header
unit) are an error.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from mfgdata.errors import InputError, ProductError
from mfgdata.frames.headers import split_header
from mfgdata.modeling.features import FeatureSpec, transform
from mfgdata.modeling.onnx_export import OnnxModel

#: A column whose median lies this many training ranges outside the training range is rejected.
FAR_OUT = 5.0


class DriftWarning(UserWarning):
    """A schema or unit drift that predict fixed; the message is Korean / English."""


def _norm(name: str) -> str:
    return re.sub(r"[\W_]+", "", split_header(name)[0]).lower()


def read_raw(path: Path) -> tuple[pl.DataFrame, dict[str, str | None]]:
    """A new raw file as a table with unit-free column names, and the units from the headers."""
    if not path.is_file():
        raise InputError("입력 파일이 없습니다", "input file not found", file=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        df = pl.read_excel(path)
    elif suffix == ".parquet":
        df = pl.read_parquet(path)
    else:
        raw = path.read_bytes()
        text = next((raw.decode(e) for e in ("utf-8-sig", "cp949") if _decodes(raw, e)), None)
        if text is None:
            raise InputError("파일 인코딩을 읽을 수 없습니다", "cannot decode the file", file=path)
        first = text.split("\n", 1)[0]
        sep = max([",", ";", "\t"], key=first.count)
        df = pl.read_csv(
            io.StringIO(text),
            separator=sep,
            infer_schema_length=10000,
            null_values=["", "NA", "NaN", "Bad", "Scan Timeout"],
        )
    units: dict[str, str | None] = {}
    names = []
    for col in df.columns:
        name, unit = split_header(col)
        names.append(name)
        units[name] = unit
    return df.rename(dict(zip(df.columns, names, strict=True))), units


def _decodes(raw: bytes, enc: str) -> bool:
    try:
        raw.decode(enc)
    except UnicodeDecodeError:
        return False
    return True


def _warn(ko: str, en: str) -> None:
    warnings.warn(f"{ko} / {en}", DriftWarning, stacklevel=3)


def _match_columns(
    df: pl.DataFrame, spec: dict[str, Any], file: Path, strict: bool = True
) -> pl.DataFrame:
    needed = FeatureSpec.from_dict(spec).sources
    renames: dict[str, str] = {}
    missing = []
    for col in needed:
        if col in df.columns:
            continue
        raw = (spec.get("columns", {}).get(col) or {}).get("raw_name")
        alias = {_norm(col)} | ({_norm(raw)} if raw else set())
        hits = [c for c in df.columns if c not in needed and _norm(c) in alias]
        if len(hits) == 1:
            renames[hits[0]] = col
            _warn(
                f"열 '{hits[0]}'을(를) 학습 때 이름 '{col}'(으)로 맞췄습니다",
                f"column '{hits[0]}' taken as the trained column '{col}' (renamed)",
            )
        else:
            missing.append(col)
    if missing and strict:
        raise InputError(
            f"모델에 필요한 열이 없습니다: {', '.join(missing)}",
            f"columns the model needs are missing: {', '.join(missing)}",
            file=file,
            column=missing[0],
        )
    return df.rename(renames)


def _convert_units(
    df: pl.DataFrame, units: dict[str, str | None], spec: dict[str, Any], file: Path
) -> pl.DataFrame:
    import pint

    ureg: Any = pint.UnitRegistry()
    exprs = []
    for col, meta in (spec.get("columns") or {}).items():
        want = (meta or {}).get("unit_raw") or (meta or {}).get("unit")
        have = units.get(col)
        if not have or not want or have == want or col not in df.columns:
            continue
        try:
            zero = ureg.Quantity(0.0, have).to(want).magnitude
            scale = ureg.Quantity(1.0, have).to(want).magnitude - zero
        except Exception as e:  # pint raises several unrelated types
            raise InputError(
                f"열 '{col}'의 단위 '{have}'을(를) 학습 단위 '{want}'(으)로 바꿀 수 없습니다",
                f"column '{col}' has unit '{have}', which cannot be converted to the trained "
                f"unit '{want}'",
                file=file,
                column=col,
            ) from e
        _warn(
            f"열 '{col}'의 단위를 {have}에서 {want}(으)로 변환했습니다",
            f"column '{col}' converted from {have} to {want}",
        )
        exprs.append((pl.col(col).cast(pl.Float64) * scale + zero).alias(col))
    return df.with_columns(exprs) if exprs else df


def _check_ranges(X: np.ndarray[Any, Any], spec: dict[str, Any], file: Path) -> None:
    for j, f in enumerate(spec["features"]):
        st = f.get("stats")
        col = X[:, j]
        col = col[np.isfinite(col)]
        if not st or not len(col) or f["kind"] == "categorical":
            continue
        span = max(st["max"] - st["min"], 1e-12)
        med = float(np.median(col))
        if med > st["max"] + FAR_OUT * span or med < st["min"] - FAR_OUT * span:
            raise InputError(
                f"열 '{f['source']}'의 값(중앙값 {med:.4g})이 학습 범위 {st['min']:.4g}~"
                f"{st['max']:.4g}과 너무 다릅니다: 단위가 바뀌었는지 확인하세요",
                f"column '{f['source']}' (median {med:.4g}) is far outside the training range "
                f"{st['min']:.4g}..{st['max']:.4g}: check whether its unit changed",
                file=file,
                column=f["source"],
            )
        outside = int(((col < st["min"]) | (col > st["max"])).sum())
        if outside:
            _warn(
                f"열 '{f['source']}': {outside}행이 학습 범위 밖입니다 (예측 신뢰도 낮음)",
                f"column '{f['source']}': {outside} rows outside the training range "
                "(less reliable)",
            )


def _apply_recipe(product: Path, df: pl.DataFrame) -> pl.DataFrame:
    path = product / "recipe.yaml"
    if not path.is_file():
        return df
    from mfgdata.recipe import load, ops

    recipe = load.load(path)
    return ops.apply(recipe, df.lazy(), file=str(path), count=False).frame.collect()


def _standardize(df: pl.DataFrame, spec: dict[str, Any]) -> pl.DataFrame:
    """Unit conversions the standardize step made (raw unit → canonical unit)."""
    units = {
        c: (m or {}).get("unit_before_standardize") for c, m in spec.get("columns", {}).items()
    }
    return _convert_units(
        df,
        units,
        {
            "columns": {
                c: {"unit": (m or {}).get("unit")} for c, m in spec.get("columns", {}).items()
            }
        },
        Path("."),
    )


def predict_product(product_dir: Path, new_file: Path, out: Path | None = None) -> pl.DataFrame:
    """The new rows with the model's predictions appended (and written to ``out`` if given)."""
    product_dir, new_file = Path(product_dir), Path(new_file)
    onnx_path, spec_path = product_dir / "model/model.onnx", product_dir / "model/features.json"
    for p in (onnx_path, spec_path):
        if not p.is_file():
            raise ProductError(
                "상품 폴더에 모델 파일이 없습니다", "the product has no model file", file=p
            )
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    df, units = read_raw(new_file)
    renamed = _match_columns(df, spec, new_file, strict=False)
    units = {new: units.get(old) for old, new in zip(df.columns, renamed.columns, strict=True)}
    df = renamed
    df = _convert_units(df, units, spec, new_file)
    df = _apply_recipe(product_dir, df)
    df = _standardize(df, spec)
    df = _match_columns(df, spec, new_file)
    fs = FeatureSpec.from_dict(spec)
    X = transform(df, fs)
    _check_ranges(X, spec, new_file)
    pred = OnnxModel(onnx_path.read_bytes()).predict(X, fs.task)
    result = df.with_columns(_outputs(pred, fs, product_dir))
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        if Path(out).suffix.lower() == ".parquet":
            result.write_parquet(out)
        else:
            result.write_csv(out)
    return result


def _outputs(pred: np.ndarray[Any, Any], fs: FeatureSpec, product: Path) -> list[pl.Series]:
    if fs.task == "classification":
        cols = [pl.Series("predicted_class", [fs.classes[i] for i in pred.argmax(axis=1)])]
        return cols + [pl.Series(f"p_{c}", pred[:, i]) for i, c in enumerate(fs.classes)]
    if fs.task == "anomaly":
        basis = json.loads((product / "model/metrics.json").read_text(encoding="utf-8"))["basis"]
        alarm = (pred[:, 0] > basis["t2_limit"]) | (pred[:, 1] > basis["spe_limit"])
        return [
            pl.Series("t2", pred[:, 0]),
            pl.Series("spe", pred[:, 1]),
            pl.Series("alarm", alarm),
        ]
    return [pl.Series(f"predicted_{fs.target}", pred)]
