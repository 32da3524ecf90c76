"""Login rate limit: at most N failures per key (e-mail, IP) in a sliding window, kept in the DB
so that every worker process sees the same count."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mfgdata.accounts.errors import RateLimited
from mfgdata.db.tables import LoginAttempt, utcnow
from mfgdata.settings import Settings, get_settings


def _limits(settings: Settings | None) -> tuple[int, timedelta]:
    s = settings or get_settings()
    return s.login_max_failures, timedelta(seconds=s.login_window_seconds)


def failures(*, session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    """Failures of ``key`` since ``since`` and the oldest of them."""
    stmt = select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
        LoginAttempt.key == key, LoginAttempt.at >= since, LoginAttempt.success.is_(False)
    )
    count, oldest = session.execute(stmt).one()
    if oldest is not None and oldest.tzinfo is None:  # aggregates may bypass the column type
        oldest = oldest.replace(tzinfo=UTC)
    return int(count), oldest


def check(
    *, session: Session, key: str, now: datetime | None = None, settings: Settings | None = None
) -> None:
    """Raise RateLimited when ``key`` has N failures inside the window."""
    now = now or utcnow()
    limit, window = _limits(settings)
    count, oldest = failures(session=session, key=key, since=now - window)
    if count >= limit and oldest is not None:
        retry = max(1, math.ceil((oldest + window - now).total_seconds()))
        raise RateLimited(retry)


def record_attempt(
    *, session: Session, key: str, success: bool, now: datetime | None = None, clear: bool = True
) -> None:
    """Record one attempt; a success clears the key's earlier failures when ``clear``."""
    now = now or utcnow()
    if success and clear:
        session.execute(
            delete(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.success.is_(False))
        )
    session.add(LoginAttempt(key=key, at=now, success=success))
    session.flush()


def prune(*, session: Session, before: datetime) -> int:
    """Delete attempts older than ``before`` (housekeeping); the number deleted."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
