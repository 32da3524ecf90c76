"""Publishing through the Open API (SQLite and PostgreSQL): an unknown licence is refused in ko/en
before anything changes; the seller edits the proposed title, publishes under a standard licence,
and the downloaded zip carries the licence texts; buyers cannot publish."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.api.app import create_app
from mfgdata.catalog.licences import LICENCES
from mfgdata.catalog.register import register_product
from mfgdata.db.tables import AuditLog, ProductVersion, User
from mfgdata.settings import get_settings

PID = "injection-line-1"
URL = f"/api/v1/products/{PID}/versions/1"


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
    register_product(product_dir, session=db_session, owner_org=owner.org_id)
    tokens = {"owner": _bearer(db_session, owner), "buyer": _bearer(db_session, buyer)}
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client, tokens


def test_publish_with_a_licence_and_an_edited_title(
    world: tuple[TestClient, dict[str, dict[str, str]]], db_session: Session
) -> None:
    client, tokens = world
    bad = client.post(
        f"{URL}/publish", json={"licence": "GPL-3.0", "title_ko": "x"}, headers=tokens["owner"]
    )
    assert bad.status_code == 422, bad.text
    error = bad.json()["error"]
    assert "표준 라이선스가 아닙니다" in error["message_ko"] and "GPL-3.0" in error["message_en"]
    assert "commercial" in error["message_en"]
    db_session.expire_all()
    row = db_session.scalars(select(ProductVersion).where(ProductVersion.product_id == PID)).one()
    assert row.status == "draft" and row.product.title_ko != "x"  # nothing changed

    denied = client.post(f"{URL}/publish", json={"licence": "commercial"}, headers=tokens["buyer"])
    assert denied.status_code in (403, 404)
    assert client.post(f"{URL}/publish", json={}).status_code == 401

    body = {
        "licence": "commercial",
        "approval_required": False,
        "title_ko": "  사출기 3호기   공정 데이터 ",
        "title_en": "Injection machine 3 process data",
    }
    ok = client.post(f"{URL}/publish", json=body, headers=tokens["owner"])
    assert ok.status_code == 200, ok.text
    out = ok.json()
    assert out["status"] == "published" and out["licence"] == "commercial"
    assert out["title_ko"] == "사출기 3호기 공정 데이터" and out["approval_required"] is False
    found = client.get("/api/v1/products", params={"q": "3호기"}).json()
    assert [i["product_id"] for i in found["items"]] == [PID]  # the search text follows the edit

    got = client.get(f"{URL}/download", headers=tokens["owner"])
    assert got.status_code == 200 and got.headers["etag"].strip('"') == out["manifest_sha256"]
    with zipfile.ZipFile(io.BytesIO(got.content)) as zf:
        names = {n.split("/", 1)[1]: n for n in zf.namelist()}
        assert LICENCES["commercial"].text_ko in zf.read(names["LICENSE.ko.md"]).decode()
        assert LICENCES["commercial"].text_en in zf.read(names["LICENSE.en.md"]).decode()
        package = json.loads(zf.read(names["datapackage.json"]))
    assert package["licenses"][0]["name"] == "commercial"

    again = client.post(f"{URL}/publish", json={}, headers=tokens["owner"])
    assert again.status_code == 409 and again.json()["error"]["message_ko"]
    db_session.expire_all()
    actions = set(db_session.scalars(select(AuditLog.action)))
    assert {"product.edit", "product.verify", "product.publish"} <= actions
