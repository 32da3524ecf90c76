"""The audit log: one row per security-relevant action (login, tokens, publish, grants, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.db.tables import AuditLog, User

#: actions written by the library (the web app adds its own, e.g. "upload.create")
ACTIONS = (
    "login.success",
    "login.failure",
    "login.locked",
    "token.create",
    "token.revoke",
    "user.create",
    "product.register",
    "product.verify",
    "product.publish",
    "product.retire",
    "product.delete",
    "access.request",
    "access.approve",
    "access.deny",
    "grant.create",
    "grant.revoke",
    "valuechain.group",
    "valuechain.member",
    "share.create",
    "share.revoke",
    "valuechain.read",
)


def record(
    *,
    session: Session,
    action: str,
    actor: User | None = None,
    org_id: int | None = None,
    target: str | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit row to ``session`` (committed with the action it records)."""
    row = AuditLog(
        action=action,
        actor_id=actor.id if actor is not None else None,
        org_id=org_id if org_id is not None else (actor.org_id if actor is not None else None),
        target=target,
        ip=ip,
        detail=detail or {},
    )
    session.add(row)
    session.flush()
    return row


def list_audit(
    *,
    session: Session,
    org_id: int | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int = 100,
) -> Sequence[AuditLog]:
    """Newest first; ``org_id`` restricts to one organisation's rows (tenant view)."""
    stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if org_id is not None:
        stmt = stmt.where(AuditLog.org_id == org_id)
    if action is not None:
        stmt = stmt.where(AuditLog.action == action)
    if target is not None:
        stmt = stmt.where(AuditLog.target == target)
    return session.scalars(stmt).all()
