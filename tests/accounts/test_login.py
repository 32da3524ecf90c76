"""Login: audited, rate-limited per e-mail and IP in the database (shared across processes)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.errors import AuthError, RateLimited
from mfgdata.accounts.login import authenticate
from mfgdata.db.tables import AuditLog, utcnow
from mfgdata.settings import Settings

LIMIT = Settings(login_max_failures=3, login_window_seconds=600)
PASSWORD = "correct horse battery"


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_success_and_failure_are_audited(db_session: Session) -> None:
    user = make_user(db_session, org="Acme", email="kim@acme.kr")
    assert authenticate(session=db_session, email="KIM@acme.kr ", password=PASSWORD).id == user.id
    with pytest.raises(AuthError):
        authenticate(session=db_session, email="kim@acme.kr", password="wrong", ip="10.0.0.1")
    with pytest.raises(AuthError):  # same answer for an unknown user
        authenticate(session=db_session, email="nobody@acme.kr", password=PASSWORD)
    assert _actions(db_session)[-3:] == ["login.success", "login.failure", "login.failure"]
    failure = db_session.scalars(
        select(AuditLog).where(AuditLog.action == "login.failure").order_by(AuditLog.id)
    ).first()
    assert failure is not None and failure.ip == "10.0.0.1" and failure.actor_id == user.id


def test_n_failures_lock_the_key_for_the_window(db_engine: Engine) -> None:
    with Session(db_engine) as s:
        make_user(s, org="Acme", email="lee@acme.kr")
    start = utcnow()
    for i in range(3):
        # a new session each time: the count lives in the database, not in memory
        with Session(db_engine) as s, pytest.raises(AuthError):
            authenticate(
                session=s,
                email="lee@acme.kr",
                password="bad",
                now=start + timedelta(seconds=i),
                settings=LIMIT,
            )
    with Session(db_engine) as s, pytest.raises(RateLimited) as locked:
        # even the right password is refused while locked
        authenticate(
            session=s,
            email="lee@acme.kr",
            password=PASSWORD,
            now=start + timedelta(seconds=10),
            settings=LIMIT,
        )
    assert 580 <= locked.value.retry_after <= 600
    assert locked.value.status_code == 429
    with Session(db_engine) as s:
        assert "login.locked" in _actions(s)
        later = start + timedelta(seconds=601)
        assert authenticate(
            session=s, email="lee@acme.kr", password=PASSWORD, now=later, settings=LIMIT
        )


def test_ip_key_locks_across_accounts(db_engine: Engine) -> None:
    with Session(db_engine) as s:
        make_user(s, org="Acme", email="a@acme.kr")
    now = utcnow()
    for email in ("x@acme.kr", "y@acme.kr", "z@acme.kr"):
        with Session(db_engine) as s, pytest.raises(AuthError):
            authenticate(
                session=s, email=email, password="guess", ip="203.0.113.9", now=now, settings=LIMIT
            )
    with Session(db_engine) as s, pytest.raises(RateLimited):
        authenticate(
            session=s,
            email="a@acme.kr",
            password=PASSWORD,
            ip="203.0.113.9",
            now=now,
            settings=LIMIT,
        )
    with Session(db_engine) as s:  # another address is not locked
        assert authenticate(
            session=s,
            email="a@acme.kr",
            password=PASSWORD,
            ip="198.51.100.1",
            now=now,
            settings=LIMIT,
        )


def test_success_resets_the_email_counter(db_engine: Engine) -> None:
    with Session(db_engine) as s:
        make_user(s, org="Acme", email="park@acme.kr")
    now = utcnow()
    for attempt in ("bad", "bad", PASSWORD, "bad", "bad"):
        with Session(db_engine) as s, contextlib.suppress(AuthError):
            authenticate(session=s, email="park@acme.kr", password=attempt, now=now, settings=LIMIT)
    with Session(db_engine) as s:  # 2 failures since the success: not locked yet
        assert authenticate(
            session=s, email="park@acme.kr", password=PASSWORD, now=now, settings=LIMIT
        )
