"""Users (passwords hashed with argon2; e-mail addresses stored lower-cased)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.passwords import hash_password
from mfgdata.db.tables import LOCALES, ROLES, User
from mfgdata.errors import ConfigError


@dataclass(frozen=True)
class UserCreate:
    email: str
    name: str
    org_id: int
    role: str
    password: str
    locale: str = "ko"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, session: Session, data: UserCreate, actor: User | None = None) -> User:
    email = normalise_email(data.email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ConfigError(f"전자우편 주소가 올바르지 않습니다: {email}", f"invalid e-mail: {email}")
    if data.role not in ROLES:
        raise ConfigError(
            f"알 수 없는 역할입니다: {data.role} (가능: {', '.join(ROLES)})",
            f"unknown role {data.role!r} (allowed: {', '.join(ROLES)})",
        )
    if data.locale not in LOCALES:
        raise ConfigError(
            f"지원하지 않는 언어입니다: {data.locale}", f"unknown locale {data.locale}"
        )
    if get_user_by_email(session=session, email=email) is not None:
        raise ConfigError(
            f"이미 등록된 전자우편입니다: {email}", f"a user with this e-mail exists: {email}"
        )
    user = User(
        org_id=data.org_id,
        email=email,
        name=data.name,
        password_hash=hash_password(data.password),
        role=data.role,
        locale=data.locale,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        action="user.create",
        actor=actor,
        org_id=user.org_id,
        target=f"user:{user.id}",
        detail={"email": email, "role": data.role},
    )
    return user


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalise_email(email))).first()


def list_users(*, session: Session, org_id: int) -> Sequence[User]:
    """The users of one organisation (never another's)."""
    return session.scalars(select(User).where(User.org_id == org_id).order_by(User.id)).all()


def set_active(*, session: Session, user: User, active: bool) -> User:
    user.active = active
    session.flush()
    return user
