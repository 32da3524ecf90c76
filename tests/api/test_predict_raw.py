"""The predict API takes rows as the buyer has them (issue 11, item 5): raw headers and raw
units, no recipe-derived ``__outlier`` columns, a CP949 upload with title lines; the answers equal
the CLI's on the same rows, and fixed drift comes back as warnings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from mfgdata.modeling.predict import predict_product
from modeling.plantfiles import HEADER, plant_csv

PRODUCT = "api-plant"
URL = f"/api/v1/products/{PRODUCT}/versions/1/predict"


def _raw_rows(path: Path, n: int) -> list[dict[str, str]]:
    """The first ``n`` rows of a raw export as JSON rows: raw headers, raw text values."""
    lines = path.read_bytes().decode("cp949").splitlines()
    start = lines.index(",".join(HEADER)) + 1
    return [dict(zip(HEADER, line.split(","), strict=True)) for line in lines[start : start + n]]


def test_raw_rows_without_flag_columns_are_scored(
    client: TestClient, plant: Path, tmp_path: Path
) -> None:
    spec = json.loads((plant / "model" / "features.json").read_text("utf-8"))
    assert not [f for f in spec["features"] if "__outlier" in f["source"]]
    new = plant_csv(tmp_path / "new.csv", n=60, seed=21)
    rows = [{k: v for k, v in r.items() if k != "불량여부"} for r in _raw_rows(new, 60)]
    assert "금형온도[℃]" in rows[0] and not any("__outlier" in k for k in rows[0])
    r = client.post(URL, json={"rows": rows})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows"] == 60 and body["input_rows"] == list(range(60))
    want = predict_product(plant, new)  # the CLI's library path on the same raw rows
    probs = np.asarray(body["outputs"]["probabilities"])
    assert np.allclose(probs[:, 1], want["p_true"].to_numpy(), atol=1e-5)
    assert any("사출압력" in w for w in body["warnings"])  # the nulled 'Bad' reading


def test_rows_in_another_order_get_their_own_scores(client: TestClient, plant: Path) -> None:
    rows = _raw_rows(plant_csv(plant.parent.parent / "order.csv", n=20, seed=22), 20)
    forward = client.post(URL, json={"rows": rows}).json()
    backward = client.post(URL, json={"rows": rows[::-1]}).json()
    assert backward["input_rows"] == list(range(20))
    a = np.asarray(forward["outputs"]["probabilities"])
    b = np.asarray(backward["outputs"]["probabilities"])[::-1]
    assert np.allclose(a, b, atol=1e-5)


def test_cp949_upload_with_title_lines(client: TestClient, plant: Path, tmp_path: Path) -> None:
    new = plant_csv(tmp_path / "업로드.csv", n=25, seed=23)
    r = client.post(URL, files={"file": ("업로드.csv", new.read_bytes(), "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == 25


def test_drift_on_raw_rows_is_422_naming_the_column(client: TestClient, plant: Path) -> None:
    rows = _raw_rows(plant_csv(plant.parent.parent / "drift.csv", n=5, seed=24), 5)
    r = client.post(
        URL, json={"rows": [{k: v for k, v in x.items() if k != "금형온도[℃]"} for x in rows]}
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert "금형온도" in err["message_en"] and err["file"] == "rows"
    hot = [{**x, "금형온도[℃]": "뜨거움"} for x in rows]
    r = client.post(URL, json={"rows": hot})
    assert r.status_code == 422 and "must hold numbers" in r.json()["error"]["message_en"]
    fahrenheit = [
        {("금형온도[°F]" if k == "금형온도[℃]" else k): v for k, v in x.items()} for x in rows
    ]
    for x in fahrenheit:
        x["금형온도[°F]"] = f"{float(x['금형온도[°F]']) * 9 / 5 + 32:.3f}"
    r = client.post(URL, json={"rows": fahrenheit})
    assert r.status_code == 200, r.text
    same = client.post(URL, json={"rows": rows}).json()
    assert np.allclose(
        r.json()["outputs"]["probabilities"], same["outputs"]["probabilities"], atol=1e-4
    )
    assert any("°F" in w for w in r.json()["warnings"])
