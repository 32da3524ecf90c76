"""Value-chain groups and group-only shares in the Open API (thin over ``catalog.valuechain``).

- ``GET /api/v1/valuechain/groups``: the caller's groups (staff: all) with members and links;
- ``POST /api/v1/valuechain/groups``, ``POST .../groups/{id}/members``: staff run the groups;
- ``GET /api/v1/valuechain/shares``, ``POST /api/v1/valuechain/shares``: the product owner shares
  a product with one of its groups under a usage policy (purpose, no onward transfer, expiry);
- ``POST /api/v1/valuechain/shares/{id}/revoke``: ends a share now;
- ``GET /api/v1/valuechain/audit``: share creations, revocations and reads through the shares
  the caller may see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt
from mfgdata.catalog import valuechain as vc
from mfgdata.db.tables import GroupShare, ValueChainGroup

router = APIRouter(prefix="/api/v1/valuechain", tags=["value chains / 가치사슬"])


class GroupIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    purpose: Annotated[str, Field(max_length=2000)] = ""


class MemberIn(BaseModel):
    organisation: Annotated[str, Field(min_length=1, max_length=200, description="이름 또는 id")]
    relation: Literal["supplier", "customer"] | None = None
    of: Annotated[str | None, Field(max_length=200, description="상대 조직 / the other org")] = None


class ShareIn(BaseModel):
    product_id: Annotated[str, Field(min_length=1, max_length=100)]
    group: Annotated[str, Field(min_length=1, max_length=200, description="그룹 이름 또는 id")]
    purpose: Annotated[str, Field(min_length=1, max_length=2000)]
    expires_at: datetime = Field(description="만료 시각(시간대 포함) / expiry with a time zone")
    no_onward_transfer: bool = True


def group_out(session: Any, group: ValueChainGroup) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "purpose": group.purpose,
        "members": [
            {
                "org_id": m.org_id,
                "name": m.name,
                "links": [{"relation": r, "of": o} for r, o in m.links],
            }
            for m in vc.members(session=session, group=group)
        ],
    }


def share_out(share: GroupShare) -> dict[str, Any]:
    return {
        "id": share.id,
        "product_id": share.product_id,
        "group_id": share.group_id,
        "group": share.group.name,
        "purpose": share.purpose,
        "no_onward_transfer": share.no_onward_transfer,
        "expires_at": share.expires_at.isoformat(),
        "created": share.created.isoformat(),
        "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
        "state": vc.share_state(share),
    }


@router.get("/groups", summary="가치사슬 그룹 / Value-chain groups (yours; staff: all)")
def list_groups(actor: ActorDep, session: DbSession) -> list[dict[str, Any]]:
    user = require_user(actor, "read")
    return [group_out(session, g) for g in vc.list_groups(session=session, viewer=user)]


@router.post("/groups", status_code=201, summary="그룹 만들기 / Create a group (staff)")
def create_group(body: GroupIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_user(actor, "api")
    group = vc.create_group(session=session, name=body.name, purpose=body.purpose, actor=user)
    session.commit()
    return group_out(session, group)


@router.post(
    "/groups/{group_id}/members",
    summary="구성원 추가 / Add a member (optionally supplier/customer of another) (staff)",
)
def add_member(
    group_id: DbInt, body: MemberIn, actor: ActorDep, session: DbSession
) -> dict[str, Any]:
    user = require_user(actor, "api")
    group = vc.get_group(session=session, ref=group_id)
    vc.add_member(
        session=session,
        group=group,
        org=body.organisation,
        relation=body.relation,
        of=body.of,
        actor=user,
    )
    session.commit()
    return group_out(session, group)


@router.get("/shares", summary="그룹 공유 목록 / Group shares you may see")
def list_shares(
    actor: ActorDep,
    session: DbSession,
    product_id: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict[str, Any]]:
    user = require_user(actor, "read")
    return [
        share_out(s) for s in vc.list_shares(session=session, viewer=user, product_id=product_id)
    ]


@router.post(
    "/shares", status_code=201, summary="그룹에만 공유 / Share a product inside a group (owner)"
)
def create_share(body: ShareIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_user(actor, "api")
    group = vc.get_group(session=session, ref=body.group)
    share = vc.share_product(
        session=session,
        product_id=body.product_id,
        group=group,
        purpose=body.purpose,
        expires_at=body.expires_at,
        no_onward_transfer=body.no_onward_transfer,
        actor=user,
    )
    session.commit()
    return share_out(share)


@router.post("/shares/{share_id}/revoke", summary="공유 철회 / Revoke a share now")
def revoke_share(share_id: DbInt, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_user(actor, "api")
    share = vc.get_share(session=session, share_id=share_id, viewer=user)
    vc.revoke_share(session=session, share=share, actor=user)
    session.commit()
    return share_out(share)


@router.get("/audit", summary="공유 감사 기록 / Audit of shares: created, revoked, each read")
def share_audit(
    actor: ActorDep,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    user = require_user(actor, "read")
    rows = vc.share_audit(session=session, viewer=user, limit=limit)
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "action": r.action,
            "actor_id": r.actor_id,
            "org_id": r.org_id,
            "target": r.target,
            "detail": r.detail,
        }
        for r in rows
    ]
