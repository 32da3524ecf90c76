# ruff: noqa: E501  (the matrix is a wide table on purpose)
"""Authorization matrix: every role × every endpoint of ``create_app`` (API and pages).

The routes are read from the app itself (``app.openapi()`` and the page routers), so a new
endpoint without a row in ``MATRIX`` fails ``test_every_route_has_a_matrix_row``.

Cells: ``Y`` allowed (2xx, or a redirect that is not to /login), ``N`` denied (401/403/404),
``L`` sent to the login page (a page that needs a browser login), ``C`` 409 conflict (the owner
asking access to its own product). Targets: ``draft`` (sec-draft), ``pub`` (sec-pub: published,
no grant), ``granted`` (sec-granted: published, granted to Buyer, Other, Supplier and Center);
``-`` when the route names no product. Roles: see ``security.world`` (``t_*`` are Bearer
tokens: the owner's read/download/api tokens and the admin's admin-only token). Pages treat a
Bearer token as anonymous (pages are for browsers; a token's scopes must not be bypassed).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import Response

from mfgdata.catalog.orders import place_order
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import utcnow
from security.world import CSV, DRAFT, GRANTED, PASSWORD, PUB, ROLES, SecWorld

P = "/api/v1/products/{product_id}/versions/{version}"
A = "/api/v1/aas"
S = "/api/v1/aas/submodels/{submodelIdentifier}"
PP = "/products/{product_id}/v/{version}"

# fmt: off
MATRIX = f"""
route                                                         target  anon owner other supplier buyer staff admin t_read t_down t_api t_admin
GET  {P}/rows                                                  draft   N    Y     N     N        N     N     Y     N      N      Y     N
GET  {P}/rows                                                  pub     N    Y     N     N        N     N     Y     N      N      Y     N
GET  {P}/rows                                                  granted N    Y     Y     Y        Y     Y     Y     N      N      Y     N
GET  {P}/images                                                draft   N    Y     N     N        N     N     Y     N      N      Y     N
GET  {P}/images                                                pub     N    Y     N     N        N     N     Y     N      N      Y     N
GET  {P}/images                                                granted N    Y     Y     Y        Y     Y     Y     N      N      Y     N
GET  {P}/images/{{path:path}}                                  pub     N    N     N     N        N     N     N     N      N      N     N
GET  {P}/images/{{path}}                                       pub     N    N     N     N        N     N     N     N      N      N     N
GET  {P}/schema                                                draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {P}/schema                                                pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {P}/schema                                                granted Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST {P}/predict                                               draft   N    Y     N     N        N     N     Y     N      N      Y     N
POST {P}/predict                                               pub     N    Y     N     N        N     N     Y     N      N      Y     N
POST {P}/predict                                               granted N    Y     Y     Y        Y     Y     Y     N      N      Y     N
GET  {P}/croissant.json                                        draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {P}/croissant.json                                        pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {P}/croissant.json                                        granted Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {P}/download                                              draft   N    Y     N     N        N     N     Y     N      Y      N     N
GET  {P}/download                                              pub     N    Y     N     N        N     N     Y     N      Y      N     N
GET  {P}/download                                              granted N    Y     Y     Y        Y     Y     Y     N      Y      N     N
GET  /api/v1/catalog.jsonld                                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/shells                                                -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/submodels                                             -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/concept-descriptions                                  -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/shells/{{aasIdentifier}}                              draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {A}/shells/{{aasIdentifier}}                              pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {A}/shells/{{aasIdentifier}}/submodel-refs                draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {A}/shells/{{aasIdentifier}}/submodel-refs                granted Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {S}                                                       draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {S}                                                       pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {S}/$value                                                draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {S}/$value                                                pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {S}/submodel-elements                                     draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {S}/submodel-elements                                     granted Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {S}/submodel-elements/{{idShortPath}}                     draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {S}/submodel-elements/{{idShortPath}}                     pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  {S}/submodel-elements/{{idShortPath}}/$value              draft   N    Y     N     N        N     Y     Y     Y      N      N     N
GET  {S}/submodel-elements/{{idShortPath}}/$value              pub     Y    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST /api/v1/auth/signup                                       -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/auth/login                                        -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/auth/logout                                       -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/me                                                -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/tokens                                            -       N    Y     Y     Y        Y     Y     Y     N      N      N     Y
GET  /api/v1/tokens                                            -       N    Y     Y     Y        Y     Y     Y     N      N      N     Y
DELETE /api/v1/tokens/{{token_id}}                             -       N    Y     N     N        N     N     Y     N      N      N     Y
POST /api/v1/uploads                                           -       N    Y     Y     Y        N     Y     Y     N      N      Y     N
GET  /api/v1/uploads                                           -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  /api/v1/uploads/{{upload_id}}                             -       N    Y     N     N        N     N     Y     Y      N      N     N
POST /api/v1/jobs/build                                        -       N    Y     N     N        N     N     Y     N      N      Y     N
GET  /api/v1/jobs                                              -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  /api/v1/jobs/{{job_id}}                                   -       N    Y     N     N        N     N     Y     Y      N      N     N
GET  /api/v1/jobs/{{job_id}}/progress                          -       N    Y     N     N        N     N     Y     Y      N      N     N
GET  /api/v1/openapi.json                                      -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/docs                                              -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /docs/oauth2-redirect                                     -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /static                                                   -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /                                                         -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /lang/{{code}}                                            -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /login                                                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /login                                                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /signup                                                   -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /signup                                                   -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /logout                                                   -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /account/tokens                                           -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /account/tokens                                           -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /account/tokens/{{token_id}}/revoke                       -       L    Y     N     N        N     N     N     L      L      L     L
GET  /upload                                                   -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
GET  /jobs/{{job_id}}                                          -       L    Y     N     N        N     N     Y     L      L      L     L
GET  /jobs/{{job_id}}/status                                   -       L    Y     N     N        N     N     Y     L      L      L     L
GET  /products/{{product_id}}                                  draft   N    Y     N     N        N     Y     Y     N      N      N     N
GET  /products/{{product_id}}                                  pub     Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {PP}                                                      draft   N    Y     N     N        N     Y     Y     N      N      N     N
GET  {PP}                                                      pub     Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {PP}                                                      granted Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {PP}/report                                               draft   N    Y     N     N        N     Y     Y     N      N      N     N
GET  {PP}/report                                               pub     Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {PP}/report.html                                          draft   N    Y     N     N        N     Y     Y     N      N      N     N
GET  {PP}/report.html                                          pub     Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {PP}/request-access                                       draft   L    C     N     N        N     Y     Y     L      L      L     L
POST {PP}/request-access                                       pub     L    C     Y     Y        Y     Y     Y     L      L      L     L
POST {PP}/request-access                                       granted L    C     Y     Y        Y     Y     Y     L      L      L     L
GET  /access                                                   -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /access/requests/{{request_id}}/{{decision}}              -       L    Y     N     N        N     N     Y     L      L      L     L
POST /access/grants/{{grant_id}}/revoke                        -       L    Y     N     N        N     N     Y     L      L      L     L
GET  /library                                                  -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST {PP}/workflow/{{step}}                                    draft   L    Y     N     N        N     Y     Y     L      L      L     L
POST {PP}/workflow/{{step}}                                    pub     L    Y     N     N        N     Y     Y     L      L      L     L
GET  /api/v1/products                                          -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {P}/retire                                                -       N    Y     N     N        N     Y     Y     N      N      Y     N
DELETE {P}                                                     -       N    Y     N     N        N     N     Y     N      N      Y     N
GET  /api/v1/licences                                          -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/licences/{{code}}.txt                             -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/orders                                            -       N    C     Y     Y        Y     Y     Y     N      N      C     N
GET  /api/v1/orders                                            -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  /api/v1/orders/{{order_id}}                               -       N    Y     N     N        Y     N     Y     Y      N      N     N
POST /api/v1/orders/{{order_id}}/{{decision}}                  -       N    Y     N     N        N     N     Y     N      N      Y     N
GET  /api/v1/orders/{{order_id}}/invoice                       -       N    Y     N     N        Y     N     Y     Y      N      N     N
GET  /api/v1/statements/{{month}}                              -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST {PP}/order                                                -       L    C     Y     Y        Y     Y     Y     L      L      L     L
GET  /orders                                                   -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /orders/{{order_id}}/{{decision}}                         -       L    Y     N     N        N     N     Y     L      L      L     L
GET  /orders/{{order_id}}/invoice                              -       L    Y     N     N        Y     N     Y     L      L      L     L
GET  /statements                                               -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
"""
# fmt: on

TARGETS = {"draft": DRAFT, "pub": PUB, "granted": GRANTED, "-": ""}
Row = tuple[str, str, dict[str, str]]


def parse_matrix(text: str) -> list[Row]:
    lines = [ln.split() for ln in text.strip().splitlines()]
    header = lines[0][2:]
    assert tuple(header) == ROLES, header
    out = []
    for parts in lines[1:]:
        method, path, target, *cells = parts
        assert len(cells) == len(ROLES), parts
        out.append((f"{method} {path}", target, dict(zip(ROLES, cells, strict=True))))
    return out


ROWS = parse_matrix(MATRIX)


def app_routes(app: FastAPI) -> set[str]:
    """Every (method, path) the app serves: the OpenAPI paths and the page/mount routes."""
    found = {
        f"{m.upper()} {path}"
        for path, ops in app.openapi()["paths"].items()
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    }

    def add(methods: Any, path: str) -> None:
        for m in methods or ("GET",):
            if m != "HEAD":
                found.add(f"{m} {path}")

    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):  # FastAPI's included routers
            for ctx in route.effective_route_contexts():
                add(getattr(ctx.original_route, "methods", None), ctx.path)
        elif hasattr(route, "path"):
            add(getattr(route, "methods", None), route.path)
    return found


# -- how to call each route as a valid request ------------------------------------------------
Req = tuple[str, str, dict[str, Any]]


def _env(world: SecWorld, target: str) -> dict[str, Any]:
    path = world.sources[TARGETS[target]] / "aas" / "environment.json"
    env: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return env


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _shell(world: SecWorld, target: str) -> str:
    return _b64(_env(world, target)["assetAdministrationShells"][0]["id"])


def _submodel(world: SecWorld, target: str) -> str:
    return _b64(_env(world, target)["submodels"][0]["id"])


def _p(target: str) -> str:
    return f"/api/v1/products/{TARGETS[target]}/versions/1"


def _form(data: dict[str, str]) -> dict[str, Any]:
    return {"data": data}


def _signup_body() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    return {
        "organisation": f"Org {tag}",
        "kind": "manufacturer",
        "email": f"u{tag}@new.kr",
        "name": "new",
        "password": PASSWORD,
    }


def _workflow(world: SecWorld, target: str) -> Req:
    pid = world.fresh_product("draft" if target == "draft" else "published")
    step = "verify" if target == "draft" else "retire"
    return "POST", f"/products/{pid}/v/1/workflow/{step}", {}


def _decide(world: SecWorld, _t: str) -> Req:
    req = world.fresh_request(world.fresh_product("published"))
    return "POST", f"/access/requests/{req}/deny", {}


def _revoke_grant(world: SecWorld, _t: str) -> Req:
    grant = world.fresh_grant(world.fresh_product("published"))
    return "POST", f"/access/grants/{grant}/revoke", {}


def _fresh_order(world: SecWorld) -> int:
    """A pending download order of a fresh published product of Owner, placed by Buyer."""
    pid = world.fresh_product("published")
    with world.session() as s:
        version = get_version(session=s, product_id=pid, version=1, viewer=None)
        order = place_order(
            session=s,
            buyer=world.user(s, "buyer"),
            version=version,
            plan="download",
            accept=True,
            settings=world.settings,
        )
        s.commit()
        return order.id


ORDER_BODY = {"version": 1, "plan": "download", "accept_licence": True}
MONTH = f"{utcnow():%Y-%m}"

Builder = Callable[[SecWorld, str], Req]
BUILDERS: dict[str, Builder] = {
    "GET /api/v1/products": lambda w, t: ("GET", "/api/v1/products?q=sec", {}),
    f"POST {P}/retire": lambda w, t: (
        "POST",
        f"/api/v1/products/{w.fresh_product('published')}/versions/1/retire",
        {},
    ),
    f"DELETE {P}": lambda w, t: (
        "DELETE",
        f"/api/v1/products/{w.fresh_product('draft')}/versions/1",
        {},
    ),
    "GET /api/v1/licences": lambda w, t: ("GET", "/api/v1/licences", {}),
    "GET /api/v1/licences/{code}.txt": lambda w, t: ("GET", "/api/v1/licences/commercial.txt", {}),
    "POST /api/v1/orders": lambda w, t: (
        "POST",
        "/api/v1/orders",
        {"json": {**ORDER_BODY, "product_id": w.fresh_product("published")}},
    ),
    "GET /api/v1/orders": lambda w, t: ("GET", "/api/v1/orders", {}),
    "GET /api/v1/orders/{order_id}": lambda w, t: ("GET", f"/api/v1/orders/{_fresh_order(w)}", {}),
    "POST /api/v1/orders/{order_id}/{decision}": lambda w, t: (
        "POST",
        f"/api/v1/orders/{_fresh_order(w)}/deny",
        {},
    ),
    "GET /api/v1/orders/{order_id}/invoice": lambda w, t: (
        "GET",
        f"/api/v1/orders/{_fresh_order(w)}/invoice",
        {},
    ),
    "GET /api/v1/statements/{month}": lambda w, t: ("GET", f"/api/v1/statements/{MONTH}", {}),
    f"POST {PP}/order": lambda w, t: (
        "POST",
        f"/products/{w.fresh_product('published')}/v/1/order",
        _form({"plan": "download", "accept": "yes"}),
    ),
    "GET /orders": lambda w, t: ("GET", "/orders", {}),
    "POST /orders/{order_id}/{decision}": lambda w, t: (
        "POST",
        f"/orders/{_fresh_order(w)}/deny",
        {},
    ),
    "GET /orders/{order_id}/invoice": lambda w, t: (
        "GET",
        f"/orders/{_fresh_order(w)}/invoice",
        {},
    ),
    "GET /statements": lambda w, t: ("GET", "/statements", {}),
    f"GET {P}/rows": lambda w, t: ("GET", f"{_p(t)}/rows?limit=2", {}),
    f"GET {P}/schema": lambda w, t: ("GET", f"{_p(t)}/schema", {}),
    # the world's products are tables: the list is empty, an image path is 404 for everyone
    # (tests/images/test_api.py serves images to the owner of an image product)
    f"GET {P}/images": lambda w, t: ("GET", f"{_p(t)}/images?limit=2", {}),
    f"GET {P}/images/{{path:path}}": lambda w, t: ("GET", f"{_p(t)}/images/a.png", {}),
    f"GET {P}/images/{{path}}": lambda w, t: ("GET", f"{_p(t)}/images/a/b.png", {}),
    f"POST {P}/predict": lambda w, t: ("POST", f"{_p(t)}/predict", {"json": {"rows": w.sample}}),
    f"GET {P}/croissant.json": lambda w, t: ("GET", f"{_p(t)}/croissant.json", {}),
    f"GET {P}/download": lambda w, t: ("GET", f"{_p(t)}/download", {}),
    "GET /api/v1/catalog.jsonld": lambda w, t: ("GET", "/api/v1/catalog.jsonld", {}),
    f"GET {A}/shells": lambda w, t: ("GET", f"{A}/shells", {}),
    f"GET {A}/submodels": lambda w, t: ("GET", f"{A}/submodels", {}),
    f"GET {A}/concept-descriptions": lambda w, t: ("GET", f"{A}/concept-descriptions", {}),
    f"GET {A}/shells/{{aasIdentifier}}": lambda w, t: ("GET", f"{A}/shells/{_shell(w, t)}", {}),
    f"GET {A}/shells/{{aasIdentifier}}/submodel-refs": lambda w, t: (
        "GET",
        f"{A}/shells/{_shell(w, t)}/submodel-refs",
        {},
    ),
    f"GET {S}": lambda w, t: ("GET", f"{A}/submodels/{_submodel(w, t)}", {}),
    f"GET {S}/$value": lambda w, t: ("GET", f"{A}/submodels/{_submodel(w, t)}/$value", {}),
    f"GET {S}/submodel-elements": lambda w, t: (
        "GET",
        f"{A}/submodels/{_submodel(w, t)}/submodel-elements",
        {},
    ),
    f"GET {S}/submodel-elements/{{idShortPath}}": lambda w, t: (
        "GET",
        f"{A}/submodels/{_submodel(w, t)}/submodel-elements/Version",
        {},
    ),
    f"GET {S}/submodel-elements/{{idShortPath}}/$value": lambda w, t: (
        "GET",
        f"{A}/submodels/{_submodel(w, t)}/submodel-elements/Version/$value",
        {},
    ),
    "POST /api/v1/auth/signup": lambda w, t: (
        "POST",
        "/api/v1/auth/signup",
        {"json": _signup_body()},
    ),
    "POST /api/v1/auth/login": lambda w, t: (
        "POST",
        "/api/v1/auth/login",
        {"json": {"email": "owner@owner.kr", "password": PASSWORD}},
    ),
    "POST /api/v1/auth/logout": lambda w, t: ("POST", "/api/v1/auth/logout", {}),
    "GET /api/v1/me": lambda w, t: ("GET", "/api/v1/me", {}),
    "POST /api/v1/tokens": lambda w, t: (
        "POST",
        "/api/v1/tokens",
        {"json": {"name": "m", "scopes": ["read"]}},
    ),
    "GET /api/v1/tokens": lambda w, t: ("GET", "/api/v1/tokens", {}),
    "DELETE /api/v1/tokens/{token_id}": lambda w, t: (
        "DELETE",
        f"/api/v1/tokens/{w.fresh_token('owner')}",
        {},
    ),
    "POST /api/v1/uploads": lambda w, t: (
        "POST",
        "/api/v1/uploads?filename=m.csv",
        {"content": CSV, "headers": {"Content-Type": "application/octet-stream"}},
    ),
    "GET /api/v1/uploads": lambda w, t: ("GET", "/api/v1/uploads", {}),
    "GET /api/v1/uploads/{upload_id}": lambda w, t: (
        "GET",
        f"/api/v1/uploads/{w.ids['owner_upload']}",
        {},
    ),
    "POST /api/v1/jobs/build": lambda w, t: (
        "POST",
        "/api/v1/jobs/build",
        {"json": {"uploads": [w.ids["owner_upload"]]}},
    ),
    "GET /api/v1/jobs": lambda w, t: ("GET", "/api/v1/jobs", {}),
    "GET /api/v1/jobs/{job_id}": lambda w, t: ("GET", f"/api/v1/jobs/{w.ids['owner_job']}", {}),
    "GET /api/v1/jobs/{job_id}/progress": lambda w, t: (
        "GET",
        f"/api/v1/jobs/{w.ids['owner_job']}/progress",
        {},
    ),
    "GET /api/v1/openapi.json": lambda w, t: ("GET", "/api/v1/openapi.json", {}),
    "GET /api/v1/docs": lambda w, t: ("GET", "/api/v1/docs", {}),
    "GET /docs/oauth2-redirect": lambda w, t: ("GET", "/docs/oauth2-redirect", {}),
    "GET /static": lambda w, t: ("GET", "/static/app.css", {}),
    "GET /": lambda w, t: ("GET", "/", {}),
    "GET /lang/{code}": lambda w, t: ("GET", "/lang/en?next=/library", {}),
    "GET /login": lambda w, t: ("GET", "/login", {}),
    "POST /login": lambda w, t: (
        "POST",
        "/login",
        _form({"email": "owner@owner.kr", "password": PASSWORD, "next": "/"}),
    ),
    "GET /signup": lambda w, t: ("GET", "/signup", {}),
    "POST /signup": lambda w, t: ("POST", "/signup", _form(_signup_body())),
    "POST /logout": lambda w, t: ("POST", "/logout", {}),
    "GET /account/tokens": lambda w, t: ("GET", "/account/tokens", {}),
    "POST /account/tokens": lambda w, t: (
        "POST",
        "/account/tokens",
        _form({"name": "page", "scopes": "api"}),
    ),
    "POST /account/tokens/{token_id}/revoke": lambda w, t: (
        "POST",
        f"/account/tokens/{w.fresh_token('owner')}/revoke",
        {},
    ),
    "GET /upload": lambda w, t: ("GET", "/upload", {}),
    "GET /jobs/{job_id}": lambda w, t: ("GET", f"/jobs/{w.ids['owner_job']}", {}),
    "GET /jobs/{job_id}/status": lambda w, t: ("GET", f"/jobs/{w.ids['owner_job']}/status", {}),
    "GET /products/{product_id}": lambda w, t: ("GET", f"/products/{TARGETS[t]}", {}),
    f"GET {PP}": lambda w, t: ("GET", f"/products/{TARGETS[t]}/v/1", {}),
    f"GET {PP}/report": lambda w, t: ("GET", f"/products/{TARGETS[t]}/v/1/report", {}),
    f"GET {PP}/report.html": lambda w, t: ("GET", f"/products/{TARGETS[t]}/v/1/report.html", {}),
    f"POST {PP}/request-access": lambda w, t: (
        "POST",
        f"/products/{TARGETS[t]}/v/1/request-access",
        _form({"message": "please"}),
    ),
    "GET /access": lambda w, t: ("GET", "/access", {}),
    "POST /access/requests/{request_id}/{decision}": _decide,
    "POST /access/grants/{grant_id}/revoke": _revoke_grant,
    "GET /library": lambda w, t: ("GET", "/library", {}),
    f"POST {PP}/workflow/{{step}}": _workflow,
}


def outcome(resp: Response) -> str:
    status = resp.status_code
    if status in (301, 302, 303, 307, 308):
        return "L" if resp.headers.get("location", "").startswith("/login") else "Y"
    if 200 <= status < 300:
        return "Y"
    if status in (401, 403, 404):
        return "N"
    if status == 409:
        return "C"
    return f"?{status}"


def call(world: SecWorld, role: str, route: str, target: str) -> Response:
    method, url, kwargs = BUILDERS[route](world, target)
    with world.client(role) as client:
        return client.request(method, url, **kwargs)


@pytest.fixture(scope="module")
def routes(world: SecWorld) -> Iterator[set[str]]:
    yield app_routes(world.app)


def test_every_route_has_a_matrix_row(routes: set[str]) -> None:
    in_matrix = {route for route, _t, _c in ROWS}
    assert len(routes) >= 55
    assert sorted(routes - in_matrix) == [], "new endpoint(s) without an authorization row"
    assert sorted(in_matrix - routes) == [], "matrix rows for routes that no longer exist"
    assert sorted(set(BUILDERS) ^ in_matrix) == []


@pytest.mark.parametrize(
    ("route", "target", "expected"), ROWS, ids=[f"{r}@{t}" for r, t, _ in ROWS]
)
def test_authorization_matrix(
    world: SecWorld, route: str, target: str, expected: dict[str, str]
) -> None:
    got = {role: outcome(call(world, role, route, target)) for role in ROLES}
    wrong = {
        role: f"expected {expected[role]}, got {got[role]}"
        for role in ROLES
        if got[role] != expected[role]
    }
    assert wrong == {}, f"{route} @ {target}"
