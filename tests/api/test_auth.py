"""Sign-up, login, logout, CSRF, login rate limit, API tokens (scoped, revocable), authorizer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mfgdata.db.engine import make_engine
from mfgdata.db.tables import ApiToken, AuditLog, ProductVersion
from webapp import PASSWORD, signup, web_app, web_settings


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = web_settings(tmp_path / "home", db_url, login_max_failures=3)
    with TestClient(web_app(settings), raise_server_exceptions=False) as c:
        yield c


def count(db_url: str, stmt: object) -> int:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            return int(s.scalar(stmt) or 0)  # type: ignore[call-overload]
    finally:
        engine.dispose()


def test_signup_sets_secure_cookies_and_me(client: TestClient) -> None:
    body = signup(client, "Acme")
    assert body["role"] == "member" and body["organisation"]["kind"] == "manufacturer"  # type: ignore[index]
    cookie = client.cookies.jar
    session = next(c for c in cookie if c.name == "mfgdata_session")
    assert session.has_nonstandard_attr("HttpOnly")
    me = client.get("/api/v1/me").json()
    assert me["authenticated"] and me["email"] == "first@acme.kr" and me["via"] == "session"
    buyer = TestClient(client.app)
    assert signup(buyer, "Shop", kind="buyer")["role"] == "buyer"


def test_signup_never_grants_global_roles(client: TestClient) -> None:
    resp = client.post(
        "/api/v1/auth/signup",
        json={
            "organisation": "X",
            "kind": "center",
            "email": "a@x.kr",
            "name": "a",
            "password": PASSWORD,
            "role": "admin",
        },
    )
    assert resp.status_code == 201 and resp.json()["role"] == "member"


def test_csrf_required_for_unsafe_requests_with_a_session(client: TestClient) -> None:
    signup(client, "Acme")
    token = client.headers.pop("X-CSRF-Token")
    resp = client.post("/api/v1/tokens", json={"name": "t", "scopes": ["read"]})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in resp.json()["error"]["message_en"]
    wrong = client.post(
        "/api/v1/tokens",
        json={"name": "t", "scopes": ["read"]},
        headers={"X-CSRF-Token": "x" + token},
    )
    assert wrong.status_code == 403
    ok = client.post(
        "/api/v1/tokens", json={"name": "t", "scopes": ["read"]}, headers={"X-CSRF-Token": token}
    )
    assert ok.status_code == 201
    assert client.post("/api/v1/auth/logout").status_code == 403  # logout is unsafe too


def test_logout_ends_the_session_server_side(client: TestClient) -> None:
    signup(client, "Acme")
    stolen = client.cookies.get("mfgdata_session")
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").json()["authenticated"] is False
    replay = TestClient(client.app, cookies={"mfgdata_session": stolen})
    assert replay.get("/api/v1/me").json()["authenticated"] is False
    forged = TestClient(client.app, cookies={"mfgdata_session": stolen[:-2] + "xx"})
    assert forged.get("/api/v1/me").json()["authenticated"] is False


def test_login_and_rate_limit_locks_after_failures(client: TestClient, db_url: str) -> None:
    signup(client, "Acme")
    other = TestClient(client.app)
    ok = other.post("/api/v1/auth/login", json={"email": "FIRST@acme.kr", "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["csrf_token"]
    attacker = TestClient(client.app)
    codes = [
        attacker.post(
            "/api/v1/auth/login", json={"email": "first@acme.kr", "password": "nope-nope"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    locked = attacker.post(
        "/api/v1/auth/login", json={"email": "first@acme.kr", "password": PASSWORD}
    )
    assert locked.status_code == 429 and locked.json()["error"]["message_ko"]
    n = count(db_url, select(func.count(AuditLog.id)).where(AuditLog.action == "login.failure"))
    assert n == 3


def test_tokens_shown_once_hashed_scoped_and_revocable(client: TestClient, db_url: str) -> None:
    signup(client, "Acme")
    made = client.post("/api/v1/tokens", json={"name": "ci", "scopes": ["read"]})
    assert made.status_code == 201
    secret = made.json()["token"]
    assert secret.startswith("mfg_")
    listed = client.get("/api/v1/tokens").json()
    assert [t["token"] for t in listed] == [None]
    stored = count(db_url, select(func.count(ApiToken.id)).where(ApiToken.secret_hash == secret))
    assert stored == 0  # never stored in clear
    bearer = TestClient(client.app, headers={"Authorization": f"Bearer {secret}"})
    me = bearer.get("/api/v1/me").json()
    assert me["via"] == "token" and me["scopes"] == ["read"]
    # no CSRF needed with a token, but the scope is checked: uploads need "api"
    up = bearer.post("/api/v1/uploads?filename=a.csv", content=b"a,b\n1,2\n")
    assert up.status_code == 403 and "api" in up.json()["error"]["message_en"]
    assert bearer.get("/api/v1/uploads").status_code == 200
    assert bearer.get("/api/v1/tokens").status_code == 403  # managing tokens needs a session
    token_id = made.json()["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}").json()["revoked_at"]
    assert bearer.get("/api/v1/me").status_code == 401
    assert bearer.get("/api/v1/uploads").status_code == 401


def test_token_of_another_user_cannot_be_revoked_or_confirmed(client: TestClient) -> None:
    signup(client, "Acme")
    token_id = client.post("/api/v1/tokens", json={"name": "x", "scopes": ["api"]}).json()["id"]
    other = TestClient(client.app)
    signup(other, "Bolt")
    assert other.delete(f"/api/v1/tokens/{token_id}").status_code == 404
    assert other.delete("/api/v1/tokens/999999").status_code == 404


@pytest.mark.parametrize(
    "header", ["Bearer mfg_AAAAAAAAnotarealtoken", "Basic dXNlcjpwYXNz", "Bearer "]
)
def test_bad_authorization_header_is_401(client: TestClient, header: str) -> None:
    resp = client.get("/api/v1/me", headers={"Authorization": header})
    assert resp.status_code == 401 and resp.json()["error"]["message_ko"]


def test_authorizer_scopes_grants_and_metering(
    client: TestClient, db_url: str, built_product: Path
) -> None:
    from mfgdata.catalog import workflow
    from mfgdata.catalog.register import register_product
    from mfgdata.db.tables import Organisation, Usage, User

    signup(client, "Acme")
    settings = client.app.state.settings  # type: ignore[attr-defined]
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as s:
        org = s.scalars(select(Organisation).where(Organisation.name == "Acme")).one()
        row = register_product(built_product, session=s, owner_org=org, settings=settings)
        pid = row.product_id
    engine.dispose()
    url = f"/api/v1/products/{pid}/versions/1/rows?limit=5"
    assert client.get(url).status_code == 200  # the owner reads its own draft
    api = client.post("/api/v1/tokens", json={"name": "a", "scopes": ["api", "read"]}).json()[
        "token"
    ]
    read = client.post("/api/v1/tokens", json={"name": "r", "scopes": ["read"]}).json()["token"]
    assert client.get(url, headers={"Authorization": f"Bearer {api}"}).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {read}"}).status_code == 403
    buyer = TestClient(client.app)
    signup(buyer, "Shop", kind="buyer")
    assert buyer.get(url).status_code == 404  # a draft of another organisation is not confirmed
    assert TestClient(client.app).get(url).status_code == 404
    with Session(make_engine(db_url), expire_on_commit=False) as s:
        version = s.scalars(select(ProductVersion).where(ProductVersion.product_id == pid)).one()
        workflow.verify(session=s, version=version, actor=None, settings=settings)
        workflow.publish(session=s, version=version, actor=None, settings=settings)
        s.commit()
    assert buyer.get(url).status_code == 403  # published, but no grant
    assert TestClient(client.app).get(url).status_code == 401
    client.app.state.usage.flush()  # type: ignore[attr-defined]  # metering is batched
    calls = count(db_url, select(func.count(Usage.id)).where(Usage.product_id == pid))
    rows = count(db_url, select(func.sum(Usage.rows)).where(Usage.product_id == pid))
    assert (calls, rows) == (2, 10)
    assert count(db_url, select(func.count(User.id))) == 2
