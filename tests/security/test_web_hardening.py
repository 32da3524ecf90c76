"""Session cookie flags, CSRF on every unsafe route, page-login rate limit, hashed tokens, the
audit trail of security actions, no passwords in logs, no traces or SQL in error responses."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

from mfgdata.api import sessions
from mfgdata.db.tables import AuditLog
from security.test_authz_matrix import BUILDERS, ROWS
from security.world import PASSWORD, PUB, SecWorld

LEAKS = re.compile(
    r"Traceback|File \"/|sqlalchemy|psycopg|sqlite3|SELECT .* FROM|\bINSERT INTO\b|"
    r"OperationalError|IntegrityError|DataError|ProgrammingError",
    re.IGNORECASE,
)
#: routes that take no session: sign-up and log-in (nothing to protect yet), see the report
NO_SESSION = {"POST /api/v1/auth/signup", "POST /api/v1/auth/login", "POST /login", "POST /signup"}
UNSAFE = sorted(
    {(r, t) for r, t, _ in ROWS if r.split()[0] in ("POST", "PUT", "PATCH", "DELETE")}
    - {(r, "-") for r in NO_SESSION}
)


def _cookie_attrs(resp: Any, name: str) -> str:
    header = next(h for h in resp.headers.get_list("set-cookie") if h.startswith(f"{name}="))
    return header.lower()


@pytest.mark.parametrize("via", ["api", "page"])
def test_session_cookie_flags(world: SecWorld, via: str) -> None:
    with TestClient(world.app, follow_redirects=False, client=(f"10.0.0.{len(via)}", 1)) as c:
        if via == "api":
            resp = c.post(
                "/api/v1/auth/login", json={"email": "owner@owner.kr", "password": PASSWORD}
            )
        else:
            resp = c.post("/login", data={"email": "owner@owner.kr", "password": PASSWORD})
    assert resp.status_code in (200, 303), resp.text
    session = _cookie_attrs(resp, sessions.SESSION_COOKIE)
    csrf = _cookie_attrs(resp, sessions.CSRF_COOKIE)
    assert "httponly" in session and "samesite=lax" in session and "path=/" in session
    assert "httponly" not in csrf and "samesite=strict" in csrf  # read by the page's script


def test_cookies_are_secure_when_configured(world: SecWorld) -> None:
    from mfgdata.api.app import create_app

    app = create_app(world.settings.model_copy(update={"cookie_secure": True}))
    with TestClient(app, client=("10.0.0.9", 1)) as c:
        resp = c.post("/api/v1/auth/login", json={"email": "owner@owner.kr", "password": PASSWORD})
    for name in (sessions.SESSION_COOKIE, sessions.CSRF_COOKIE):
        assert "secure" in _cookie_attrs(resp, name)


@pytest.mark.parametrize("csrf", ["missing", "wrong", "other-session"])
@pytest.mark.parametrize(("route", "target"), UNSAFE, ids=[f"{r}@{t}" for r, t in UNSAFE])
def test_csrf_is_enforced_on_every_unsafe_route(
    world: SecWorld, route: str, target: str, csrf: str
) -> None:
    method, url, kwargs = BUILDERS[route](world, target)
    with world.client("owner") as client:
        if csrf == "missing":
            client.headers.pop(sessions.CSRF_HEADER)
        elif csrf == "wrong":
            client.headers[sessions.CSRF_HEADER] = "x" * 43
        else:  # a token of another session, sent as header and cookie (double submit forged)
            other = world.client("owner").headers[sessions.CSRF_HEADER]
            client.headers[sessions.CSRF_HEADER] = other
            client.cookies.set(sessions.CSRF_COOKIE, other)
        if "data" in kwargs:  # forms may carry the token as a field: a wrong one there too
            kwargs = {**kwargs, "data": {**kwargs["data"], "csrf_token": "x" * 43}}
        resp = client.request(method, url, **kwargs)
    assert resp.status_code == 403, (route, resp.status_code, resp.text[:200])


def test_page_login_is_rate_limited_like_the_api(world: SecWorld) -> None:
    ip = ("10.9.9.9", 1)
    with TestClient(world.app, follow_redirects=False, client=ip) as c:
        codes = [
            c.post("/login", data={"email": "buyer@buyer.kr", "password": "wrong"}).status_code
            for _ in range(world.settings.login_max_failures + 1)
        ]
        right = c.post("/login", data={"email": "buyer@buyer.kr", "password": PASSWORD})
        api = c.post("/api/v1/auth/login", json={"email": "buyer@buyer.kr", "password": PASSWORD})
    assert codes[:-1] == [401] * world.settings.login_max_failures and codes[-1] == 429
    assert right.status_code == 429 and "mfgdata_session" not in right.headers.get("set-cookie", "")
    assert api.status_code == 429


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, True),  # a form on another site posts here
        ({"Origin": "https://evil.example"}, True),  # older browsers: no Sec-Fetch-Site
        ({"Origin": "null"}, True),  # a sandboxed frame or data: page
        ({"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}, False),
        ({"Origin": "http://testserver"}, False),
        ({}, False),  # a script without a browser: no victim's cookies to plant
    ],
)
def test_login_and_signup_forms_refuse_other_sites(
    world: SecWorld, headers: dict[str, str], refused: bool
) -> None:
    """Login CSRF: before a session exists there is no token, so the browser's headers decide."""
    ip = (f"10.7.{len(headers)}.{sum(map(len, headers.values())) % 250}", 1)
    email = f"new{ip[0]}@x.kr"  # its own account: other tests' failed logins do not lock it
    form = {"organisation": f"새 회사 {ip[0]}", "kind": "buyer", "name": "김", "email": email}
    with TestClient(world.app, follow_redirects=False, client=ip) as c:
        signup = c.post("/signup", data={**form, "password": PASSWORD}, headers=headers)
        c.cookies.clear()
        login = c.post("/login", data={"email": email, "password": PASSWORD}, headers=headers)
    for resp in (login, signup):
        planted = "mfgdata_session" in resp.headers.get("set-cookie", "")
        assert planted is not refused, (resp.status_code, headers)
    if refused:
        assert login.status_code == 403 and "다른 사이트" in login.text
        assert "다른 사이트" in signup.text


def _all_text(world: SecWorld) -> str:
    """Every text/JSON cell of every table, concatenated."""
    out = []
    with world.session() as s:
        bind = s.get_bind()
        for table in inspect(bind).get_table_names():
            for row in s.execute(text(f'SELECT * FROM "{table}"')):
                out.extend(str(v) for v in row if v is not None)
    return "\n".join(out)


def test_tokens_and_passwords_are_never_stored_in_plain_text(world: SecWorld) -> None:
    with world.client("owner") as c:
        made = c.post("/api/v1/tokens", json={"name": "scan", "scopes": ["read"]}).json()
        page = c.post("/account/tokens", data={"name": "scan-page", "scopes": "read"})
    secrets = [made["token"], *world.secrets.values()]
    found = re.search(r"mfg_[A-Za-z0-9_-]{20,}", page.text)
    assert found is not None  # shown once on the page
    secrets.append(found.group(0))
    dump = _all_text(world)
    for secret in secrets:
        assert secret not in dump and secret[4:] not in dump
    assert PASSWORD not in dump


def test_security_actions_are_audited(world: SecWorld) -> None:
    with world.session() as s:
        start = s.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) or 0
    with TestClient(world.app, follow_redirects=False, client=("10.7.7.7", 1)) as c:
        c.post("/login", data={"email": "owner@owner.kr", "password": "wrong password"})
        c.post("/api/v1/auth/login", json={"email": "owner@owner.kr", "password": PASSWORD})
    with world.client("owner") as c:
        token = c.post("/api/v1/tokens", json={"name": "audit", "scopes": ["read"]}).json()
        c.delete(f"/api/v1/tokens/{token['id']}")
        assert c.get(f"/api/v1/products/{PUB}/versions/1/download").status_code == 200
        pid = world.fresh_product("draft")
        assert c.post(f"/products/{pid}/v/1/workflow/publish").status_code == 303
    req = world.fresh_request(pid)
    with world.client("owner") as c:
        assert c.post(f"/access/requests/{req}/approve").status_code == 303
    with world.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.id > start)).all()
    actions = {r.action for r in rows}
    wanted = {
        "login.failure",
        "login.success",
        "token.create",
        "token.revoke",
        "product.download",
        "product.publish",
        "access.approve",
        "grant.create",
    }
    assert wanted <= actions, wanted - actions
    assert all(PASSWORD not in str(r.detail) for r in rows)
    login = [r for r in rows if r.action.startswith("login.")]
    assert all(r.ip == "10.7.7.7" for r in login)


def test_passwords_are_never_logged(world: SecWorld, caplog: pytest.LogCaptureFixture) -> None:
    secret = "Sup3r-secret-pass!"
    caplog.set_level(logging.DEBUG)
    with TestClient(world.app, follow_redirects=False, client=("10.6.6.6", 1)) as c:
        c.post("/api/v1/auth/login", json={"email": "owner@owner.kr", "password": secret})
        c.post("/login", data={"email": "owner@owner.kr", "password": secret})
        c.post(
            "/api/v1/auth/signup",
            json={
                "organisation": "Log",
                "kind": "buyer",
                "email": "l@log.kr",
                "name": "l",
                "password": secret,
            },
        )
        c.post("/api/v1/auth/login", json={"email": "l@log.kr", "password": 12345})  # 422
    assert secret not in caplog.text and "12345" not in caplog.text


MALFORMED: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/v1/uploads/abc", {}),
    ("GET", "/api/v1/uploads/99999999999999999999", {}),
    ("GET", "/api/v1/jobs/2147483648", {}),
    ("GET", "/api/v1/jobs/-1/progress", {}),
    ("DELETE", "/api/v1/tokens/9223372036854775808", {}),
    ("GET", f"/api/v1/products/{PUB}/versions/4294967296/rows", {}),
    ("GET", f"/api/v1/products/{PUB}/versions/1/rows?filter=x'%3B DROP TABLE users--", {}),
    ("GET", f"/api/v1/products/{PUB}/versions/1/rows?columns=%00,%22&limit=-5", {}),
    ("GET", f"/api/v1/products/{PUB}/versions/1/rows?cursor=%%%%&format=xml", {}),
    ("GET", f"/api/v1/products/{PUB}/versions/1/rows?온도=gt:abc&일시=between:x,y", {}),
    ("POST", f"/api/v1/products/{PUB}/versions/1/predict", {"content": b"{not json"}),
    ("POST", f"/api/v1/products/{PUB}/versions/1/predict", {"json": {"rows": [{"온도": "x"}]}}),
    ("POST", f"/api/v1/products/{PUB}/versions/1/predict", {"json": [1, 2, 3]}),
    ("GET", f"/api/v1/products/{PUB}/versions/1/download", {"headers": {"Range": "bytes=9-1"}}),
    ("GET", f"/api/v1/products/{PUB}/versions/1/download", {"headers": {"Range": "bytes=x-"}}),
    ("GET", "/api/v1/aas/shells/!!!notbase64", {}),
    ("GET", "/api/v1/aas/submodels/%FF%FE/submodel-elements/a.b.c/$value", {}),
    ("GET", "/api/v1/aas/shells?limit=-1&cursor=%00", {}),
    (
        "POST",
        "/api/v1/auth/signup",
        {"content": b"\xff\xfe", "headers": {"Content-Type": "application/json"}},
    ),
    ("POST", "/api/v1/auth/login", {"json": {"email": ["x"], "password": None}}),
    ("POST", "/api/v1/tokens", {"json": {"name": "x", "scopes": ["root"]}}),
    ("POST", "/api/v1/jobs/build", {"json": {"uploads": [9223372036854775808]}}),
    ("POST", "/api/v1/jobs/build", {"json": {"uploads": [1], "product_id": "../../etc"}}),
    (
        "POST",
        "/api/v1/uploads",
        {"content": b"--x\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=x"}},
    ),
    ("GET", "/jobs/99999999999999999999/status", {}),
    ("GET", "/products/x/v/99999999999", {}),
    ("POST", "/access/requests/2147483648/approve", {}),
    ("POST", "/access/grants/abc/revoke", {}),
    ("POST", "/account/tokens/9223372036854775808/revoke", {}),
    ("POST", "/account/tokens", {"data": {"name": "x", "scopes": "root"}}),
    ("POST", f"/products/{PUB}/v/1/workflow/delete", {}),
    (
        "POST",
        "/signup",
        {"data": {"organisation": "", "kind": "x", "name": "", "email": "", "password": ""}},
    ),
    ("GET", "/?process_family=%00&cursor=%%%%", {}),
]


@pytest.mark.parametrize("role", ["owner", "t_api", "anon"])
@pytest.mark.parametrize(
    ("method", "url", "kwargs"), MALFORMED, ids=[f"{m} {u}" for m, u, _ in MALFORMED]
)
def test_malformed_input_never_leaks_a_trace_or_sql(
    world: SecWorld, role: str, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    with world.client(role) as client:
        resp = client.request(method, url, **kwargs)
    assert resp.status_code < 500, (resp.status_code, resp.text[:300])
    assert not LEAKS.search(resp.text), resp.text[:500]


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example", "/\n/x"],
)
def test_next_redirects_never_leave_the_site(world: SecWorld, target: str) -> None:
    with TestClient(world.app, follow_redirects=False, client=("10.5.5.5", 1)) as c:
        lang = c.get("/lang/en", params={"next": target})
        login = c.post(
            "/login", data={"email": "owner@owner.kr", "password": PASSWORD, "next": target}
        )
        form = c.get("/login", params={"next": target})
    assert lang.headers["location"] == "/" and login.headers["location"] == "/"
    [field] = re.findall(r'name="next" value="([^"]*)"', form.text)
    assert field == "/"


def test_local_next_redirects_are_kept(world: SecWorld) -> None:
    with TestClient(world.app, follow_redirects=False, client=("10.5.5.6", 1)) as c:
        assert c.get("/lang/ko", params={"next": "/library?x=1"}).headers["location"] == (
            "/library?x=1"
        )
