"""Orders over the Open API (SQLite and PostgreSQL): licences, an order refused without the
licence, placed with it, approved by the seller, then downloaded; the invoice; who sees what."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.api.app import create_app
from mfgdata.catalog.licences import LICENCES
from mfgdata.catalog.register import register_product
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import User
from mfgdata.settings import get_settings

PID = "injection-line-1"
Tokens = dict[str, dict[str, str]]


def _bearer(session: Session, user: User) -> dict[str, str]:
    new = create_token(session=session, user=user, name="t", scopes=["read", "api", "download"])
    session.commit()
    return {"Authorization": f"Bearer {new.secret}"}


@pytest.fixture
def world(db_session: Session, product_dir: Path) -> Iterator[tuple[TestClient, Tokens]]:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    stranger = make_user(db_session, org="Other Buyer", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner, licence="internal-use")
    db_session.commit()
    tokens = {
        name: _bearer(db_session, u)
        for name, u in (("owner", owner), ("buyer", buyer), ("stranger", stranger))
    }
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client, tokens


def test_licences_are_listed_in_both_languages(world: tuple[TestClient, Tokens]) -> None:
    client, _ = world
    body = client.get("/api/v1/licences").json()
    assert [lic["code"] for lic in body] == list(LICENCES)
    assert all(lic["text_ko"] and lic["text_en"] and len(lic["sha256"]) == 64 for lic in body)
    text = client.get("/api/v1/licences/commercial.txt")
    assert text.status_code == 200 and "상업적" in text.text and "Commercial" in text.text
    assert client.get("/api/v1/licences/nope.txt").status_code == 422


def test_order_approve_download_and_invoice(world: tuple[TestClient, Tokens]) -> None:
    client, tokens = world
    order_in = {"product_id": PID, "version": 1, "plan": "download", "accept_licence": False}
    refused = client.post("/api/v1/orders", json=order_in, headers=tokens["buyer"])
    assert refused.status_code == 422 and "licence" in refused.json()["error"]["message_en"]
    stale = {**order_in, "accept_licence": True, "licence_sha256": "0" * 64}
    assert client.post("/api/v1/orders", json=stale, headers=tokens["buyer"]).status_code == 422
    good = {**stale, "licence_sha256": LICENCES["internal-use"].sha256}
    r = client.post("/api/v1/orders", json=good, headers=tokens["buyer"])
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "pending" and order["licence"] == "internal-use"
    price, vat = Decimal(order["price_krw"]), Decimal(order["vat_krw"])
    assert vat == (price / 10).to_integral_value() and Decimal(order["total_krw"]) == price + vat
    download = f"/api/v1/products/{PID}/versions/1/download"
    assert client.get(download, headers=tokens["buyer"]).status_code == 403
    oid = order["id"]
    assert client.post(f"/api/v1/orders/{oid}/approve", headers=tokens["buyer"]).status_code == 403
    assert client.get(f"/api/v1/orders/{oid}", headers=tokens["stranger"]).status_code == 404
    approved = client.post(f"/api/v1/orders/{oid}/approve", headers=tokens["owner"])
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = client.post(f"/api/v1/orders/{oid}/deny", headers=tokens["owner"])
    assert again.status_code == 409
    assert client.get(download, headers=tokens["buyer"]).status_code == 200
    invoice = client.get(order["invoice"], headers=tokens["buyer"])
    assert invoice.status_code == 200 and invoice.headers["content-type"].startswith("text/html")
    assert f"₩{int(Decimal(order['total_krw'])):,}" in invoice.text and "승인됨" in invoice.text
    pdf = client.get(f"{order['invoice']}.pdf", headers=tokens["buyer"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"합계 / Total ₩{int(Decimal(order['total_krw'])):,} KRW" in text and "승인됨" in text
    assert client.get(f"{order['invoice']}.pdf").status_code == 401
    mine = client.get("/api/v1/orders", headers=tokens["buyer"]).json()
    sold = client.get("/api/v1/orders", params={"side": "seller"}, headers=tokens["owner"]).json()
    assert [o["id"] for o in mine] == [o["id"] for o in sold] == [oid]
    assert client.get("/api/v1/orders", headers=tokens["stranger"]).json() == []
    assert client.post("/api/v1/orders", json=good).status_code == 401
