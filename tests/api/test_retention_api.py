"""Retire and delete through the Open API (SQLite and PostgreSQL): a retired version leaves the
search but its grantees still download it; a delete within a year is refused in ko/en, audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.api.app import create_app
from mfgdata.catalog.access import grant_access
from mfgdata.catalog.register import register_product
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import AuditLog, ProductVersion, User
from mfgdata.settings import get_settings

PID = "injection-line-1"


def _bearer(session: Session, user: User) -> dict[str, str]:
    new = create_token(session=session, user=user, name="t", scopes=["read", "api", "download"])
    session.commit()
    return {"Authorization": f"Bearer {new.secret}"}


@pytest.fixture
def world(
    db_session: Session, product_dir: Path
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    stranger = make_user(db_session, org="Other Buyer", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner)
    grant_access(session=db_session, product=v.product, org_id=buyer.org_id, actor=owner)
    db_session.commit()
    tokens = {
        "owner": _bearer(db_session, owner),
        "buyer": _bearer(db_session, buyer),
        "stranger": _bearer(db_session, stranger),
    }
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client, tokens


def test_retire_hides_from_search_and_keeps_grantee_downloads(
    world: tuple[TestClient, dict[str, dict[str, str]]], db_session: Session
) -> None:
    client, tokens = world
    url = f"/api/v1/products/{PID}/versions/1"
    assert client.post(f"{url}/retire", headers=tokens["buyer"]).status_code == 403
    assert client.get("/api/v1/products", params={"q": "사출"}).json()["total"] == 1
    r = client.post(f"{url}/retire", headers=tokens["owner"])
    assert r.status_code == 200 and r.json()["status"] == "retired", r.text
    assert client.get("/api/v1/products", params={"q": "사출"}).json()["total"] == 0
    assert client.get(f"{url}/download", headers=tokens["buyer"]).status_code == 200
    assert client.get(f"{url}/download", headers=tokens["stranger"]).status_code == 404
    again = client.post(f"{url}/retire", headers=tokens["owner"])
    assert again.status_code == 409 and again.json()["error"]["message_ko"]


def test_delete_is_refused_within_a_year(
    world: tuple[TestClient, dict[str, dict[str, str]]], db_session: Session
) -> None:
    client, tokens = world
    url = f"/api/v1/products/{PID}/versions/1"
    published = client.delete(url, headers=tokens["owner"])
    assert published.status_code == 409
    assert "retire" in published.json()["error"]["message_en"]
    client.post(f"{url}/retire", headers=tokens["owner"])
    kept = client.delete(url, headers=tokens["owner"])
    error = kept.json()["error"]
    assert kept.status_code == 409 and error["code"] == "workflow_error"
    assert "1년" in error["message_ko"] and "one year" in error["message_en"]
    assert client.delete(url, headers=tokens["buyer"]).status_code in (403, 404)
    assert client.delete(url).status_code == 401
    db_session.expire_all()
    assert db_session.scalars(select(ProductVersion)).one().status == "retired"
    refused = db_session.scalars(
        select(AuditLog).where(AuditLog.action == "product.delete.refused")
    ).all()
    assert [a.detail["reason"] for a in refused] == ["published", "retention"]
