"""The value-chain page (issue 17, item 5): the groups the user's organisation belongs to (staff:
all) with their members and supplier/customer links, the group shares it may see with their
usage policy and state; owners share a product with a group and revoke shares; staff create
groups and add members. Thin over ``catalog.valuechain``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt
from mfgdata.api.pages.common import PageActor, need_user, redirect, render
from mfgdata.catalog import valuechain as vc
from mfgdata.catalog.valuechain import ShareInputError
from mfgdata.db.repositories.products import list_versions

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=200)]


@router.get("/valuechain", response_class=HTMLResponse)
def valuechain_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    groups = [
        (g, vc.members(session=session, group=g))
        for g in vc.list_groups(session=session, viewer=user)
    ]
    shares = [(s, vc.share_state(s)) for s in vc.list_shares(session=session, viewer=user)]
    own = sorted(
        {v.product_id for v in list_versions(session=session, viewer=user, org_id=user.org_id)}
    )
    return render(
        request,
        actor,
        "valuechain.html",
        groups=groups,
        shares=shares,
        own_products=own,
        staff=user.role in vc.STAFF,
    )


@router.post("/valuechain/groups")
def group_form(
    request: Request, actor: PageActor, session: DbSession, name: Short, purpose: Text = ""
) -> Response:
    user = need_user(request, actor)
    vc.create_group(session=session, name=name, purpose=purpose, actor=user)
    session.commit()
    return redirect("/valuechain")


@router.post("/valuechain/groups/{group_id}/members")
def member_form(
    group_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    organisation: Short,
    relation: Short = "",
    of: Short = "",
) -> Response:
    user = need_user(request, actor)
    group = vc.get_group(session=session, ref=group_id)
    vc.add_member(
        session=session,
        group=group,
        org=organisation,
        relation=relation or None,
        of=of or None,
        actor=user,
    )
    session.commit()
    return redirect(f"/valuechain#group-{group_id}")


@router.post("/valuechain/shares")
def share_form(
    request: Request,
    actor: PageActor,
    session: DbSession,
    product_id: Short,
    group: Short,
    purpose: Text,
    expires_on: Annotated[str, Form(max_length=10)],
    onward: Short = "",
) -> Response:
    user = need_user(request, actor)
    try:
        day = datetime.fromisoformat(expires_on).date()
    except ValueError:
        raise ShareInputError(
            f"만료일은 YYYY-MM-DD 형식이어야 합니다: {expires_on}",
            f"the expiry day must be YYYY-MM-DD: {expires_on}",
        ) from None
    vc.share_product(
        session=session,
        product_id=product_id,
        group=vc.get_group(session=session, ref=group),
        purpose=purpose,
        expires_at=datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC),
        no_onward_transfer=onward != "allowed",
        actor=user,
    )
    session.commit()
    return redirect("/valuechain")


@router.post("/valuechain/shares/{share_id}/revoke")
def revoke_form(
    share_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = need_user(request, actor)
    share = vc.get_share(session=session, share_id=share_id, viewer=user)
    vc.revoke_share(session=session, share=share, actor=user)
    session.commit()
    return redirect("/valuechain")
