"""Predictions with the product's ONNX model: JSON rows, CSV upload, schema drift, limits."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort
from fastapi.testclient import TestClient

from api.conftest import ApiWorld

URL = "/api/v1/products/api-injection/versions/1/predict"


def _rows(world: ApiWorld, n: int) -> list[dict]:
    return json.loads(world.table.head(n).write_json())


def _expected(world: ApiWorld, n: int) -> list[int]:
    sess = ort.InferenceSession(str(world.folder / "model" / "model.onnx"))
    x = world.table.head(n).select(["온도", "압력"]).to_numpy().astype(np.float32)
    return sess.run(None, {sess.get_inputs()[0].name: x})[0].tolist()


def test_predict_json_rows(client: TestClient, api_world: ApiWorld) -> None:
    r = client.post(URL, json={"rows": _rows(api_world, 20)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows"] == 20 and body["predictions"] == _expected(api_world, 20)
    assert np.allclose(np.sum(body["outputs"]["probabilities"], axis=1), 1.0, atol=1e-5)


def test_predict_csv_upload(client: TestClient, api_world: ApiWorld) -> None:
    csv = api_world.table.head(15).write_csv().encode()
    r = client.post(URL, files={"file": ("rows.csv", csv, "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["predictions"] == _expected(api_world, 15)


def test_schema_drift_is_422(client: TestClient, api_world: ApiWorld) -> None:
    rows = [{k: v for k, v in row.items() if k != "압력"} for row in _rows(api_world, 3)]
    r = client.post(URL, json={"rows": rows})
    assert r.status_code == 422 and "압력" in r.json()["error"]["message_en"]
    r = client.post(URL, json={"rows": [{"온도": "뜨거움", "압력": 1.0}]})
    assert r.status_code == 422


def test_bad_bodies_are_422(client: TestClient) -> None:
    for body in (b"{", b'{"rows": 3}', b'{"rows": []}', b"[1]"):
        r = client.post(URL, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, body
        assert r.json()["error"]["parameter"] == "rows"


def test_too_many_rows(client: TestClient) -> None:
    r = client.post(URL, json={"rows": [{"온도": 1.0, "압력": 1.0}] * 10_001})
    assert r.status_code == 422


def test_no_model_is_404(client: TestClient, api_world: ApiWorld) -> None:
    from mfgdata.api.app import create_app
    from mfgdata.api.deps import get_authorizer

    app = create_app(api_world.settings)
    app.dependency_overrides[get_authorizer] = lambda: lambda product, action: None
    with TestClient(app) as c:
        r = c.post("/api/v1/products/nope/versions/1/predict", json={"rows": [{"a": 1}]})
    assert r.status_code == 404


def test_unusable_model_is_said_so_by_the_api_and_the_page(
    client: TestClient, api_world: ApiWorld
) -> None:
    metrics = api_world.folder / "model" / "metrics.json"
    reason = {"ko": "기준보다 낫지 않음", "en": "does not beat the majority class"}
    metrics.write_text(json.dumps({"usable": False, "usable_reason": reason}), encoding="utf-8")
    try:
        body = client.post(URL, json={"rows": _rows(api_world, 3)}).json()
        assert body["model_usable"] is False and body["model_usable_reason"] == reason
        page = client.get("/products/api-injection/v/1").text  # Korean by default
        assert 'id="model-verdict"' in page and "사용할 수 있는 모델이 없습니다" in page
        assert "기준보다 낫지 않음" in page
    finally:
        metrics.unlink()
    assert "model_usable" not in client.post(URL, json={"rows": _rows(api_world, 3)}).json()
