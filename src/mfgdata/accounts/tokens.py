"""API tokens: ``mfg_`` + a random secret, shown once, stored as a SHA-256 hash, scoped, revocable.

A token is ``mfg_<prefix 8><secret 43>``. The prefix finds the row; the SHA-256 of the whole
token is compared in constant time (the secret has 256 random bits, so a slow hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import AuthError, PermissionDenied
from mfgdata.db.tables import TOKEN_SCOPES, ApiToken, User, utcnow
from mfgdata.errors import ConfigError

PREFIX = "mfg_"
_ALNUM = string.ascii_letters + string.digits
_PREFIX_LEN = 8


@dataclass(frozen=True)
class NewToken:
    """A created token: ``secret`` is the full token string, shown to the user once."""

    token: ApiToken
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    out = sorted(set(scopes))
    unknown = [s for s in out if s not in TOKEN_SCOPES]
    if unknown or not out:
        raise ConfigError(
            f"알 수 없는 토큰 권한입니다: {unknown} (가능: {', '.join(TOKEN_SCOPES)})",
            f"unknown or empty token scopes: {unknown} (allowed: {', '.join(TOKEN_SCOPES)})",
        )
    return out


def create_token(
    *, session: Session, user: User, name: str, scopes: Iterable[str], ip: str | None = None
) -> NewToken:
    """Create a token for ``user``; the secret is never stored and cannot be shown again."""
    checked = _check_scopes(scopes)
    if "admin" in checked and user.role != "admin":
        raise PermissionDenied(
            "관리자만 admin 권한 토큰을 만들 수 있습니다",
            "only administrators can create tokens with the admin scope",
        )
    prefix = "".join(secrets.choice(_ALNUM) for _ in range(_PREFIX_LEN))
    secret = f"{PREFIX}{prefix}{secrets.token_urlsafe(32)}"
    row = ApiToken(
        user_id=user.id,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=" ".join(checked),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="token.create",
        actor=user,
        target=f"token:{row.id}",
        ip=ip,
        detail={"name": name, "scopes": checked, "prefix": prefix},
    )
    return NewToken(token=row, secret=secret)


def token_scopes(token: ApiToken) -> set[str]:
    return set(token.scopes.split())


def verify_token(
    *, session: Session, secret: str, scope: str | None = None, now: datetime | None = None
) -> tuple[ApiToken, User]:
    """The token and its user, or AuthError (unknown, revoked, inactive) / PermissionDenied."""
    bad = AuthError("API 토큰이 올바르지 않습니다", "invalid API token")
    if not secret.startswith(PREFIX) or len(secret) < len(PREFIX) + _PREFIX_LEN + 1:
        raise bad
    prefix = secret[len(PREFIX) : len(PREFIX) + _PREFIX_LEN]
    row = session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).first()
    expected = row.secret_hash if row is not None else _hash(PREFIX + "x" * 51)
    if not hmac.compare_digest(expected, _hash(secret)) or row is None:
        raise bad
    if row.revoked_at is not None:
        raise AuthError("폐기된 API 토큰입니다", "the API token has been revoked")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthError("비활성 사용자의 토큰입니다", "the token's user is not active")
    if scope is not None and scope not in token_scopes(row):
        raise PermissionDenied(
            f"이 토큰에는 '{scope}' 권한이 없습니다", f"the token lacks the '{scope}' scope"
        )
    row.last_used = now or utcnow()
    session.flush()
    return row, user


def revoke_token(
    *, session: Session, token_id: int, actor: User, ip: str | None = None
) -> ApiToken:
    """Revoke a token of ``actor`` (an admin may revoke anyone's); idempotent."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise PermissionDenied("토큰을 폐기할 권한이 없습니다", "not allowed to revoke this token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session=session,
            action="token.revoke",
            actor=actor,
            target=f"token:{row.id}",
            ip=ip,
            detail={"prefix": row.prefix},
        )
    session.flush()
    return row


def list_tokens(*, session: Session, user: User) -> Sequence[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return session.scalars(stmt).all()
