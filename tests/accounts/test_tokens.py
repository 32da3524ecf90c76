"""Passwords and API tokens: hashed at rest, shown once, scoped, revocable, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.errors import AuthError, PermissionDenied
from mfgdata.accounts.passwords import hash_password, needs_rehash, verify_password
from mfgdata.accounts.tokens import create_token, list_tokens, revoke_token, verify_token
from mfgdata.db.tables import ApiToken, AuditLog, User
from mfgdata.errors import ConfigError


def test_password_hash_is_argon2id_and_verifies() -> None:
    h = hash_password("비밀번호-correct-horse")
    assert h.startswith("$argon2id$")
    assert "correct-horse" not in h
    assert verify_password(h, "비밀번호-correct-horse")
    assert not verify_password(h, "비밀번호-correct-hors")
    assert not verify_password("not a hash", "x")
    assert not needs_rehash(h)
    with pytest.raises(ConfigError):
        hash_password("short")


def test_user_password_is_stored_hashed(db_session: Session) -> None:
    user = make_user(db_session, org="Acme", password="secret-password-1")
    stored = db_session.scalars(select(User.password_hash).where(User.id == user.id)).one()
    assert "secret-password-1" not in stored and verify_password(stored, "secret-password-1")


def test_token_shown_once_stored_hashed_and_verified(db_session: Session) -> None:
    user = make_user(db_session, org="Acme")
    new = create_token(session=db_session, user=user, name="ci", scopes=["read", "api"])
    db_session.commit()
    assert new.secret.startswith("mfg_") and len(new.secret) > 40
    row = db_session.get(ApiToken, new.token.id)
    assert row is not None
    # nothing stored lets anyone rebuild the secret
    assert new.secret not in (row.secret_hash, row.prefix, row.name, row.scopes)
    assert new.secret[4:] not in row.secret_hash
    token, who = verify_token(session=db_session, secret=new.secret, scope="api")
    assert token.id == row.id and who.id == user.id and token.last_used is not None
    assert [t.id for t in list_tokens(session=db_session, user=user)] == [row.id]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # one character of the secret
        lambda s: s[:6] + ("x" if s[6] != "x" else "y") + s[7:],  # the prefix
        lambda s: "mfg_",
        lambda s: "Bearer " + s,
        lambda s: "",
    ],
)
def test_wrong_tokens_are_refused(db_session: Session, mutate: object) -> None:
    user = make_user(db_session, org="Acme")
    new = create_token(session=db_session, user=user, name="t", scopes=["read"])
    with pytest.raises(AuthError):
        verify_token(session=db_session, secret=mutate(new.secret))  # type: ignore[operator]


def test_scopes_are_enforced_and_validated(db_session: Session) -> None:
    member = make_user(db_session, org="Acme")
    new = create_token(session=db_session, user=member, name="r", scopes=["read"])
    with pytest.raises(PermissionDenied):
        verify_token(session=db_session, secret=new.secret, scope="download")
    with pytest.raises(ConfigError):
        create_token(session=db_session, user=member, name="bad", scopes=["root"])
    with pytest.raises(ConfigError):
        create_token(session=db_session, user=member, name="none", scopes=[])
    with pytest.raises(PermissionDenied):
        create_token(session=db_session, user=member, name="adm", scopes=["admin"])
    admin = make_user(db_session, org="Center", kind="center", role="admin")
    assert create_token(session=db_session, user=admin, name="a", scopes=["admin"]).token.id


def test_revoke_and_audit(db_session: Session) -> None:
    user = make_user(db_session, org="Acme")
    other = make_user(db_session, org="Beta")
    new = create_token(session=db_session, user=user, name="t", scopes=["read"])
    with pytest.raises(PermissionDenied):
        revoke_token(session=db_session, token_id=new.token.id, actor=other)
    revoke_token(session=db_session, token_id=new.token.id, actor=user)
    revoke_token(session=db_session, token_id=new.token.id, actor=user)  # idempotent
    db_session.commit()
    with pytest.raises(AuthError, match="revoked"):
        verify_token(session=db_session, secret=new.secret)
    actions = db_session.scalars(
        select(AuditLog.action).where(AuditLog.target == f"token:{new.token.id}")
    ).all()
    assert sorted(actions) == ["token.create", "token.revoke"]


def test_inactive_users_tokens_stop_working(db_session: Session) -> None:
    user = make_user(db_session, org="Acme")
    new = create_token(session=db_session, user=user, name="t", scopes=["read"])
    user.active = False
    db_session.commit()
    with pytest.raises(AuthError):
        verify_token(session=db_session, secret=new.secret)
