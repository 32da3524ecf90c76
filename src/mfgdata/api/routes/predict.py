"""Predictions from a product's ONNX model (``model/model.onnx``) through onnxruntime.

Input rows come as the buyer has them: JSON ``{"rows": [{column: value}, ...]}`` or an uploaded
file (multipart field ``file``: CSV in any encoding the build reads, with title lines, or a
workbook), both bounded. Raw headers (``온도[℃]``) and raw units are fine: the rows are read by
the build's ingest and go through the product's recipe and unit conversions in the library
(:mod:`mfgdata.modeling.predict`), so a caller never computes a derived column (the recipe's
quality flags are not model inputs). Missing columns, values of the wrong type or far outside
the training range are schema drift: 422 naming the column; fixed drift (a renamed column, a
header in another unit) comes back as ``warnings`` (ko / en).
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import onnxruntime as ort
import orjson
import polars as pl
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from mfgdata.api.deps import (
    PREDICT,
    ParameterError,
    ProductRef,
    json_response,
    product_for,
    sha256_file,
)
from mfgdata.catalog.errors import NotFound
from mfgdata.errors import MfgDataError
from mfgdata.frames.sources import FORMATS
from mfgdata.images.predict import ImageModel, is_image_product
from mfgdata.images.sources import IMAGE_SUFFIXES
from mfgdata.modeling.features import FeatureSpec
from mfgdata.modeling.newdata import DriftWarning, NewData, read_new, rows_to_csv
from mfgdata.modeling.predict import ROW, PredictFailed, Prepared, prepare

router = APIRouter(prefix="/api/v1/products/{product_id}/versions/{version}", tags=["predict"])
MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
_SESSIONS: OrderedDict[str, ort.InferenceSession] = OrderedDict()
_LOCK = threading.Lock()
BODY_SCHEMA = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["rows"],
                "properties": {"rows": {"type": "array", "items": {"type": "object"}}},
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


def session_for(path: Any) -> ort.InferenceSession:
    """One onnxruntime session per model file content (sha256)."""
    key = sha256_file(path)
    with _LOCK:
        if key not in _SESSIONS:
            _SESSIONS[key] = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            while len(_SESSIONS) > 8:
                _SESSIONS.popitem(last=False)
        return _SESSIONS[key]


def _too_big() -> ParameterError:
    return ParameterError(
        "rows",
        f"입력이 너무 큽니다 (최대 {MAX_ROWS}행, {MAX_BYTES} 바이트)",
        f"input too large (at most {MAX_ROWS} rows, {MAX_BYTES} bytes)",
    )


async def _bounded_body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise _too_big()
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class RawInput:
    """What the caller sent: JSON rows or an uploaded file's bytes (with its name)."""

    rows: list[dict[str, Any]] | None = None
    data: bytes | None = None
    name: str = "rows.csv"


async def read_input(request: Request) -> RawInput:
    """The input as sent (JSON body or a file upload), bounded; parsed later by the ingest."""
    ctype = request.headers.get("content-type", "")
    bad = ParameterError("rows", "입력 행을 읽을 수 없습니다", "cannot read the input rows")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_BYTES)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ParameterError("file", "CSV 파일이 없습니다", "no CSV file uploaded")
        data = await upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _too_big()
        name = Path(upload.filename or "rows.csv").name
        if Path(name).suffix.lower() not in {*FORMATS, *IMAGE_SUFFIXES}:
            name = f"{Path(name).stem or 'rows'}.csv"
        return RawInput(data=data, name=name)
    try:
        body = orjson.loads(await _bounded_body(request))
    except orjson.JSONDecodeError as e:
        raise bad from e
    rows = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise bad
    if len(rows) > MAX_ROWS:
        raise _too_big()
    if not rows or not any(rows):
        raise ParameterError("rows", "입력 행이 없습니다", "no input rows")
    return RawInput(rows=rows)


def _raw_frame(folder: Path, raw: RawInput) -> tuple[NewData, list[str]]:
    """The input read by the build's ingest (as a file the buyer has), with the drift
    warnings; errors name the upload (or ``rows``), never a temporary path."""
    with tempfile.TemporaryDirectory(prefix="mfgdata-api-predict-") as tmp:
        path = Path(tmp) / raw.name
        if raw.rows is not None:
            rows_to_csv(raw.rows, path)
        else:
            path.write_bytes(raw.data or b"")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DriftWarning)
            try:
                new = read_new([path], product_dir=folder)
            except MfgDataError as e:
                e.where = replace(e.where, file="rows" if raw.rows is not None else raw.name)
                raise
    if new.frame.height > MAX_ROWS:
        raise _too_big()
    return new, [str(w.message) for w in caught if issubclass(w.category, DriftWarning)]


def _prepared(folder: Path, raw: RawInput) -> tuple[Prepared, list[str]]:
    new, notes = _raw_frame(folder, raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DriftWarning)
        try:
            prepared = prepare(folder, new)
        except MfgDataError as e:
            e.where = replace(e.where, file="rows" if raw.rows is not None else raw.name)
            raise
    return prepared, notes + [
        str(w.message) for w in caught if issubclass(w.category, DriftWarning)
    ]


def _drift(missing: list[str]) -> ParameterError:
    return ParameterError(
        "rows",
        f"모델에 필요한 열이 없습니다 (스키마 불일치): {', '.join(missing)}",
        f"columns the model needs are missing (schema drift): {', '.join(missing)}",
    )


def _named_feeds(sess: ort.InferenceSession, frame: pl.DataFrame) -> Any:
    """A model without a FeatureSpec: its ONNX inputs are taken as column names."""
    inputs = sess.get_inputs()
    missing = [i.name for i in inputs if i.name not in frame.columns]
    if missing:
        raise _drift(missing)
    feeds = {}
    for i in inputs:
        col = frame.get_column(i.name)
        if "float" in i.type or "double" in i.type:
            try:
                col = col.cast(pl.Float32 if "float)" in i.type else pl.Float64)
            except pl.exceptions.PolarsError as e:
                raise _drift([i.name]) from e
        feeds[i.name] = col.to_numpy().reshape(-1, 1)
    return feeds


def _score(folder: Path, model: Path, raw: RawInput) -> dict[str, Any]:
    """Read, prepare and score (in a worker thread): outputs, the input rows they belong to
    and the drift warnings."""
    try:
        return _scored(folder, model, raw)
    except MfgDataError:
        raise
    except Exception as e:  # a bug, not the input: one JSON error (500), cause chained
        raise PredictFailed(e) from e


def _scored(folder: Path, model: Path, raw: RawInput) -> dict[str, Any]:
    sess = session_for(model)
    if (folder / "model" / "features.json").is_file():
        prepared, notes = _prepared(folder, raw)
        feeds = {sess.get_inputs()[0].name: prepared.X.astype(np.float32)}
        spec: FeatureSpec | None = prepared.spec
        frame = prepared.frame
    else:
        new, notes = _raw_frame(folder, raw)
        feeds, spec, frame = _named_feeds(sess, new.frame), None, new.frame
    outputs = sess.run(None, feeds)
    names = [o.name for o in sess.get_outputs()]
    result = {n: np.asarray(v).tolist() for n, v in zip(names, outputs, strict=True)}
    body: dict[str, Any] = {
        "rows": frame.height,
        "outputs": result,
        "predictions": result[names[0]],
        "warnings": notes,
    }
    if ROW in frame.columns:
        body["input_rows"] = frame.get_column(ROW).to_list()
    if spec is not None and spec.classes:
        body["classes"] = spec.classes
    return body


@router.post(
    "/predict",
    summary="모델 예측 / Predict with the product's ONNX model",
    openapi_extra={"requestBody": BODY_SCHEMA},
)
async def predict(
    request: Request, product: Annotated[ProductRef, Depends(product_for(PREDICT))]
) -> Response:
    model = product.folder / "model" / "model.onnx"
    if not model.is_file():
        raise NotFound("이 제품에는 모델이 없습니다", "this product has no model")
    raw = await read_input(request)
    if is_image_product(Path(product.folder)):
        scored = await run_in_threadpool(_score_image, Path(product.folder), raw)
    else:
        scored = await run_in_threadpool(_score, Path(product.folder), model, raw)
    body: dict[str, Any] = {"product_id": product.product_id, "version": product.version}
    body.update(scored)
    body.update(_verdict(product.folder / "model" / "metrics.json"))
    return json_response(body)


def _score_image(folder: Path, raw: RawInput) -> dict[str, Any]:
    """An uploaded image scored by an image product's model (issue 15)."""
    if raw.data is None:
        raise ParameterError(
            "file",
            "이미지 파일을 올려 주세요 (multipart 'file')",
            "upload an image (multipart 'file')",
        )
    if Path(raw.name).suffix.lower() not in IMAGE_SUFFIXES:
        raise ParameterError(
            "file",
            f"이미지 파일이 아닙니다 ({raw.name}); PNG, JPEG, BMP, TIFF를 올려 주세요",
            f"not an image file ({raw.name}); upload PNG, JPEG, BMP or TIFF",
        )
    model = ImageModel.load(folder)
    table = model.score([(raw.name, raw.data)])
    row = table.row(0, named=True)
    if row["error"]:
        raise ParameterError(
            "file",
            f"이미지를 읽을 수 없습니다: {row['error']}",
            f"the image cannot be read: {row['error']}",
        )
    return {
        "rows": 1,
        "image": raw.name,
        "classes": ["good", "defect"],
        "p_defect": row["p_defect"],
        "predicted": row["predicted"],
        "threshold": model.threshold,
        "predictions": [row["predicted"]],
        "operating_points": model.operating_points,
        "warnings": [],
    }


def _verdict(path: Any) -> dict[str, Any]:
    """``model_usable`` and its reason (ko/en) from metrics.json: a caller must see when the model
    does not beat its naive baseline (absent for products built before the verdict existed)."""
    try:
        metrics = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if "usable" not in metrics:
        return {}
    return {"model_usable": metrics["usable"], "model_usable_reason": metrics.get("usable_reason")}
