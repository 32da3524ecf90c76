"""Value-chain groups and group-only product shares (issue 17, item 5).

A group (name, purpose) gathers organisations linked as suppliers/customers of each other. The
owner of a product (or an admin) shares it with a group its organisation belongs to, under a
usage policy: the purpose, no onward transfer (default) and an expiry (required: a share is
never open-ended). While the share is live (not revoked, not expired) the member organisations
see the product (verified or published versions), download it and read its rows; the check is
``catalog.access`` (``rights``/``authorize``) and ``repositories.products.visible_clause``, so
every data route honours it. Everyone else gets the answer of a missing product (404).

No onward transfer: a member organisation may not re-share the product with another group, grant
it to another organisation nor publish it (``access.OnwardTransferRefused``). Share creation and
revocation are audited (``share.create``, ``share.revoke``), and so is every data read through a
share (``valuechain.read``, by ``access.authorize`` and the API's authorizer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.catalog.access import OnwardTransferRefused
from mfgdata.catalog.errors import NotFound, WorkflowError
from mfgdata.db.repositories.products import get_product
from mfgdata.db.repositories.valuechain import live_share, live_shares
from mfgdata.db.tables import (
    VALUE_CHAIN_RELATIONS,
    AuditLog,
    GroupShare,
    Organisation,
    Product,
    User,
    ValueChainGroup,
    ValueChainLink,
    ValueChainMember,
    utcnow,
)
from mfgdata.errors import InputError

STAFF = ("admin", "center_staff")
#: the audit actions of shares (creation, revocation, each data read through a share)
AUDITED = ("share.create", "share.revoke", "valuechain.read")


class ShareInputError(InputError):
    code = "share_invalid"


def _deny(what: str) -> PermissionDenied:
    return PermissionDenied("이 작업을 할 권한이 없습니다", f"not allowed: {what}")


def _group_not_found(ref: object) -> NotFound:
    return NotFound(
        f"가치사슬 그룹을 찾을 수 없습니다: {ref}", f"value-chain group not found: {ref}"
    )


def _manage(actor: User | None) -> None:
    if actor is not None and not can(actor, "valuechain.manage"):
        raise _deny("valuechain.manage")


def create_group(
    *, session: Session, name: str, purpose: str = "", actor: User | None = None
) -> ValueChainGroup:
    """A new group (staff or the system)."""
    _manage(actor)
    name = name.strip()
    if not name:
        raise ShareInputError("그룹 이름이 비어 있습니다", "the group name is empty")
    if session.scalars(select(ValueChainGroup).where(ValueChainGroup.name == name)).first():
        raise WorkflowError(
            f"같은 이름의 그룹이 이미 있습니다: {name}", f"a group with this name exists: {name}"
        )
    group = ValueChainGroup(
        name=name, purpose=purpose.strip(), created_by_id=actor.id if actor else None
    )
    session.add(group)
    session.flush()
    audit.record(
        session=session, action="valuechain.group", actor=actor, target=f"group:{group.id}"
    )
    return group


def get_group(*, session: Session, ref: int | str) -> ValueChainGroup:
    """A group by id or by name."""
    if isinstance(ref, int) or str(ref).isdigit():
        found = session.get(ValueChainGroup, int(ref))
    else:
        stmt = select(ValueChainGroup).where(ValueChainGroup.name == str(ref))
        found = session.scalars(stmt).first()
    if found is None:
        raise _group_not_found(ref)
    return found


def _org(session: Session, ref: int | str) -> Organisation:
    if isinstance(ref, int) or str(ref).isdigit():
        found = session.get(Organisation, int(ref))
    else:
        found = session.scalars(select(Organisation).where(Organisation.name == str(ref))).first()
    if found is None:
        raise NotFound(f"조직을 찾을 수 없습니다: {ref}", f"organisation not found: {ref}")
    return found


def is_member(*, session: Session, group_id: int, org_id: int) -> bool:
    stmt = select(ValueChainMember.id).where(
        ValueChainMember.group_id == group_id, ValueChainMember.org_id == org_id
    )
    return session.scalars(stmt.limit(1)).first() is not None


def add_member(
    *,
    session: Session,
    group: ValueChainGroup,
    org: int | str,
    relation: str | None = None,
    of: int | str | None = None,
    actor: User | None = None,
) -> ValueChainMember:
    """Add an organisation; with ``relation`` and ``of`` also record that it is the supplier
    (or customer) of another member (``of`` is added too when it is not yet a member)."""
    _manage(actor)
    member_org = _org(session, org)
    if (relation is None) != (of is None):
        raise ShareInputError(
            "관계와 상대 조직을 함께 지정하세요",
            "give the relation and the other organisation together",
        )
    if relation is not None and relation not in VALUE_CHAIN_RELATIONS:
        raise ShareInputError(
            f"관계는 supplier 또는 customer입니다: {relation}",
            f"the relation is supplier or customer: {relation}",
        )
    row = _ensure_member(session, group, member_org.id)
    if relation is not None and of is not None:
        other = _org(session, of)
        if other.id == member_org.id:
            raise ShareInputError(
                "자기 자신과 연결할 수 없습니다", "an organisation cannot link to itself"
            )
        _ensure_member(session, group, other.id)
        link = session.scalars(
            select(ValueChainLink).where(
                ValueChainLink.group_id == group.id,
                ValueChainLink.from_org_id == member_org.id,
                ValueChainLink.to_org_id == other.id,
            )
        ).first()
        if link is None:
            session.add(
                ValueChainLink(
                    group_id=group.id,
                    from_org_id=member_org.id,
                    to_org_id=other.id,
                    relation=relation,
                )
            )
        else:
            link.relation = relation
    session.flush()
    audit.record(
        session=session,
        action="valuechain.member",
        actor=actor,
        target=f"group:{group.id}",
        detail={"org_id": member_org.id, "relation": relation, "of": of},
    )
    return row


def _ensure_member(session: Session, group: ValueChainGroup, org_id: int) -> ValueChainMember:
    stmt = select(ValueChainMember).where(
        ValueChainMember.group_id == group.id, ValueChainMember.org_id == org_id
    )
    row = session.scalars(stmt).first()
    if row is None:
        row = ValueChainMember(group_id=group.id, org_id=org_id)
        session.add(row)
        session.flush()
    return row


def share_product(
    *,
    session: Session,
    product_id: str,
    group: ValueChainGroup,
    purpose: str,
    expires_at: datetime,
    actor: User | None,
    no_onward_transfer: bool = True,
    now: datetime | None = None,
) -> GroupShare:
    """Share a product inside ``group`` (its owner organisation must be a member).

    A member organisation that holds the product through a share may pass it on only when that
    share allows onward transfer, to a group it belongs to, and never beyond its own expiry.
    """
    now = now or utcnow()
    product = get_product(session=session, product_id=product_id, viewer=actor)
    purpose = purpose.strip()
    if not purpose:
        raise ShareInputError(
            "공유 목적(이용 정책)을 적으세요", "state the purpose of the share (usage policy)"
        )
    if expires_at.tzinfo is None:
        raise ShareInputError(
            "만료 시각에 시간대를 붙이세요 (예: +09:00)",
            "give the expiry with a time zone (+09:00)",
        )
    if expires_at <= now:
        raise ShareInputError("만료 시각은 미래여야 합니다", "the expiry must be in the future")
    sharer_org = product.owner_org_id
    if actor is not None and actor.role != "admin" and product.owner_org_id != actor.org_id:
        held = live_share(session=session, org_id=actor.org_id, product_id=product.id, now=now)
        if held is not None and held.no_onward_transfer:
            raise OnwardTransferRefused(held, "share")
        if held is None and not can(actor, "share.create", product):
            raise _deny(f"share.create on {product.id}")
        if held is not None:
            sharer_org = actor.org_id
            expires_at = min(expires_at, held.expires_at)
    if not is_member(session=session, group_id=group.id, org_id=sharer_org):
        raise WorkflowError(
            f"공유하는 조직이 그룹 '{group.name}'의 구성원이 아닙니다",
            f"the sharing organisation is not a member of the group '{group.name}'",
        )
    share = GroupShare(
        product_id=product.id,
        group_id=group.id,
        purpose=purpose,
        no_onward_transfer=no_onward_transfer,
        expires_at=expires_at,
        created_by_id=actor.id if actor else None,
    )
    session.add(share)
    session.flush()
    audit.record(
        session=session,
        action="share.create",
        actor=actor,
        org_id=sharer_org,
        target=f"share:{share.id}",
        detail={
            "product": product.id,
            "group_id": group.id,
            "group": group.name,
            "purpose": purpose,
            "no_onward_transfer": no_onward_transfer,
            "expires_at": expires_at.isoformat(),
        },
    )
    return share


def get_share(*, session: Session, share_id: int, viewer: User | None) -> GroupShare:
    """A share the viewer may see (staff, the product's owner, a member of its group)."""
    share = session.get(GroupShare, share_id)
    if share is None or not _sees(session, viewer, share):
        raise NotFound(f"공유를 찾을 수 없습니다: {share_id}", f"share not found: {share_id}")
    return share


def _sees(session: Session, viewer: User | None, share: GroupShare) -> bool:
    if viewer is None or viewer.role in STAFF:
        return True
    if share.product.owner_org_id == viewer.org_id:
        return True
    return is_member(session=session, group_id=share.group_id, org_id=viewer.org_id)


def revoke_share(*, session: Session, share: GroupShare, actor: User | None) -> GroupShare:
    """End a share now (the owner organisation, the sharer or an admin); audited once."""
    if actor is not None and not (
        can(actor, "share.revoke", share)
        or (share.created_by_id is not None and share.created_by_id == actor.id)
    ):
        raise _deny(f"share.revoke on share:{share.id}")
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        share.revoked_by_id = actor.id if actor else None
        audit.record(
            session=session,
            action="share.revoke",
            actor=actor,
            org_id=share.product.owner_org_id if actor is None else None,
            target=f"share:{share.id}",
            detail={"product": share.product_id, "group_id": share.group_id},
        )
    session.flush()
    return share


def share_state(share: GroupShare, now: datetime | None = None) -> str:
    """live, expired or revoked."""
    if share.revoked_at is not None:
        return "revoked"
    return "live" if share.expires_at > (now or utcnow()) else "expired"


def list_groups(*, session: Session, viewer: User | None) -> Sequence[ValueChainGroup]:
    """Every group for staff and the system; else the groups of the viewer's organisation."""
    stmt = select(ValueChainGroup).order_by(ValueChainGroup.name)
    if viewer is not None and viewer.role not in STAFF:
        mine = select(ValueChainMember.group_id).where(ValueChainMember.org_id == viewer.org_id)
        stmt = stmt.where(ValueChainGroup.id.in_(mine))
    return session.scalars(stmt).all()


@dataclass(frozen=True)
class MemberView:
    org_id: int
    name: str
    links: tuple[tuple[str, str], ...]  # (relation, other organisation's name)


def members(*, session: Session, group: ValueChainGroup) -> list[MemberView]:
    """The group's organisations with their supplier/customer links."""
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .join(ValueChainMember, ValueChainMember.org_id == Organisation.id)
        .where(ValueChainMember.group_id == group.id)
        .order_by(Organisation.name)
    ).all()
    names = {int(i): str(n) for i, n in rows}
    links = session.scalars(select(ValueChainLink).where(ValueChainLink.group_id == group.id)).all()
    out = []
    for org_id, name in names.items():
        mine = tuple(
            (link.relation, names.get(link.to_org_id, str(link.to_org_id)))
            for link in links
            if link.from_org_id == org_id
        )
        out.append(MemberView(org_id, name, mine))
    return out


def list_shares(
    *,
    session: Session,
    viewer: User | None,
    product_id: str | None = None,
    group_id: int | None = None,
) -> Sequence[GroupShare]:
    """Shares the viewer may see (staff: all; else its products' and its groups'), newest first."""
    stmt = select(GroupShare).join(Product).order_by(GroupShare.id.desc())
    if viewer is not None and viewer.role not in STAFF:
        mine = select(ValueChainMember.group_id).where(ValueChainMember.org_id == viewer.org_id)
        stmt = stmt.where(or_(Product.owner_org_id == viewer.org_id, GroupShare.group_id.in_(mine)))
    if product_id is not None:
        stmt = stmt.where(GroupShare.product_id == product_id)
    if group_id is not None:
        stmt = stmt.where(GroupShare.group_id == group_id)
    return session.scalars(stmt).unique().all()


def shares_reaching(
    *, session: Session, viewer: User | None, product_ids: Iterable[str]
) -> dict[str, GroupShare]:
    """product id → the live share through which the viewer's organisation reads it (only for
    products it does not own): what the library marks as "shared with your group"."""
    ids = sorted(set(product_ids))
    if viewer is None or not ids:
        return {}
    stmt = live_shares(viewer.org_id).where(GroupShare.product_id.in_(ids))
    out: dict[str, GroupShare] = {}
    for share in session.scalars(stmt).unique():
        if share.product.owner_org_id != viewer.org_id:
            out.setdefault(share.product_id, share)
    return out


def share_audit(*, session: Session, viewer: User | None, limit: int = 200) -> Sequence[AuditLog]:
    """The audit rows of the shares the viewer may see (``list_shares``), newest first: the
    owner sees who read its product through which share; a member, its groups' shares."""
    stmt = (
        select(AuditLog)
        .where(AuditLog.action.in_(AUDITED))
        .order_by(AuditLog.id.desc())
        .limit(limit)
    )
    if viewer is not None and viewer.role not in STAFF:
        visible = list_shares(session=session, viewer=viewer)
        if not visible:
            return []
        stmt = stmt.where(AuditLog.target.in_([f"share:{s.id}" for s in visible]))
    return session.scalars(stmt).all()
