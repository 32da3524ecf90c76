"""Access pages: a buyer requests a product's data, the owner organisation approves (a grant) or
denies, and grants can be revoked."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt
from mfgdata.api.pages.common import PageActor, need_user, redirect, render
from mfgdata.catalog import access
from mfgdata.catalog.errors import NotFound
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import AccessRequest, Grant, Organisation

router = APIRouter(include_in_schema=False)


@router.get("/access", response_class=HTMLResponse)
def access_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    requests = access.list_requests(session=session, viewer=user)
    grants = access.list_grants(session=session, viewer=user)
    org_ids = {r.requester_org_id for r in requests} | {g.org_id for g in grants}
    orgs = {o.id: o.name for o in (session.get(Organisation, i) for i in org_ids) if o}
    incoming = [r for r in requests if r.product.owner_org_id == user.org_id]
    outgoing = [r for r in requests if r.requester_org_id == user.org_id]
    return render(
        request,
        actor,
        "access.html",
        incoming=incoming,
        outgoing=outgoing,
        grants_out=[g for g in grants if g.product.owner_org_id == user.org_id],
        grants_in=[g for g in grants if g.org_id == user.org_id],
        orgs=orgs,
    )


@router.post("/products/{product_id}/v/{version}/request-access")
def request_access_form(
    product_id: str,
    version: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    message: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    user = need_user(request, actor)
    get_version(session=session, product_id=product_id, version=version, viewer=user)
    access.request_access(session=session, product_id=product_id, requester=user, message=message)
    session.commit()
    return redirect(f"/products/{product_id}/v/{version}")


@router.post("/access/requests/{request_id}/{decision}")
def decide_form(
    request_id: DbInt,
    decision: Literal["approve", "deny"],
    request: Request,
    actor: PageActor,
    session: DbSession,
) -> Response:
    user = need_user(request, actor)
    row = session.get(AccessRequest, request_id)
    if row is None or (row.product.owner_org_id != user.org_id and user.role != "admin"):
        raise NotFound(f"요청을 찾을 수 없습니다: {request_id}", f"request not found: {request_id}")
    access.decide_request(session=session, request=row, actor=user, approve=decision == "approve")
    session.commit()
    return redirect("/access")


@router.post("/access/grants/{grant_id}/revoke")
def revoke_form(
    grant_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = need_user(request, actor)
    grant = session.get(Grant, grant_id)
    if grant is None or (grant.product.owner_org_id != user.org_id and user.role != "admin"):
        raise NotFound(f"권한을 찾을 수 없습니다: {grant_id}", f"grant not found: {grant_id}")
    access.revoke_grant(session=session, grant=grant, actor=user)
    session.commit()
    return redirect("/access")
