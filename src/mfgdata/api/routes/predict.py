"""Predictions from a product's ONNX model (``model/model.onnx``) through onnxruntime.

Input rows come as JSON ``{"rows": [{column: value}, ...]}`` or as an uploaded CSV (multipart
field ``file``), both bounded. The feature matrix is built with the model's FeatureSpec
(``model/features.json``) when present; otherwise the ONNX inputs are taken as column names.
Missing columns or values of the wrong type are schema drift: 422 naming the columns.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
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
from mfgdata.modeling.features import FeatureSpec, transform

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


async def read_rows(request: Request) -> pl.DataFrame:
    """The input rows as a frame (JSON body or a CSV upload)."""
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
        try:
            frame = pl.read_csv(io.BytesIO(data), n_rows=MAX_ROWS + 1, infer_schema_length=1000)
        except (pl.exceptions.PolarsError, ValueError) as e:
            raise ParameterError("file", "CSV를 읽을 수 없습니다", "the CSV cannot be read") from e
    else:
        try:
            body = orjson.loads(await _bounded_body(request))
        except orjson.JSONDecodeError as e:
            raise bad from e
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise bad
        try:
            frame = pl.DataFrame(rows, infer_schema_length=None)
        except (pl.exceptions.PolarsError, TypeError, ValueError) as e:
            raise bad from e
    if frame.height > MAX_ROWS:
        raise _too_big()
    if frame.height == 0:
        raise ParameterError("rows", "입력 행이 없습니다", "no input rows")
    return frame


def _drift(missing: list[str]) -> ParameterError:
    return ParameterError(
        "rows",
        f"모델에 필요한 열이 없습니다 (스키마 불일치): {', '.join(missing)}",
        f"columns the model needs are missing (schema drift): {', '.join(missing)}",
    )


def _features(frame: pl.DataFrame, spec: FeatureSpec) -> np.ndarray[Any, Any]:
    missing = [c for c in spec.sources if c not in frame.columns]
    if missing:
        raise _drift(missing)
    try:
        return transform(frame, spec).astype(np.float32)
    except pl.exceptions.PolarsError as e:
        raise ParameterError(
            "rows",
            "열 값의 형식이 모델과 맞지 않습니다 (스키마 불일치)",
            f"column values do not match the model's types (schema drift): {e}".splitlines()[0],
        ) from e


def _feeds(sess: ort.InferenceSession, frame: pl.DataFrame, spec: FeatureSpec | None) -> Any:
    inputs = sess.get_inputs()
    if spec is not None:
        return {inputs[0].name: _features(frame, spec)}
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
    frame = await read_rows(request)
    spec_file = product.folder / "model" / "features.json"
    spec = (
        FeatureSpec.from_dict(orjson.loads(spec_file.read_bytes())) if spec_file.is_file() else None
    )
    sess = session_for(model)
    outputs = await run_in_threadpool(sess.run, None, _feeds(sess, frame, spec))
    names = [o.name for o in sess.get_outputs()]
    result = {n: np.asarray(v).tolist() for n, v in zip(names, outputs, strict=True)}
    body: dict[str, Any] = {
        "product_id": product.product_id,
        "version": product.version,
        "rows": frame.height,
        "outputs": result,
        "predictions": result[names[0]],
    }
    if spec is not None and spec.classes:
        body["classes"] = spec.classes
    body.update(_verdict(product.folder / "model" / "metrics.json"))
    return json_response(body)


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
