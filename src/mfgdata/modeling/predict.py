"""Score new raw data with a product's model: the build's ingest, recipe, standardization, drift
checks, ONNX.

New rows are read the way the build read its inputs (:mod:`mfgdata.modeling.newdata`), so the
caller gives what the plant exports: raw headers (``온도[℃]``), raw units. Schema drift never
yields silent garbage: a missing column is an ``InputError`` naming it; a renamed column (same
name up to case/spaces/units, or the raw header) is fixed with a warning; a unit in the header
that differs from the trained one is converted (the recipe's unit table) with a warning, or an
error when it cannot be; values far outside the training range (a unit change without a header
unit) are an error. The recipe's quality flags are not model inputs: the caller never supplies
them, and the scored rows do not carry them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from mfgdata.errors import ConfigError, InputError, MfgDataError, ProductError, RecipeError
from mfgdata.frames.headers import split_header
from mfgdata.modeling.features import FeatureSpec, transform
from mfgdata.modeling.newdata import DriftWarning, NewData, read_new, warn
from mfgdata.quality.datacolumns import FLAG_SUFFIX

__all__ = ["DriftWarning", "PredictFailed", "Prepared", "predict_product", "prepare"]

#: A column whose median lies this many training ranges outside the training range is rejected.
FAR_OUT = 5.0
#: the input's row number (0-based), carried through the recipe to give each score its row
INPUT_ROW = "__input_row"
#: the scored rows' column naming their 0-based row in the input
ROW = "input_row"


def _norm(name: str) -> str:
    return re.sub(r"[\W_]+", "", split_header(name)[0]).lower()


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
            warn(
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
    df: pl.DataFrame,
    have: dict[str, str | None],
    want: dict[str, str | None],
    file: Path | None,
    *,
    drift: bool = True,
) -> pl.DataFrame:
    """Columns whose unit ``have`` differs from ``want``, converted as the standardize step
    converts (the semantics dictionary's units, then pint: ``℃`` = ``°C``, rpm is revolutions
    per minute, a standard volume flow stays one)."""
    from mfgdata.semantics.dictionary import load_dictionary
    from mfgdata.semantics.errors import SemanticsError
    from mfgdata.semantics.units import conversion, parse_unit

    exprs = []
    for col, target in want.items():
        unit = have.get(col)
        if not unit or not target or unit == target or col not in df.columns:
            continue
        try:
            d = load_dictionary()
            scale, offset = conversion(
                parse_unit(unit, d, column=col),
                d.units.get(target) or parse_unit(target, d, column=col),
                column=col,
            )
        except SemanticsError as e:
            raise InputError(
                f"열 '{col}'의 단위 '{unit}'을(를) 학습 단위 '{target}'(으)로 바꿀 수 없습니다",
                f"column '{col}' has unit '{unit}', which cannot be converted to the trained "
                f"unit '{target}'",
                file=file,
                column=col,
            ) from e
        if (scale, offset) == (1.0, 0.0):
            continue
        if not (df.schema[col].is_numeric()):
            raise InputError(
                f"열 '{col}'은(는) 숫자가 아니어서 단위를 바꿀 수 없습니다",
                f"column '{col}' is not numeric, so its unit cannot be converted",
                file=file,
                column=col,
            )
        if drift:  # a header in another unit than the build's; standardizing is no drift
            warn(
                f"열 '{col}'의 단위를 {unit}에서 {target}(으)로 변환했습니다",
                f"column '{col}' converted from {unit} to {target}",
            )
        exprs.append((pl.col(col).cast(pl.Float64) * scale + offset).alias(col))
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
            warn(
                f"열 '{f['source']}': {outside}행이 학습 범위 밖입니다 (예측 신뢰도 낮음)",
                f"column '{f['source']}': {outside} rows outside the training range "
                "(less reliable)",
            )


def _check_numeric(df: pl.DataFrame, spec: dict[str, Any], file: Path | None) -> None:
    """A numeric model input that arrived as text (``뜨거움``): an error showing a value."""
    for f in spec["features"]:
        col = f["source"]
        if f["kind"] == "categorical" or col not in df.columns:
            continue
        if df.schema[col] == pl.String:
            value = df.get_column(col).drop_nulls().head(1).to_list()
            shown = str(value[0])[:40] if value else ""
            raise InputError(
                f"열 '{col}'은(는) 숫자여야 하는데 숫자가 아닌 값이 있습니다 (예: '{shown}')",
                f"column '{col}' must hold numbers but holds text (e.g. '{shown}')",
                file=file,
                column=col,
            )


def _apply_recipe(
    product: Path, df: pl.DataFrame, spec: dict[str, Any], file: Path | None
) -> pl.DataFrame:
    """The product's recipe on the new rows (flag columns it derives are dropped: they are
    quality marks, not inputs). A recipe that cannot run on them is the input's fault: the
    columns the model needs are named first, then the recipe's complaint."""
    path = product / "recipe.yaml"
    if not path.is_file():
        return df
    from mfgdata.recipe import load, ops

    recipe = load.load(path)
    try:
        out = ops.apply(recipe, df.lazy(), file=str(path), count=False).frame.collect()
    except (RecipeError, pl.exceptions.PolarsError) as e:
        _match_columns(df, spec, file or Path("."))  # a missing model column says so first
        _check_numeric(df, spec, file)  # and so does text in a numeric input
        ko, en = (e.ko, e.en) if isinstance(e, RecipeError) else ("", str(e).splitlines()[0])
        hidden = f"{INPUT_ROW}, "
        raise InputError(
            f"상품의 레시피를 새 데이터에 적용할 수 없습니다: {ko.replace(hidden, '')}",
            f"the product's recipe cannot be applied to the new rows: {en.replace(hidden, '')}",
            file=file,
            column=e.where.column if isinstance(e, RecipeError) else None,
        ) from e
    return out.drop([c for c in out.columns if c.endswith(FLAG_SUFFIX)])


def _spec_columns(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c: (m or {}) for c, m in (spec.get("columns") or {}).items()}


class PredictFailed(MfgDataError):
    """A foreign exception while scoring (a bug, not the input's fault); the cause is chained."""

    code = "predict_failed"
    status_code = 500

    def __init__(self, cause: BaseException) -> None:
        detail = f"{type(cause).__name__}: {cause}".splitlines()[0][:300]
        super().__init__(
            f"예측 중 예기치 않은 오류가 발생했습니다: {detail}",
            f"unexpected failure while predicting: {detail}",
        )


@dataclass(frozen=True)
class Prepared:
    """New rows ready for the model: the rows after recipe and standardization (in input order,
    with ``input_row``, their 0-based row in the input), the feature matrix and its spec."""

    frame: pl.DataFrame
    X: np.ndarray[Any, Any]
    spec: FeatureSpec
    rows_in: int


def _load_spec(product_dir: Path) -> dict[str, Any]:
    path = product_dir / "model/features.json"
    for p in (product_dir / "model/model.onnx", path):
        if not p.is_file():
            raise ProductError(
                "상품 폴더에 모델 파일이 없습니다", "the product has no model file", file=p
            )
    try:
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        FeatureSpec.from_dict(spec)
    except (ValueError, KeyError, TypeError) as e:
        raise ProductError(
            "모델의 특성 정의(features.json)를 읽을 수 없습니다",
            "the model's feature spec (features.json) cannot be read",
            file=path,
        ) from e
    return spec


def prepare(product_dir: Path, new: NewData) -> Prepared:
    """Raw rows → the model's feature matrix: rename drifted headers, convert header units to the
    build's raw units, apply the recipe, convert to the canonical units (standardize), check the
    columns and the training ranges."""
    product_dir = Path(product_dir)
    spec = _load_spec(product_dir)
    meta = _spec_columns(spec)
    file = new.file
    df = new.frame.with_row_index(INPUT_ROW)
    renamed = _match_columns(df, spec, file or Path("."), strict=False)
    units = {now: new.units.get(old) for old, now in zip(df.columns, renamed.columns, strict=True)}
    df = _convert_units(
        renamed, units, {c: m.get("unit_raw") or m.get("unit") for c, m in meta.items()}, file
    )
    df = _apply_recipe(product_dir, df, spec, file)
    df = _convert_units(
        df,
        {c: m.get("unit_before_standardize") for c, m in meta.items()},
        {c: m.get("unit") for c, m in meta.items()},
        file,
        drift=False,
    )
    df = _match_columns(df, spec, file or Path("."))
    if INPUT_ROW in df.columns:
        df = df.sort(INPUT_ROW, maintain_order=True)
    dropped = new.frame.height - df.height
    if dropped > 0:
        warn(
            f"상품의 레시피가 {dropped}행을 뺐습니다 (중복·필터·결측 삭제): "
            "그 행에는 예측이 없습니다",
            f"the product's recipe removed {dropped} rows (duplicates, filters, missing values): "
            "they get no prediction",
        )
    _check_numeric(df, spec, file)
    fs = FeatureSpec.from_dict(spec)
    try:
        X = transform(df, fs)
    except pl.exceptions.PolarsError as e:
        raise InputError(
            "열 값의 형식이 모델과 맞지 않습니다 (스키마 불일치)",
            f"column values do not match the model's types (schema drift): "
            f"{str(e).splitlines()[0][:200]}",
            file=file,
        ) from e
    _check_ranges(X, spec, file or Path("."))
    keep = INPUT_ROW in df.columns and ROW not in df.columns
    frame = df.rename({INPUT_ROW: ROW}) if keep else df.drop(INPUT_ROW, strict=False)
    return Prepared(frame, X, fs, new.frame.height)


def predict_frame(product_dir: Path, prepared: Prepared) -> pl.DataFrame:
    """The prepared rows with the model's outputs appended."""
    from mfgdata.modeling.onnx_serve import OnnxModel

    model = Path(product_dir) / "model/model.onnx"
    pred = OnnxModel(model.read_bytes()).predict(prepared.X, prepared.spec.task)
    return prepared.frame.with_columns(_outputs(pred, prepared.spec, Path(product_dir)))


def predict_product(
    product_dir: Path,
    new_files: Path | Sequence[Path],
    out: Path | None = None,
    *,
    sheet: str | None = None,
    timezone: str | None = None,
) -> pl.DataFrame:
    """New raw files (read like ``build`` reads) scored by the product's model; the rows come
    back in input order with ``input_row`` (0-based row in the input) and the predictions,
    written to ``out`` (.csv or .parquet) if given."""
    product_dir = Path(product_dir)
    _load_spec(product_dir)  # a product without a model fails before any file is read
    paths = [Path(new_files)] if isinstance(new_files, str | Path) else list(new_files)
    try:
        new = read_new(paths, product_dir=product_dir, sheet=sheet, timezone=timezone)
        result = predict_frame(product_dir, prepare(product_dir, new))
    except MfgDataError:
        raise
    except Exception as e:  # a foreign exception is a bug: still one line, cause chained
        raise PredictFailed(e) from e
    if out is not None:
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            if Path(out).suffix.lower() == ".parquet":
                result.write_parquet(out)
            else:
                result.write_csv(out)
        except OSError as e:
            raise ConfigError(
                f"결과 파일을 쓸 수 없습니다 ({e.strerror or e})",
                f"cannot write the output file ({e.strerror or e})",
                file=out,
            ) from e
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
