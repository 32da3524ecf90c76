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
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import Response

from mfgdata.catalog.orders import place_order
from mfgdata.center import events, surveystore, testbeds
from mfgdata.center.access import set_staff_regions
from mfgdata.center.codes import business_number_check_digit
from mfgdata.center.companies import create_company, parse_company
from mfgdata.center.surveytemplates import template
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import (
    CenterCompany,
    ConsultingAssignment,
    ConsultingRequest,
    Expert,
    MatchStageEvent,
    Supplier,
    SupplierMatch,
    utcnow,
)
from security import programs_world, valuechain_world
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
GET  {P}/schema                                                draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {P}/schema                                                pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {P}/schema                                                granted Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
POST {P}/predict                                               draft   N    Y     N     N        N     N     Y     N      N      Y     N
POST {P}/predict                                               pub     N    Y     N     N        N     N     Y     N      N      Y     N
POST {P}/predict                                               granted N    Y     Y     Y        Y     Y     Y     N      N      Y     N
GET  {P}/croissant.json                                        draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {P}/croissant.json                                        pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {P}/croissant.json                                        granted Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {P}/download                                              draft   N    Y     N     N        N     N     Y     N      Y      N     N
GET  {P}/download                                              pub     N    Y     N     N        N     N     Y     N      Y      N     N
GET  {P}/download                                              granted N    Y     Y     Y        Y     Y     Y     N      Y      N     N
GET  /api/v1/catalog.jsonld                                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/shells                                                -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/submodels                                             -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/concept-descriptions                                  -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  {A}/shells/{{aasIdentifier}}                              draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {A}/shells/{{aasIdentifier}}                              pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {A}/shells/{{aasIdentifier}}/submodel-refs                draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {A}/shells/{{aasIdentifier}}/submodel-refs                granted Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {S}                                                       draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {S}                                                       pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {S}/$value                                                draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {S}/$value                                                pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {S}/submodel-elements                                     draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {S}/submodel-elements                                     granted Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {S}/submodel-elements/{{idShortPath}}                     draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {S}/submodel-elements/{{idShortPath}}                     pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
GET  {S}/submodel-elements/{{idShortPath}}/$value              draft   N    Y     N     N        N     Y     Y     Y      N      Y     N
GET  {S}/submodel-elements/{{idShortPath}}/$value              pub     Y    Y     Y     Y        Y     Y     Y     Y      N      Y     N
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
POST {PP}/details                                              -       L    Y     N     N        N     Y     Y     L      L      L     L
GET  /api/v1/products                                          -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST {P}/retire                                                -       N    Y     N     N        N     Y     Y     N      N      Y     N
POST {P}/publish                                               -       N    Y     N     N        N     Y     Y     N      N      Y     N
DELETE {P}                                                     -       N    Y     N     N        N     N     Y     N      N      Y     N
GET  /api/v1/licences                                          -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/licences/{{code}}.txt                             -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/orders                                            -       N    C     Y     Y        Y     Y     Y     N      N      C     N
GET  /api/v1/orders                                            -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  /api/v1/orders/{{order_id}}                               -       N    Y     N     N        Y     N     Y     Y      N      N     N
POST /api/v1/orders/{{order_id}}/{{decision}}                  -       N    Y     N     N        N     N     Y     N      N      Y     N
GET  /api/v1/orders/{{order_id}}/invoice                       -       N    Y     N     N        Y     N     Y     Y      N      N     N
GET  /api/v1/orders/{{order_id}}/invoice.pdf                   -       N    Y     N     N        Y     N     Y     Y      N      N     N
GET  /api/v1/statements/{{month}}                              -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST {PP}/order                                                -       L    C     Y     Y        Y     Y     Y     L      L      L     L
GET  /orders                                                   -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /orders/{{order_id}}/{{decision}}                         -       L    Y     N     N        N     N     Y     L      L      L     L
GET  /orders/{{order_id}}/invoice                              -       L    Y     N     N        Y     N     Y     L      L      L     L
GET  /orders/{{order_id}}/invoice.pdf                          -       L    Y     N     N        Y     N     Y     L      L      L     L
GET  /statements                                               -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
GET  /api/v1/suppliers                                         -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/suppliers                                         -       N    N     N     Y        N     Y     Y     N      N      N     N
POST /api/v1/suppliers/{{supplier_id}}/review/{{decision}}     -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/matches                                           -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/matches                                           -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/matches/kpi                                       -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/matches/{{match_id}}/stage                        -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/consulting/requests                               -       N    Y     Y     Y        Y     Y     Y     N      N      C     N
POST /api/v1/consulting/experts                                -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/consulting/assign                                 -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/consulting/assignments                            -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/consulting/assignments/{{assignment_id}}/accept   -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/consulting/assignments/{{assignment_id}}/sessions -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /suppliers                                                -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /matching                                                 -       L    N     N     N        N     Y     Y     L      L      L     L
POST /matching                                                 -       L    N     N     N        N     Y     Y     L      L      L     L
POST /matching/{{match_id}}/stage                              -       L    N     N     N        N     Y     Y     L      L      L     L
POST /api/v1/center/kpi                                        -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/center/companies                                  -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST /api/v1/center/companies                                  -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/companies/{{company_id}}                   -       N    Y     N     N        N     Y     Y     Y      N      N     N
POST /api/v1/center/companies/import                           -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/surveys                                    -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/center/surveys                                    -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/center/surveys/{{survey_id}}/status               -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/center/surveys/{{survey_id}}/links                -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/surveys/{{survey_id}}/analysis             -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/surveys/{{survey_id}}/export               -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/answer/{{token}}                           -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
PUT  /api/v1/center/answer/{{token}}                           -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /center                                                   -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /center/surveys                                           -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /center/surveys/{{survey_id}}                             -       L    N     N     N        N     Y     Y     L      L      L     L
POST /center/surveys/{{survey_id}}/status                      -       L    N     N     N        N     Y     Y     L      L      L     L
POST /center/surveys/{{survey_id}}/links                       -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /center/kpi                                               -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /center/kpi                                               -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /s/{{token}}                                              -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /s/{{token}}                                              -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/center/testbeds                                   -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST /api/v1/center/testbeds                                   -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/testbeds/{{testbed_id}}                    -       N    Y     N     N        N     Y     Y     Y      N      N     N
POST /api/v1/center/testbeds/{{testbed_id}}/attachments        -       N    N     N     N        N     Y     Y     N      N      N     N
PUT  /api/v1/center/testbeds/{{testbed_id}}/kpis               -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/center/testbeds/{{testbed_id}}/milestones         -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/testbeds/{{testbed_id}}/report             -       N    Y     N     N        N     Y     Y     Y      N      N     N
POST /center/testbeds                                          -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /center/testbeds/{{testbed_id}}                           -       L    Y     N     N        N     Y     Y     L      L      L     L
POST /center/testbeds/{{testbed_id}}/attach                    -       L    N     N     N        N     Y     Y     L      L      L     L
POST /center/testbeds/{{testbed_id}}/kpis                      -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /center/testbeds/{{testbed_id}}/report                    -       L    Y     N     N        N     Y     Y     L      L      L     L
GET  /api/v1/center/events                                     -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /api/v1/center/events                                     -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/events/requirement                         -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/center/events/{{event_id}}/registrations          -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/center/events/{{event_id}}/registrations          -       N    N     N     N        N     Y     Y     N      N      N     N
POST /api/v1/center/events/{{event_id}}/registrations/{{registration_id}}/check-in -   N    N     N     N        N     Y     Y     N      N      N     N
GET  /api/v1/center/registrations/{{token}}                    -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
DELETE /api/v1/center/registrations/{{token}}                  -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/center/registrations/{{token}}/certificate        -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /center/events                                            -       L    N     N     N        N     Y     Y     L      L      L     L
POST /center/events                                            -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /center/events/{{event_id}}                               -       L    N     N     N        N     Y     Y     L      L      L     L
POST /center/events/{{event_id}}/check-in/{{registration_id}}  -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /e/{{event_id}}                                           -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /e/{{event_id}}                                           -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /e/r/{{token}}                                            -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
POST /e/r/{{token}}/cancel                                     -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /e/r/{{token}}/certificate                                -       Y    Y     Y     Y        Y     Y     Y     Y      Y      Y     Y
GET  /api/v1/center/dashboard                                  -       N    N     N     N        N     Y     Y     N      N      N     N
GET  /center/dashboard                                         -       L    N     N     N        N     Y     Y     L      L      L     L
POST /center/surveys/{{survey_id}}/questions                   -       L    N     N     N        N     Y     Y     L      L      L     L
GET  /api/v1/center/companies/{{company_id}}/responses         -       N    Y     N     N        N     Y     Y     Y      N      N     N
"""
# fmt: on

TARGETS = {"draft": DRAFT, "pub": PUB, "granted": GRANTED, "-": ""}
Row = tuple[str, str, dict[str, str]]


def parse_matrix(text: str) -> list[Row]:
    lines = [ln.split() for ln in text.strip().splitlines() if ln.strip()]
    header = lines[0][2:]
    assert tuple(header) == ROLES, header
    out = []
    for parts in lines[1:]:
        method, path, target, *cells = parts
        assert len(cells) == len(ROLES), parts
        out.append((f"{method} {path}", target, dict(zip(ROLES, cells, strict=True))))
    return out


ROWS = parse_matrix(
    MATRIX + programs_world.ROWS + valuechain_world.ROWS
)  # issue 18's, 17.5's rows live beside their worlds


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


# -- issue 16: the center's records (a Daegu company of Owner, surveys, an answer link) ------
KPI_IN = {"pbt": 480, "apt": 420, "pri": 0.75, "pq": 500, "gq": 475}


def _center(world: SecWorld) -> dict[str, Any]:
    if "center_company" not in world.ids:
        with world.session() as s:
            set_staff_regions(session=s, user=world.user(s, "staff"), regions=["daegu"])
            company = create_company(
                session=s,
                data=parse_company(
                    {
                        "business_number": "124-81-00998",
                        "name": "Owner",
                        "ksic_code": "29",
                        "region": "daegu",
                        "size_class": "small",
                        "org_id": world.orgs["owner"],
                    }
                ),
            )
            s.commit()
            world.ids["center_company"] = company.id
        world.ids["center_survey"] = _fresh_survey(world, status="open")
        with world.session() as s:
            survey = surveystore.get_survey(session=s, survey_id=world.ids["center_survey"])
            _row, token = surveystore.issue_link(session=s, survey=survey)
            s.commit()
        world.secrets["center_link"] = token
    if "center_testbed" not in world.ids:
        with world.session() as s:
            company = s.get_one(CenterCompany, world.ids["center_company"])
            tb = testbeds.create_testbed(
                session=s, company=company, title="PoC", problem_type="quality_assurance"
            )
            s.commit()
            world.ids["center_testbed"] = tb.id
    return {
        "company": world.ids["center_company"],
        "survey": world.ids["center_survey"],
        "token": world.secrets["center_link"],
        "testbed": world.ids["center_testbed"],
    }


def _after_center(world: SecWorld, path: str) -> str:
    """``path``, once the center's records exist (the staff's region is set there)."""
    _center(world)
    return path


def _fresh_survey(world: SecWorld, status: str = "draft") -> int:
    with world.session() as s:
        survey = surveystore.create_survey(
            session=s,
            title_ko="수요조사",
            title_en="demand",
            definition=template("demand"),
            kind="demand",
        )
        if status == "open":
            surveystore.set_status(session=s, survey=survey, status="open")
        s.commit()
        return survey.id


def _fresh_company_body(world: SecWorld) -> dict[str, Any]:
    _center(world)  # the staff's region is set there
    first = f"{uuid.uuid4().int % 10**9:09d}"
    number = first + str(business_number_check_digit(first))
    return {
        "business_number": number,
        "name": f"co-{number}",
        "ksic_code": "29",
        "region": "daegu",
        "size_class": "small",
    }


IMPORT_CSV = "business_number,name,ksic_code,region,size_class\n513-86-00121,X,29,daegu,small\n"


def _event(world: SecWorld) -> int:
    if "center_event" not in world.ids:
        with world.session() as s:
            start = datetime.now(UTC) + timedelta(days=30)
            event = events.create_event(
                session=s,
                kind="seminar",
                title_ko="세미나",
                title_en="seminar",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=1000,
            )
            s.commit()
            world.ids["center_event"] = event.id
    return world.ids["center_event"]


def _registration(world: SecWorld, checked_in: bool = False) -> tuple[int, str]:
    """A fresh registration (and its token); checked in when a certificate is wanted."""
    with world.session() as s:
        event = events.get_event(session=s, event_id=_event(world))
        row, token = events.register(
            session=s, event=event, name="n", email=f"{uuid.uuid4().hex[:10]}@x.kr"
        )
        if checked_in:
            events.check_in(session=s, event=event, registration_id=row.id)
        s.commit()
        return row.id, token


def _email() -> str:
    return f"{uuid.uuid4().hex[:10]}@x.kr"


EVENT_FORM = {
    "kind": "education",
    "title_ko": "교육",
    "starts_at": "2099-03-01T10:00",
    "ends_at": "2099-03-01T12:00",
    "capacity": "20",
}


ORDER_BODY = {"version": 1, "plan": "download", "accept_licence": True}
MONTH = f"{utcnow():%Y-%m}"


# -- issue 17: suppliers, matches, consulting ---------------------------------------------------
def _fresh_supplier(world: SecWorld) -> str:
    sid = f"sup-{uuid.uuid4().hex[:8]}"
    with world.session() as s:
        s.add(Supplier(id=sid, name=sid, regions=["경남"], conflicts=[], status="pending"))
        s.commit()
    return sid


def _fresh_match(world: SecWorld) -> int:
    sid = _fresh_supplier(world)
    with world.session() as s:
        row = SupplierMatch(
            company="Owner",
            demand={},
            supplier_id=sid,
            solution_key="x",
            score=50.0,
            reasons={},
            events=[MatchStageEvent(stage="proposed", day=dt.date(2026, 1, 1))],
        )
        s.add(row)
        s.commit()
        return row.id


def _fresh_assignment(world: SecWorld, accepted: bool) -> int:
    tag = uuid.uuid4().hex[:8]
    with world.session() as s:
        expert = Expert(name=f"전문가-{tag}", fields=["AI"], regions=["경남"], capacity=1)
        request = ConsultingRequest(company=f"기업-{tag}", field="AI", region="경남")
        s.add_all([expert, request])
        s.flush()
        row = ConsultingAssignment(
            request_id=request.id,
            expert_id=expert.id,
            score=3,
            accepted_at=utcnow() if accepted else None,
        )
        s.add(row)
        s.commit()
        return row.id


DEMAND = {"company": "Owner", "text": "사출성형 불량", "process_family": "injection_molding"}
SESSION_LOG = {"held_on": "2026-04-01", "hours": "1.5", "notes": "matrix"}

Builder = Callable[[SecWorld, str], Req]
BUILDERS: dict[str, Builder] = {
    "GET /api/v1/suppliers": lambda w, t: ("GET", "/api/v1/suppliers", {}),
    "GET /suppliers": lambda w, t: ("GET", "/suppliers", {}),
    "GET /matching": lambda w, t: ("GET", "/matching", {}),
    "POST /matching": lambda w, t: (
        "POST",
        "/matching",
        _form({"company": "Owner", "text": "사출성형 불량"}),
    ),
    "POST /matching/{match_id}/stage": lambda w, t: (
        "POST",
        f"/matching/{_fresh_match(w)}/stage",
        _form({"stage": "introduced", "day": "2026-02-01"}),
    ),
    "POST /api/v1/suppliers": lambda w, t: (
        "POST",
        "/api/v1/suppliers",
        {"json": {"id": f"sup-{uuid.uuid4().hex[:8]}", "name": "공급사", "regions": ["경남"]}},
    ),
    "POST /api/v1/suppliers/{supplier_id}/review/{decision}": lambda w, t: (
        "POST",
        f"/api/v1/suppliers/{_fresh_supplier(w)}/review/approve",
        {},
    ),
    "POST /api/v1/matches": lambda w, t: ("POST", "/api/v1/matches", {"json": {"demand": DEMAND}}),
    "GET /api/v1/matches": lambda w, t: ("GET", "/api/v1/matches", {}),
    "GET /api/v1/matches/kpi": lambda w, t: ("GET", "/api/v1/matches/kpi", {}),
    "POST /api/v1/matches/{match_id}/stage": lambda w, t: (
        "POST",
        f"/api/v1/matches/{_fresh_match(w)}/stage",
        {"json": {"stage": "introduced", "day": "2026-02-01"}},
    ),
    "POST /api/v1/consulting/requests": lambda w, t: (
        "POST",
        "/api/v1/consulting/requests",
        {"json": {"field": "AI", "region": "경남"}},
    ),
    "POST /api/v1/consulting/experts": lambda w, t: (
        "POST",
        "/api/v1/consulting/experts",
        {"json": {"name": f"전문가-{uuid.uuid4().hex[:8]}", "fields": ["AI"], "capacity": 2}},
    ),
    "POST /api/v1/consulting/assign": lambda w, t: ("POST", "/api/v1/consulting/assign", {}),
    "GET /api/v1/consulting/assignments": lambda w, t: (
        "GET",
        "/api/v1/consulting/assignments",
        {},
    ),
    "POST /api/v1/consulting/assignments/{assignment_id}/accept": lambda w, t: (
        "POST",
        f"/api/v1/consulting/assignments/{_fresh_assignment(w, False)}/accept",
        {},
    ),
    "POST /api/v1/consulting/assignments/{assignment_id}/sessions": lambda w, t: (
        "POST",
        f"/api/v1/consulting/assignments/{_fresh_assignment(w, True)}/sessions",
        {"json": SESSION_LOG},
    ),
    "GET /api/v1/products": lambda w, t: ("GET", "/api/v1/products?q=sec", {}),
    f"POST {P}/publish": lambda w, t: (
        "POST",
        f"/api/v1/products/{w.fresh_product('draft')}/versions/1/publish",
        {"json": {"licence": "commercial"}},
    ),
    f"POST {PP}/details": lambda w, t: (
        "POST",
        f"/products/{w.fresh_product('draft')}/v/1/details",
        _form({"title_ko": "보안 점검 제목", "title_en": "Security check title"}),
    ),
    "GET /api/v1/orders/{order_id}/invoice.pdf": lambda w, t: (
        "GET",
        f"/api/v1/orders/{_fresh_order(w)}/invoice.pdf",
        {},
    ),
    "GET /orders/{order_id}/invoice.pdf": lambda w, t: (
        "GET",
        f"/orders/{_fresh_order(w)}/invoice.pdf",
        {},
    ),
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
    "POST /api/v1/center/kpi": lambda w, t: (
        "POST",
        "/api/v1/center/kpi",
        {"json": {"before": KPI_IN}},
    ),
    "GET /api/v1/center/companies": lambda w, t: ("GET", "/api/v1/center/companies", {}),
    "POST /api/v1/center/companies": lambda w, t: (
        "POST",
        "/api/v1/center/companies",
        {"json": _fresh_company_body(w)},
    ),
    "GET /api/v1/center/companies/{company_id}": lambda w, t: (
        "GET",
        f"/api/v1/center/companies/{_center(w)['company']}",
        {},
    ),
    "POST /api/v1/center/companies/import": lambda w, t: (
        "POST",
        "/api/v1/center/companies/import?filename=c.csv&dry_run=true",
        {"content": IMPORT_CSV.encode()},
    ),
    "GET /api/v1/center/surveys": lambda w, t: ("GET", "/api/v1/center/surveys", {}),
    "POST /api/v1/center/surveys": lambda w, t: (
        "POST",
        "/api/v1/center/surveys",
        {"json": {"title_ko": "설문", "template": "maturity"}},
    ),
    "POST /api/v1/center/surveys/{survey_id}/status": lambda w, t: (
        "POST",
        f"/api/v1/center/surveys/{_fresh_survey(w)}/status",
        {"json": {"status": "open"}},
    ),
    "POST /api/v1/center/surveys/{survey_id}/links": lambda w, t: (
        "POST",
        f"/api/v1/center/surveys/{_center(w)['survey']}/links",
        {"json": {"company_id": _center(w)["company"]}},
    ),
    "GET /api/v1/center/surveys/{survey_id}/analysis": lambda w, t: (
        "GET",
        f"/api/v1/center/surveys/{_center(w)['survey']}/analysis",
        {},
    ),
    "GET /api/v1/center/surveys/{survey_id}/export": lambda w, t: (
        "GET",
        f"/api/v1/center/surveys/{_center(w)['survey']}/export?format=csv",
        {},
    ),
    "GET /api/v1/center/answer/{token}": lambda w, t: (
        "GET",
        f"/api/v1/center/answer/{_center(w)['token']}",
        {},
    ),
    "PUT /api/v1/center/answer/{token}": lambda w, t: (
        "PUT",
        f"/api/v1/center/answer/{_center(w)['token']}",
        {"json": {"answers": {"data_collected": "yes"}}},
    ),
    "GET /center": lambda w, t: ("GET", "/center", {}),
    "POST /center/surveys": lambda w, t: ("POST", "/center/surveys", _form({"kind": "demand"})),
    "GET /center/surveys/{survey_id}": lambda w, t: (
        "GET",
        f"/center/surveys/{_center(w)['survey']}",
        {},
    ),
    "POST /center/surveys/{survey_id}/status": lambda w, t: (
        "POST",
        f"/center/surveys/{_fresh_survey(w)}/status",
        _form({"status": "open"}),
    ),
    "POST /center/surveys/{survey_id}/links": lambda w, t: (
        "POST",
        f"/center/surveys/{_center(w)['survey']}/links",
        _form({"company_id": str(_center(w)["company"])}),
    ),
    "GET /center/kpi": lambda w, t: ("GET", "/center/kpi", {}),
    "POST /center/kpi": lambda w, t: (
        "POST",
        "/center/kpi",
        _form({f"b_{k}": str(v) for k, v in KPI_IN.items()}),
    ),
    "GET /s/{token}": lambda w, t: ("GET", f"/s/{_center(w)['token']}", {}),
    "POST /s/{token}": lambda w, t: (
        "POST",
        f"/s/{_center(w)['token']}",
        _form({"data_collected": "no", "action": "save"}),
    ),
    "GET /api/v1/center/testbeds": lambda w, t: ("GET", "/api/v1/center/testbeds", {}),
    "POST /api/v1/center/testbeds": lambda w, t: (
        "POST",
        "/api/v1/center/testbeds",
        {
            "json": {
                "company_id": _center(w)["company"],
                "title": "t",
                "problem_type": "supply_chain",
            }
        },
    ),
    "GET /api/v1/center/testbeds/{testbed_id}": lambda w, t: (
        "GET",
        f"/api/v1/center/testbeds/{_center(w)['testbed']}",
        {},
    ),
    "POST /api/v1/center/testbeds/{testbed_id}/attachments": lambda w, t: (
        "POST",
        f"/api/v1/center/testbeds/{_center(w)['testbed']}/attachments",
        {"json": {"kind": "upload", "ref": str(w.ids["owner_upload"])}},
    ),
    "PUT /api/v1/center/testbeds/{testbed_id}/kpis": lambda w, t: (
        "PUT",
        f"/api/v1/center/testbeds/{_center(w)['testbed']}/kpis",
        {"json": {"before": KPI_IN}},
    ),
    "POST /api/v1/center/testbeds/{testbed_id}/milestones": lambda w, t: (
        "POST",
        f"/api/v1/center/testbeds/{_center(w)['testbed']}/milestones",
        {"json": {"title": "m"}},
    ),
    "GET /api/v1/center/testbeds/{testbed_id}/report": lambda w, t: (
        "GET",
        f"/api/v1/center/testbeds/{_center(w)['testbed']}/report",
        {},
    ),
    "POST /center/testbeds": lambda w, t: (
        "POST",
        "/center/testbeds",
        _form(
            {"company_id": str(_center(w)["company"]), "title": "t", "problem_type": "supply_chain"}
        ),
    ),
    "GET /center/testbeds/{testbed_id}": lambda w, t: (
        "GET",
        f"/center/testbeds/{_center(w)['testbed']}",
        {},
    ),
    "POST /center/testbeds/{testbed_id}/attach": lambda w, t: (
        "POST",
        f"/center/testbeds/{_center(w)['testbed']}/attach",
        _form({"kind": "upload", "ref": str(w.ids["owner_upload"])}),
    ),
    "POST /center/testbeds/{testbed_id}/kpis": lambda w, t: (
        "POST",
        f"/center/testbeds/{_center(w)['testbed']}/kpis",
        _form({f"b_{k}": str(v) for k, v in KPI_IN.items()}),
    ),
    "GET /center/testbeds/{testbed_id}/report": lambda w, t: (
        "GET",
        f"/center/testbeds/{_center(w)['testbed']}/report",
        {},
    ),
    "GET /api/v1/center/events": lambda w, t: ("GET", "/api/v1/center/events", {}),
    "POST /api/v1/center/events": lambda w, t: (
        "POST",
        "/api/v1/center/events",
        {
            "json": {
                "kind": "seminar",
                "title_ko": "s",
                "starts_at": "2099-01-01T10:00:00+09:00",
                "ends_at": "2099-01-01T11:00:00+09:00",
                "capacity": 10,
            }
        },
    ),
    "GET /api/v1/center/events/requirement": lambda w, t: (
        "GET",
        "/api/v1/center/events/requirement?year=2099",
        {},
    ),
    "POST /api/v1/center/events/{event_id}/registrations": lambda w, t: (
        "POST",
        f"/api/v1/center/events/{_event(w)}/registrations",
        {"json": {"name": "n", "email": _email()}},
    ),
    "GET /api/v1/center/events/{event_id}/registrations": lambda w, t: (
        "GET",
        f"/api/v1/center/events/{_event(w)}/registrations",
        {},
    ),
    "POST /api/v1/center/events/{event_id}/registrations/{registration_id}/check-in": lambda w, t: (
        "POST",
        f"/api/v1/center/events/{_event(w)}/registrations/{_registration(w)[0]}/check-in",
        {},
    ),
    "GET /api/v1/center/registrations/{token}": lambda w, t: (
        "GET",
        f"/api/v1/center/registrations/{_registration(w)[1]}",
        {},
    ),
    "DELETE /api/v1/center/registrations/{token}": lambda w, t: (
        "DELETE",
        f"/api/v1/center/registrations/{_registration(w)[1]}",
        {},
    ),
    "GET /api/v1/center/registrations/{token}/certificate": lambda w, t: (
        "GET",
        f"/api/v1/center/registrations/{_registration(w, checked_in=True)[1]}/certificate",
        {},
    ),
    "GET /center/events": lambda w, t: ("GET", "/center/events", {}),
    "POST /center/events": lambda w, t: ("POST", "/center/events", _form(EVENT_FORM)),
    "GET /center/events/{event_id}": lambda w, t: ("GET", f"/center/events/{_event(w)}", {}),
    "POST /center/events/{event_id}/check-in/{registration_id}": lambda w, t: (
        "POST",
        f"/center/events/{_event(w)}/check-in/{_registration(w)[0]}",
        {},
    ),
    "GET /e/{event_id}": lambda w, t: ("GET", f"/e/{_event(w)}", {}),
    "POST /e/{event_id}": lambda w, t: (
        "POST",
        f"/e/{_event(w)}",
        _form({"name": "n", "email": _email()}),
    ),
    "GET /e/r/{token}": lambda w, t: ("GET", f"/e/r/{_registration(w)[1]}", {}),
    "POST /e/r/{token}/cancel": lambda w, t: ("POST", f"/e/r/{_registration(w)[1]}/cancel", {}),
    "GET /e/r/{token}/certificate": lambda w, t: (
        "GET",
        f"/e/r/{_registration(w, checked_in=True)[1]}/certificate",
        {},
    ),
    "GET /api/v1/center/dashboard": lambda w, t: (
        "GET",
        _after_center(w, "/api/v1/center/dashboard"),
        {},
    ),
    "GET /center/dashboard": lambda w, t: (
        "GET",
        _after_center(w, "/center/dashboard"),
        {},
    ),
    "POST /center/surveys/{survey_id}/questions": lambda w, t: (
        "POST",
        f"/center/surveys/{_fresh_survey(w)}/questions",
        _form({"qid": "extra", "type": "text", "ko": "추가 질문"}),
    ),
    "GET /api/v1/center/companies/{company_id}/responses": lambda w, t: (
        "GET",
        f"/api/v1/center/companies/{_center(w)['company']}/responses",
        {},
    ),
}

BUILDERS.update(programs_world.BUILDERS)
BUILDERS.update(valuechain_world.BUILDERS)


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
