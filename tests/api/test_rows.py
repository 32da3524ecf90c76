"""Rows endpoint: selection, filters, time windows, paging, formats, CSV injection, 422s."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api.conftest import ApiWorld
from mfgdata.api.routes.rows import escape_formulas

URL = "/api/v1/products/api-injection/versions/1"
SEOUL = ZoneInfo("Asia/Seoul")


def rows(client: TestClient, **params: str | int) -> dict:
    r = client.get(f"{URL}/rows", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_column_selection(client: TestClient) -> None:
    body = rows(client, columns="온도,설비ID", limit=5)
    assert body["columns"] == ["온도", "설비ID"]
    assert all(set(r) == {"온도", "설비ID"} for r in body["rows"])


@pytest.mark.parametrize(
    ("param", "value", "expr"),
    [
        ("f.설비ID", "M2", pl.col("설비ID") == "M2"),
        ("f.설비ID__ne", "M2", pl.col("설비ID") != "M2"),
        ("f.온도__gte", "203.5", pl.col("온도") >= 203.5),
        ("f.온도__lt", "201", pl.col("온도") < 201),
        ("f.압력__gt", "82.5", pl.col("압력") > 82.5),
        ("f.압력__lte", "80.5", pl.col("압력") <= 80.5),
        ("f.불량여부", "false", pl.col("불량여부") == False),  # noqa: E712
    ],
)
def test_filters(
    client: TestClient, api_world: ApiWorld, param: str, value: str, expr: pl.Expr
) -> None:
    want = api_world.table.filter(expr)
    body = rows(client, **{param: value, "limit": 10_000})
    assert body["total"] == want.height == body["count"]
    assert [r["온도"] for r in body["rows"]] == want.get_column("온도").to_list()


def test_time_window(client: TestClient, api_world: ApiWorld) -> None:
    start, end = "2024-03-01T01:00:00", "2024-03-01T02:30:00+09:00"
    body = rows(client, start=start, end=end, limit=1000)
    lo = datetime(2024, 3, 1, 1, tzinfo=SEOUL)
    hi = datetime(2024, 3, 1, 2, 30, tzinfo=SEOUL)
    want = api_world.table.filter((pl.col("일시") >= lo) & (pl.col("일시") < hi))
    assert body["total"] == want.height == 90
    assert body["rows"][0]["일시"] == "2024-03-01T01:00:00+09:00"


def test_cursor_paging_gives_every_row_once(client: TestClient, api_world: ApiWorld) -> None:
    seen: list[str] = []
    params: dict[str, str | int] = {"f.설비ID": "M1", "limit": 17, "columns": "일시"}
    while True:
        r = client.get(f"{URL}/rows", params=params)
        body = r.json()
        assert int(r.headers["X-Row-Count"]) == body["count"]
        seen += [row["일시"] for row in body["rows"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    want = api_world.table.filter(pl.col("설비ID") == "M1").height
    assert len(seen) == len(set(seen)) == want == int(r.headers["X-Total-Count"])


def test_cursor_cannot_be_replayed_on_another_query(client: TestClient) -> None:
    cursor = rows(client, limit=10)["next_cursor"]
    r = client.get(f"{URL}/rows", params={"limit": 10, "f.설비ID": "M1", "cursor": cursor})
    assert r.status_code == 422
    assert r.json()["error"]["parameter"] == "cursor"


def test_parquet_round_trip(client: TestClient, api_world: ApiWorld) -> None:
    r = client.get(f"{URL}/rows", params={"format": "parquet", "limit": 10_000})
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    assert pl.read_parquet(io.BytesIO(r.content)).equals(api_world.table)


def test_csv_by_accept_header(client: TestClient, api_world: ApiWorld) -> None:
    r = client.get(f"{URL}/rows", params={"limit": 50}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    back = pl.read_csv(io.BytesIO(r.content))
    assert back.height == 50
    assert (
        back.get_column("온도").to_list() == api_world.table.head(50).get_column("온도").to_list()
    )


@pytest.mark.parametrize("cell", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_formula_injection_escaped(cell: str) -> None:
    df = pl.DataFrame({"text": [cell, "plain"], "n": [-1.5, 2.0]})
    out = escape_formulas(df)
    assert out.get_column("text").to_list() == ["'" + cell, "plain"]
    assert out.get_column("n").to_list() == [-1.5, 2.0]  # numbers are not text
    csv = out.write_csv()
    assert all(not line.startswith(("=", "+", "@")) for line in csv.splitlines())


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"columns": "온도,없는열"}, "columns"),
        ({"f.없는열": "1"}, "f.없는열"),
        ({"f.온도__gte": "뜨거움"}, "f.온도__gte"),
        ({"f.불량여부": "maybe"}, "f.불량여부"),
        ({"start": "어제"}, "start"),
        ({"cursor": "!!!"}, "cursor"),
        ({"cursor": "eyJvIjotMSwicSI6IngifQ"}, "cursor"),
        ({"limit": "10001"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"format": "xlsx"}, "format"),
    ],
)
def test_bad_parameters_are_422(client: TestClient, params: dict, parameter: str) -> None:
    r = client.get(f"{URL}/rows", params=params)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["parameter"] == parameter
    assert error["message_ko"] and error["message_en"]
    assert "Traceback" not in r.text


def test_schema_from_datapackage(client: TestClient) -> None:
    body = client.get(f"{URL}/schema").json()
    fields = {f["name"]: f for f in body["fields"]}
    assert body["time_column"] == "일시"
    assert fields["온도"]["unit"] == "℃"
    assert fields["일시"]["type"] == "datetime"


@pytest.mark.parametrize("path", ["rows", "schema", "croissant.json"])
def test_drafts_and_unknown_products_are_404(client: TestClient, path: str) -> None:
    for url in (f"/api/v1/products/api-draft/versions/1/{path}", f"{URL[:-1]}9/{path}"):
        r = client.get(url)
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"


def test_authorizer_override(api_world: ApiWorld) -> None:
    from mfgdata.api.app import create_app
    from mfgdata.api.deps import ProductRef, get_authorizer

    app = create_app(api_world.settings)
    calls: list[tuple[str, str]] = []

    def allow_all(product: ProductRef, action: str) -> None:
        calls.append((product.product_id, action))

    app.dependency_overrides[get_authorizer] = lambda: allow_all
    with TestClient(app) as c:
        assert c.get("/api/v1/products/api-draft/versions/1/rows?limit=1").status_code == 200
    assert calls == [("api-draft", "rows.read")]


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_paging_across_chunks(
    api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """Small chunks: pages that span chunks and skip chunks without matches."""
    from mfgdata.api import rowquery
    from mfgdata.api.app import create_app
    from mfgdata.api.deps import default_authorize, get_authorizer

    monkeypatch.setattr(rowquery, "CHUNK", 16)
    want = api_world.table.filter(pl.col("온도") >= 204.0).get_column("일시").to_list()
    app = create_app(api_world.settings)
    app.dependency_overrides[get_authorizer] = lambda: default_authorize
    with TestClient(app) as c:
        seen: list[str] = []
        params: dict[str, str | int] = {"f.온도__gte": "204", "limit": limit, "columns": "일시"}
        while True:
            body = c.get(f"{URL}/rows", params=params).json()
            seen += [r["일시"] for r in body["rows"]]
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]
    assert [datetime.fromisoformat(s) for s in seen] == want
