"""Password login: rate-limited per e-mail and per IP, audited, same answer for unknown users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mfgdata.accounts import audit, ratelimit
from mfgdata.accounts.errors import AuthError, RateLimited
from mfgdata.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from mfgdata.db.repositories.users import get_user_by_email, normalise_email
from mfgdata.db.tables import User
from mfgdata.settings import Settings


def _keys(email: str, ip: str | None) -> list[str]:
    keys = [f"email:{normalise_email(email)}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    ip: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> User:
    """The user, or AuthError / RateLimited. Commits ``session`` either way, so that failed
    attempts and their audit rows persist even though an exception follows."""
    keys = _keys(email, ip)
    user = get_user_by_email(session=session, email=email)
    try:
        for key in keys:
            ratelimit.check(session=session, key=key, now=now, settings=settings)
    except RateLimited:
        audit.record(
            session=session,
            action="login.locked",
            actor=user,
            org_id=user.org_id if user else None,
            target=f"email:{normalise_email(email)}",
            ip=ip,
        )
        session.commit()
        raise
    ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    ok = ok and user is not None and user.active
    for key in keys:
        # a success clears the e-mail's failures, never the IP's (one good account must not
        # reset the counter of an address that guesses others' passwords)
        ratelimit.record_attempt(
            session=session, key=key, success=ok, now=now, clear=key.startswith("email:")
        )
    audit.record(
        session=session,
        action="login.success" if ok else "login.failure",
        actor=user,
        target=f"email:{normalise_email(email)}",
        ip=ip,
    )
    if ok and user is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    if not ok or user is None:
        raise AuthError(
            "전자우편 또는 비밀번호가 올바르지 않습니다", "wrong e-mail address or password"
        )
    return user
