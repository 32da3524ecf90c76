"""Accounts over HTTP: sign-up, login (rate-limited, audited), logout, ``/me`` and API tokens.

A sign-up creates an organisation of the chosen kind and its first user. The platform's roles
are global (``admin`` and ``center_staff`` see every organisation), so a self sign-up never gets
them: manufacturers, suppliers and centers start as ``member``, buyers as ``buyer``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mfgdata.accounts import audit, tokens
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.login import authenticate
from mfgdata.accounts.roles import can
from mfgdata.api import sessions
from mfgdata.api.auth import LOGOUT, ActorDep, DbSession, client_ip, require_user
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.catalog.errors import NotFound
from mfgdata.db.repositories.organisations import OrganisationCreate, create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import ApiToken, Organisation, User

router = APIRouter(prefix="/api/v1", tags=["accounts / 계정"])

SIGNUP_ROLE = {"manufacturer": "member", "supplier": "member", "center": "member", "buyer": "buyer"}


class SignupIn(BaseModel):
    organisation: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["manufacturer", "supplier", "center", "buyer"]
    email: Annotated[str, Field(min_length=3, max_length=320)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=8, max_length=1000)]
    locale: Literal["ko", "en"] = "ko"


class LoginIn(BaseModel):
    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class OrgOut(BaseModel):
    id: int
    name: str
    kind: str


class MeOut(BaseModel):
    authenticated: bool
    via: str
    id: int | None = None
    email: str | None = None
    name: str | None = None
    role: str | None = None
    locale: str | None = None
    organisation: OrgOut | None = None
    scopes: list[str] = []
    csrf_token: str | None = None


class TokenIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    scopes: Annotated[list[str], Field(min_length=1, max_length=4)] = ["read"]


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created: datetime
    last_used: datetime | None
    revoked_at: datetime | None
    token: str | None = Field(default=None, description="shown once, at creation")


def _me(user: User | None, org: Organisation | None, via: str, scopes: list[str]) -> MeOut:
    if user is None:
        return MeOut(authenticated=False, via=via)
    return MeOut(
        authenticated=True,
        via=via,
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        locale=user.locale,
        organisation=OrgOut(id=org.id, name=org.name, kind=org.kind) if org else None,
        scopes=scopes,
    )


def _login_response(request: Request, response: Response, session: Session, user: User) -> MeOut:
    settings = get_settings_dep(request)
    value, data = sessions.issue(user, settings)
    csrf = sessions.set_cookies(response, value, data, settings)
    me = _me(user, session.get(Organisation, user.org_id), "session", [])
    me.csrf_token = csrf
    return me


@router.post("/auth/signup", status_code=201, summary="가입 / Sign up (organisation + user)")
def signup(body: SignupIn, request: Request, response: Response, session: DbSession) -> MeOut:
    org = create_organisation(
        session=session, data=OrganisationCreate(name=body.organisation, kind=body.kind)
    )
    user = create_user(
        session=session,
        data=UserCreate(
            email=body.email,
            name=body.name,
            org_id=org.id,
            role=SIGNUP_ROLE[body.kind],
            password=body.password,
            locale=body.locale,
        ),
    )
    session.commit()
    return _login_response(request, response, session, user)


@router.post("/auth/login", summary="로그인 / Log in (sets the session and CSRF cookies)")
def login(body: LoginIn, request: Request, response: Response, session: DbSession) -> MeOut:
    user = authenticate(
        session=session,
        email=body.email,
        password=body.password,
        ip=client_ip(request),
        settings=get_settings_dep(request),
    )
    return _login_response(request, response, session, user)


@router.post("/auth/logout", status_code=204, summary="로그아웃 / Log out")
def logout(request: Request, actor: ActorDep, session: DbSession) -> Response:
    response = Response(status_code=204)
    if actor.via == "session" and actor.user is not None:
        audit.record(
            session=session,
            action=LOGOUT,
            actor=actor.user,
            target=f"session:{actor.session_id}",
            ip=client_ip(request),
        )
        session.commit()
    sessions.clear_cookies(response, get_settings_dep(request))
    return response


@router.get("/me", summary="현재 사용자 / The current user")
def me(request: Request, actor: ActorDep) -> MeOut:
    out = _me(actor.user, actor.org, actor.via, sorted(actor.scopes))
    if actor.session_id is not None:
        out.csrf_token = sessions.csrf_token(actor.session_id, get_settings_dep(request))
    return out


def _token_out(row: ApiToken, secret: str | None = None) -> TokenOut:
    return TokenOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=sorted(tokens.token_scopes(row)),
        created=row.created,
        last_used=row.last_used,
        revoked_at=row.revoked_at,
        token=secret,
    )


def _token_manager(actor: ActorDep) -> User:
    """Tokens are managed from a login session, or with a token that has the admin scope."""
    user = require_user(actor)
    if actor.via == "token" and not actor.has_scope("admin"):
        raise PermissionDenied(
            "토큰 관리는 로그인 세션이나 admin 권한 토큰으로만 할 수 있습니다",
            "tokens are managed from a login session or with an admin-scoped token",
        )
    return user


@router.post("/tokens", status_code=201, summary="API 토큰 발급 / Create an API token")
def create_api_token(
    body: TokenIn, request: Request, actor: ActorDep, session: DbSession
) -> TokenOut:
    user = _token_manager(actor)
    if not can(user, "token.create"):
        raise PermissionDenied("토큰을 만들 권한이 없습니다", "not allowed to create tokens")
    made = tokens.create_token(
        session=session, user=user, name=body.name, scopes=body.scopes, ip=client_ip(request)
    )
    session.commit()
    return _token_out(made.token, made.secret)


@router.get("/tokens", summary="내 API 토큰 / My API tokens (never the secret)")
def list_api_tokens(actor: ActorDep, session: DbSession) -> list[TokenOut]:
    user = _token_manager(actor)
    return [_token_out(t) for t in tokens.list_tokens(session=session, user=user)]


@router.delete("/tokens/{token_id}", summary="API 토큰 폐기 / Revoke an API token")
def revoke_api_token(
    token_id: DbInt, request: Request, actor: ActorDep, session: DbSession
) -> TokenOut:
    user = _token_manager(actor)
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and user.role != "admin"):
        raise NotFound(f"토큰을 찾을 수 없습니다: {token_id}", f"token not found: {token_id}")
    revoked = tokens.revoke_token(
        session=session, token_id=token_id, actor=user, ip=client_ip(request)
    )
    session.commit()
    return _token_out(revoked)
