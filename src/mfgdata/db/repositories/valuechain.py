"""Value-chain shares as SQL: which products an organisation reads through a live group share.

A share is live while it is not revoked and not expired; it reaches the organisations that are
members of its group. Only ``verified`` and ``published`` versions are reachable through a share
(a draft is unchecked work; a retired version is withdrawn by its owner).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session

from mfgdata.db.tables import GroupShare, ProductVersion, ValueChainMember, utcnow

SHARED_STATUSES = ("verified", "published")


def live_shares(org_id: int, now: datetime | None = None) -> Select[GroupShare]:
    """Live shares reaching ``org_id`` (through its group memberships), newest first."""
    now = now or utcnow()
    return (
        select(GroupShare)
        .join(ValueChainMember, ValueChainMember.group_id == GroupShare.group_id)
        .where(
            ValueChainMember.org_id == org_id,
            GroupShare.revoked_at.is_(None),
            GroupShare.expires_at > now,
        )
        .order_by(GroupShare.id.desc())
    )


def shared_clause(org_id: int, now: datetime | None = None) -> ColumnElement[bool]:
    """SQL condition on ProductVersion: reachable by ``org_id`` through a live group share."""
    products = live_shares(org_id, now).with_only_columns(GroupShare.product_id)
    return and_(ProductVersion.status.in_(SHARED_STATUSES), ProductVersion.product_id.in_(products))


def live_share(
    *, session: Session, org_id: int, product_id: str, now: datetime | None = None
) -> GroupShare | None:
    """The newest live share of ``product_id`` reaching ``org_id``, if any."""
    stmt = live_shares(org_id, now).where(GroupShare.product_id == product_id).limit(1)
    return session.scalars(stmt).unique().first()
