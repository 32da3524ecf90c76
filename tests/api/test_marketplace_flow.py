"""The marketplace end to end over HTTP (SQLite and PostgreSQL): a buyer searches in English for a
product whose columns are Korean, orders an API plan under its licence, the seller approves, the
buyer downloads and calls the rows API with a token, and the monthly statement (JSON, XLSX, page)
shows those calls and their amount by the plan's tiers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.api.app import create_app
from mfgdata.catalog.metering import version_price_list
from mfgdata.catalog.register import register_product
from mfgdata.catalog.statements import month_start
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import ProductVersion, User, utcnow
from mfgdata.settings import get_settings

Tokens = dict[str, dict[str, str]]


def _bearer(session: Session, user: User) -> dict[str, str]:
    new = create_token(
        session=session, user=user, name=f"{user.role}-etl", scopes=["read", "api", "download"]
    )
    session.commit()
    return {"Authorization": f"Bearer {new.secret}"}


@pytest.fixture
def shop(
    db_session: Session, product_dir: Path
) -> Iterator[tuple[TestClient, Tokens, ProductVersion]]:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner, licence="commercial")
    db_session.commit()
    tokens = {"owner": _bearer(db_session, owner), "buyer": _bearer(db_session, buyer)}
    tokens["buyer-login"] = {"email": buyer.email, "password": "correct horse battery"}
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client, tokens, v


def test_search_order_approve_download_call_and_statement(
    shop: tuple[TestClient, Tokens, ProductVersion],
) -> None:
    client, tokens, v = shop
    found = client.get("/api/v1/products", params={"q": "equipment"}).json()  # column 설비ID
    assert [i["product_id"] for i in found["items"]] == [v.product_id]
    item = found["items"][0]
    order_in = {"product_id": v.product_id, "version": 1, "plan": "api", "accept_licence": True}
    order = client.post("/api/v1/orders", json=order_in, headers=tokens["buyer"]).json()
    assert order["status"] == "pending" and order["terms"]["api"]["tiers"]
    rows_url = item["links"]["rows"]
    assert client.get(rows_url, params={"limit": 5}, headers=tokens["buyer"]).status_code == 403
    approve = client.post(f"/api/v1/orders/{order['id']}/approve", headers=tokens["owner"])
    assert approve.json()["status"] == "approved"
    download = f"/api/v1/products/{v.product_id}/versions/1/download"
    assert client.get(download, headers=tokens["buyer"]).status_code == 200
    for limit in (5, 20):
        r = client.get(rows_url, params={"limit": limit}, headers=tokens["buyer"])
        assert r.status_code == 200, r.text
    prices = version_price_list(v)
    assert prices is not None
    expected = (prices.price(5) + prices.price(20)).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    month = f"{month_start(utcnow()):%Y-%m}"
    st = client.get(f"/api/v1/statements/{month}", headers=tokens["buyer"]).json()
    api_lines = [line for line in st["lines"] if line["plan"] == "api"]
    assert len(api_lines) == 1
    line = api_lines[0]
    assert (line["calls"], line["rows"], line["token"]) == (2, 25, "buyer-etl")
    assert line["bytes"] > 0 and Decimal(line["amount_krw"]) == expected
    assert line["order_id"] == order["id"] and line["counterparty"] == "Acme"
    assert Decimal(st["total_krw"]) == Decimal(st["subtotal_krw"]) + Decimal(st["vat_krw"])
    sold = client.get(
        f"/api/v1/statements/{month}", params={"side": "seller"}, headers=tokens["owner"]
    ).json()
    assert sold["subtotal_krw"] == st["subtotal_krw"]

    xlsx = client.get(
        f"/api/v1/statements/{month}", params={"format": "xlsx"}, headers=tokens["buyer"]
    )
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert 25 in cells and float(expected) in cells
    assert client.post("/api/v1/auth/login", json=tokens["buyer-login"]).status_code == 200
    page = client.get(f"/statements?month={month}")
    assert page.status_code == 200 and 'id="statement-total"' in page.text
    assert f"₩{int(Decimal(st['total_krw'])):,}" in page.text
    bad = client.get("/api/v1/statements/2026-13", headers=tokens["buyer"])
    assert bad.status_code == 422 and bad.json()["error"]["message_ko"]


@pytest.fixture
def slow_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Metered calls written only once a minute: a statement must not wait for the batch."""
    monkeypatch.setenv("MFGDATA_USAGE_FLUSH_SECONDS", "60")
    get_settings.cache_clear()


def test_a_statement_shows_the_calls_just_made(
    slow_batches: None, shop: tuple[TestClient, Tokens, ProductVersion]
) -> None:
    client, tokens, v = shop
    order_in = {"product_id": v.product_id, "version": 1, "plan": "api", "accept_licence": True}
    order = client.post("/api/v1/orders", json=order_in, headers=tokens["buyer"]).json()
    client.post(f"/api/v1/orders/{order['id']}/approve", headers=tokens["owner"])
    rows_url = f"/api/v1/products/{v.product_id}/versions/1/rows"
    assert client.get(rows_url, params={"limit": 7}, headers=tokens["buyer"]).status_code == 200
    assert client.app.state.usage.pending == 1  # type: ignore[attr-defined]  # not yet written
    month = f"{month_start(utcnow()):%Y-%m}"
    st = client.get(f"/api/v1/statements/{month}", headers=tokens["buyer"]).json()
    assert [(line["calls"], line["rows"]) for line in st["lines"]] == [(1, 7)]
    assert client.get(rows_url, params={"limit": 3}, headers=tokens["buyer"]).status_code == 200
    assert client.post("/api/v1/auth/login", json=tokens["buyer-login"]).status_code == 200
    page = client.get(f"/statements?month={month}").text
    assert '<td class="calls">2</td>' in page and '<td class="rows">10</td>' in page
