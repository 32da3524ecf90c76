"""Access to a product's data: requests decided by the owner organisation, grants, checks.

Who may read a product's data (download, Open API rows): an admin, the owner organisation, an
organisation holding a live grant (not revoked, not expired), or a member organisation of a
value-chain group the product is shared with through a live share (``catalog.valuechain``).
Buyers see published products' metadata without a grant. A data read allowed only by a group
share is audited (``valuechain.read``, naming the group and the share) here, in ``authorize``,
so every data route records it without code of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import Resource, can
from mfgdata.catalog.errors import NotFound, WorkflowError
from mfgdata.db.repositories.products import get_version
from mfgdata.db.repositories.valuechain import live_share
from mfgdata.db.tables import (
    AccessRequest,
    Grant,
    GroupShare,
    Product,
    ProductVersion,
    User,
    utcnow,
)

#: the data actions a group share opens (each use is audited as ``valuechain.read``)
DATA_ACTIONS = ("version.download", "version.api")


def _deny(action: str, what: str) -> PermissionDenied:
    return PermissionDenied("이 작업을 할 권한이 없습니다", f"not allowed: {action} on {what}")


def has_grant(
    *, session: Session, org_id: int, product_id: str, now: datetime | None = None
) -> bool:
    now = now or utcnow()
    stmt = select(Grant.id).where(
        Grant.product_id == product_id,
        Grant.org_id == org_id,
        Grant.revoked_at.is_(None),
        or_(Grant.expires_at.is_(None), Grant.expires_at > now),
    )
    return session.scalars(stmt.limit(1)).first() is not None


def rights(
    *, session: Session, user: User, product_id: str, now: datetime | None = None
) -> tuple[bool, GroupShare | None]:
    """(a live grant?, the live group share reaching the user's organisation, if any)."""
    granted = has_grant(session=session, org_id=user.org_id, product_id=product_id, now=now)
    share = live_share(session=session, org_id=user.org_id, product_id=product_id, now=now)
    return granted, share


def has_access(
    *, session: Session, user: User, product: Product, now: datetime | None = None
) -> bool:
    """May ``user`` read the product's data: admin, owner organisation, a live grant or a live
    group share (of a verified or published version)."""
    if not user.active:
        return False
    if user.role == "admin" or product.owner_org_id == user.org_id:
        return True
    if has_grant(session=session, org_id=user.org_id, product_id=product.id, now=now):
        return True
    return (
        live_share(session=session, org_id=user.org_id, product_id=product.id, now=now) is not None
    )


def share_only(user: User, action: str, version: ProductVersion, granted: bool) -> bool:
    """True when ``action`` on ``version`` is allowed to ``user`` by a group share alone."""
    return action in DATA_ACTIONS and not can(user, action, version, granted=granted)


def record_share_use(
    *,
    session: Session,
    user: User,
    share: GroupShare,
    version: ProductVersion,
    action: str,
    ip: str | None = None,
) -> None:
    """The audit row of one data read through a group share (the group and the share named)."""
    audit.record(
        session=session,
        action="valuechain.read",
        actor=user,
        target=f"share:{share.id}",
        ip=ip,
        detail={
            "product": version.product_id,
            "version": version.version,
            "use": action,
            "group_id": share.group_id,
            "group": share.group.name,
            "share_id": share.id,
            "purpose": share.purpose,
        },
    )


def authorize(*, session: Session, user: User, action: str, resource: Resource) -> None:
    """Raise PermissionDenied unless ``can(user, action, resource)`` (grants and group shares
    looked up here); a data read allowed by a group share alone is audited."""
    granted, share = False, None
    if isinstance(resource, ProductVersion):
        granted, share = rights(session=session, user=user, product_id=resource.product_id)
    if not can(user, action, resource, granted=granted, shared=share is not None):
        raise _deny(action, type(resource).__name__)
    if (
        share is not None
        and isinstance(resource, ProductVersion)
        and share_only(user, action, resource, granted)
    ):
        record_share_use(session=session, user=user, share=share, version=resource, action=action)


def request_access(
    *, session: Session, product_id: str, requester: User, message: str = ""
) -> AccessRequest:
    """A buyer asks for a published product's data; one pending request per organisation."""
    version = get_version(session=session, product_id=product_id, viewer=requester)
    if version.product.owner_org_id == requester.org_id:
        raise WorkflowError("자기 조직의 제품입니다", "the product belongs to your organisation")
    if not can(requester, "access.request", version):
        raise _deny("access.request", product_id)
    pending = session.scalars(
        select(AccessRequest).where(
            AccessRequest.product_id == product_id,
            AccessRequest.requester_org_id == requester.org_id,
            AccessRequest.status == "pending",
        )
    ).first()
    if pending is not None:
        return pending
    req = AccessRequest(
        product_id=product_id,
        requester_user_id=requester.id,
        requester_org_id=requester.org_id,
        message=message,
        status="pending",
    )
    session.add(req)
    session.flush()
    audit.record(
        session=session, action="access.request", actor=requester, target=f"request:{req.id}"
    )
    return req


def decide_request(
    *,
    session: Session,
    request: AccessRequest,
    actor: User,
    approve: bool,
    expires_at: datetime | None = None,
) -> Grant | None:
    """Approve (creates a grant, returned) or deny a pending request; only the owner org."""
    if not can(actor, "access.decide", request):
        raise _deny("access.decide", f"request:{request.id}")
    if request.status != "pending":
        raise WorkflowError(
            f"이미 처리된 요청입니다 ({request.status})",
            f"the request was already decided ({request.status})",
        )
    request.status = "approved" if approve else "denied"
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    audit.record(
        session=session,
        action="access.approve" if approve else "access.deny",
        actor=actor,
        target=f"request:{request.id}",
    )
    if not approve:
        session.flush()
        return None
    return grant_access(
        session=session,
        product=request.product,
        org_id=request.requester_org_id,
        actor=actor,
        expires_at=expires_at,
        request=request,
    )


def grant_access(
    *,
    session: Session,
    product: Product,
    org_id: int,
    actor: User,
    expires_at: datetime | None = None,
    request: AccessRequest | None = None,
) -> Grant:
    refuse_onward_transfer(session=session, actor=actor, product=product, what="grant")
    if not can(actor, "grant.create", product):
        raise _deny("grant.create", product.id)
    grant = Grant(
        product_id=product.id,
        org_id=org_id,
        granted_by_id=actor.id,
        expires_at=expires_at,
        request_id=request.id if request else None,
    )
    session.add(grant)
    session.flush()
    audit.record(
        session=session,
        action="grant.create",
        actor=actor,
        target=f"grant:{grant.id}",
        detail={"product": product.id, "org_id": org_id},
    )
    return grant


def revoke_grant(*, session: Session, grant: Grant, actor: User) -> Grant:
    if not can(actor, "grant.revoke", grant):
        raise _deny("grant.revoke", f"grant:{grant.id}")
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        audit.record(
            session=session,
            action="grant.revoke",
            actor=actor,
            target=f"grant:{grant.id}",
            detail={"product": grant.product_id, "org_id": grant.org_id},
        )
    session.flush()
    return grant


def list_requests(
    *, session: Session, viewer: User, status: str | None = None
) -> Sequence[AccessRequest]:
    """Requests on the viewer's organisation's products and requests the organisation made."""
    stmt = select(AccessRequest).join(Product).order_by(AccessRequest.id.desc())
    if viewer.role not in ("admin", "center_staff"):
        stmt = stmt.where(
            or_(
                Product.owner_org_id == viewer.org_id,
                AccessRequest.requester_org_id == viewer.org_id,
            )
        )
    if status is not None:
        stmt = stmt.where(AccessRequest.status == status)
    return session.scalars(stmt).unique().all()


def list_grants(
    *, session: Session, viewer: User, product_id: str | None = None
) -> Sequence[Grant]:
    """Grants on the viewer's products and grants the viewer's organisation holds."""
    stmt = select(Grant).join(Product).order_by(Grant.id.desc())
    if viewer.role != "admin":
        stmt = stmt.where(or_(Product.owner_org_id == viewer.org_id, Grant.org_id == viewer.org_id))
    if product_id is not None:
        stmt = stmt.where(Grant.product_id == product_id)
    return session.scalars(stmt).unique().all()


def data_version(
    *, session: Session, user: User, product_id: str, version: int | None
) -> ProductVersion:
    """The version ``user`` may fetch data of: one they may see, or a retired one their
    organisation holds a live grant to (a retired product stays available to past buyers).
    The download right itself is checked by ``authorize``; NotFound otherwise."""
    try:
        return get_version(session=session, product_id=product_id, version=version, viewer=user)
    except NotFound:
        row = get_version(session=session, product_id=product_id, version=version, viewer=None)
        if row.status == "retired" and has_grant(
            session=session, org_id=user.org_id, product_id=product_id
        ):
            return row
        raise


def refuse_onward_transfer(
    *, session: Session, actor: User | None, product: Product, what: str
) -> None:
    """Raise when ``actor``'s organisation holds the product only through a group share whose
    policy forbids onward transfer (``what``: grant, publish or share)."""
    if actor is None or actor.role == "admin" or product.owner_org_id == actor.org_id:
        return
    share = live_share(session=session, org_id=actor.org_id, product_id=product.id)
    if share is not None and share.no_onward_transfer:
        raise OnwardTransferRefused(share, what)


class OnwardTransferRefused(PermissionDenied):
    """A member organisation tries to pass on a product shared with its group (policy)."""

    code = "onward_transfer_refused"

    KO: ClassVar[dict[str, str]] = {
        "grant": "다른 조직에 권한을 줄",
        "publish": "게시할",
        "share": "다른 그룹에 공유할",
    }
    EN: ClassVar[dict[str, str]] = {
        "grant": "grant it to another organisation",
        "publish": "publish it",
        "share": "share it with another group",
    }

    def __init__(self, share: GroupShare, what: str) -> None:
        self.share_id = share.id
        super().__init__(
            f"가치사슬 그룹 '{share.group.name}'에 공유된 제품은 재전달이 금지되어 "
            f"{self.KO[what]} 수 없습니다 (공유 {share.id}, 목적: {share.purpose})",
            f"the product is shared with the value-chain group '{share.group.name}' under a "
            f"no-onward-transfer policy: you may not {self.EN[what]} "
            f"(share {share.id}, purpose: {share.purpose})",
        )
