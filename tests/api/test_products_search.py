"""GET /api/v1/products on SQLite and PostgreSQL: facets, sort, cursor paging, visibility, and the
same answer as the web page ``/?q=`` and ``mfgdata search`` (one library function behind all)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from catalog.library import Library
from catalog.test_search_market import market  # noqa: F401  (fixture)
from mfgdata.api.app import create_app
from mfgdata.cli.app import app as cli_app
from mfgdata.cli.console import console
from mfgdata.db.tables import ProductVersion
from mfgdata.settings import get_settings

Market = tuple[Library, ProductVersion]


@pytest.fixture
def client(market: Market) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as c:
        yield c


def _api_ids(client: TestClient, **params: object) -> list[str]:
    r = client.get("/api/v1/products", params=params)  # type: ignore[arg-type]
    assert r.status_code == 200, r.text
    return [item["product_id"] for item in r.json()["items"]]


def test_search_api_facets_and_items(client: TestClient, market: Market) -> None:  # noqa: F811
    r = client.get("/api/v1/products", params={"q": "reactor"})
    body = r.json()
    assert r.status_code == 200 and body["total"] == 1 and body["next_cursor"] is None
    item = body["items"][0]
    assert item["product_id"] == "reactor-log" and item["organisation"] == "한국정밀화학"
    assert item["links"]["rows"].endswith("/api/v1/products/reactor-log/versions/1/rows")
    assert body["facets"]["organisation"] == {"한국정밀화학": 1}
    assert _api_ids(client, q="화학") == ["reactor-log"]
    assert _api_ids(client, organisation="Acme", sort="price_desc") == [
        "press-die",
        "weld-seam",
        "injection-line-1",
    ]
    assert _api_ids(client, price_min=1_000_000, price_max=10_000_000) == ["weld-seam"]
    assert set(_api_ids(client, process_family=["welding", "press"])) == {"weld-seam", "press-die"}
    # anonymous callers never see a draft (Beta's heat-draft), even by its own words
    assert _api_ids(client, q="열처리") == []


def test_search_api_pages_by_cursor(client: TestClient, market: Market) -> None:  # noqa: F811
    seen: list[str] = []
    params: dict[str, object] = {"limit": 3, "sort": "price_asc"}
    for _ in range(5):
        body = client.get("/api/v1/products", params=params).json()  # type: ignore[arg-type]
        seen += [i["product_id"] for i in body["items"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == _api_ids(client, sort="price_asc", limit=50)
    assert len(seen) == 4 and len(set(seen)) == 4


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"sort": "cheapest"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"price_min": -1}, "price_min"),
        ({"cursor": "not-a-cursor"}, None),
        ({"updated": "yesterday"}, None),
    ],
)
def test_search_api_refuses_bad_parameters(
    client: TestClient,
    params: dict[str, object],
    parameter: str | None,
) -> None:
    r = client.get("/api/v1/products", params=params)  # type: ignore[arg-type]
    if params.get("updated"):  # an unknown bucket is a filter that matches nothing
        assert r.status_code == 200 and r.json()["total"] == 0
        return
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["message_ko"] and error["message_en"]
    if parameter:
        assert error["parameter"] == parameter


def _web_ids(client: TestClient, query: str) -> list[str]:
    html = client.get("/" + query).text
    return re.findall(r'<h3><a href="/products/([^/"]+)/v/\d+">', html)


def test_api_web_and_cli_give_the_same_results(
    client: TestClient,
    market: Market,  # noqa: F811
    db_session: Session,
    mfgdata_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cases = [
        ("?q=reactor", {"q": "reactor"}),
        ("?q=equipment", {"q": "equipment"}),
        ("?q=Acme&price_range=1m_10m&price_range=ge_100m", {"q": "Acme"}),
        ("?organisation=Acme&sort=price_desc", {"organisation": "Acme", "sort": "price_desc"}),
    ]
    for web_query, _ in cases:
        params = dict(re.findall(r"(\w+)=([^&]+)", web_query))
        ranges = re.findall(r"price_range=([^&]+)", web_query)
        api_params: dict[str, object] = {**params, **({"price_range": ranges} if ranges else {})}
        assert _web_ids(client, web_query) == _api_ids(client, **api_params), web_query
    monkeypatch.setattr(console, "width", 200)  # rich would shorten ids in a narrow table
    out = CliRunner().invoke(cli_app, ["search", "Acme", "--sort", "price_desc"])
    assert out.exit_code == 0, out.output
    shown = [pid for pid in re.findall(r"[a-z]+-[a-z0-9-]+", out.output) if "-" in pid]
    ordered = [
        p for p in dict.fromkeys(shown) if p in {"press-die", "weld-seam", "injection-line-1"}
    ]
    assert ordered == _api_ids(client, q="Acme", sort="price_desc")
