"""Who is calling: the ``Actor`` from a session cookie or a ``Bearer mfg_...`` API token.

- Session cookies are signed (see ``sessions``); every unsafe method (POST, PUT, PATCH, DELETE)
  with a session cookie needs the CSRF token back (``X-CSRF-Token`` header or ``csrf_token``
  form field), else 403. Bearer tokens need no CSRF token (a browser never sends them by itself).
- Tokens carry scopes (read, download, api, admin); a session has every scope of its user.
- A verified token is reused for ``Settings.token_cache_seconds`` (see ``authcache``): a
  revocation made elsewhere takes effect within that time, one made through this server at once.
- ``client_ip`` is the caller's address: the socket peer, or the ``X-Forwarded-For`` client when
  the peer is one of ``Settings.trusted_proxies`` (rewritten by the proxy middleware in
  ``create_app``; from anyone else the header is ignored).

Dependencies only: ``create_app`` mounts every router and installs the authorizer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import tokens
from mfgdata.accounts.errors import AuthError, PermissionDenied
from mfgdata.api import sessions
from mfgdata.api.authcache import AuthCache
from mfgdata.api.deps import get_settings_dep
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.tables import TOKEN_SCOPES, ApiToken, AuditLog, Organisation, User
from mfgdata.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
LOGOUT = "session.logout"


@dataclass(frozen=True)
class Actor:
    """The caller: a user through a session or a token, or anonymous."""

    via: Literal["anonymous", "session", "token"]
    user: User | None = None
    org: Organisation | None = None
    token: ApiToken | None = None
    scopes: frozenset[str] = frozenset()
    session_id: str | None = None

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


ANONYMOUS = Actor(via="anonymous")


def client_ip(request: Request) -> str | None:
    """The caller's address (already the forwarded client when the peer is a trusted proxy)."""
    return request.client.host if request.client else None


def db_session(request: Request) -> Iterator[Session]:
    """Dependency: one database session per request (closed afterwards, never auto-committed)."""
    settings = get_settings_dep(request)
    with session_factory(get_engine(settings))() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]


def _logged_out(session: Session, session_id: str) -> bool:
    stmt = select(AuditLog.id).where(
        AuditLog.action == LOGOUT, AuditLog.target == f"session:{session_id}"
    )
    return session.scalars(stmt.limit(1)).first() is not None


def _from_token(session: Session, secret: str) -> Actor:
    token, user = tokens.verify_token(session=session, secret=secret)
    session.commit()  # last_used
    org = session.get(Organisation, user.org_id)
    return Actor(
        via="token", user=user, org=org, token=token, scopes=frozenset(tokens.token_scopes(token))
    )


def _from_cookie(session: Session, value: str, settings: Settings) -> Actor:
    data = sessions.read(value, settings)
    if data is None:
        return ANONYMOUS
    user = session.get(User, data.user_id)
    if user is None or not user.active or sessions.password_fingerprint(user) != data.password:
        return ANONYMOUS
    if _logged_out(session, data.session_id):
        return ANONYMOUS
    org = session.get(Organisation, user.org_id)
    scopes = frozenset(s for s in TOKEN_SCOPES if s != "admin" or user.role == "admin")
    return Actor(via="session", user=user, org=org, scopes=scopes, session_id=data.session_id)


def resolve_actor(request: Request, session: Session, settings: Settings) -> Actor:
    """The actor of ``request`` without the CSRF check (a bad Bearer token is a 401)."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise AuthError(
                "Authorization 헤더는 'Bearer mfg_...' 형식이어야 합니다",
                "the Authorization header must be 'Bearer mfg_...'",
            )
        return _from_token(session, credential.strip())
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    return _from_cookie(session, cookie, settings) if cookie else ANONYMOUS


async def _sent_csrf(request: Request) -> str | None:
    sent = request.headers.get(sessions.CSRF_HEADER)
    if sent:
        return sent
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/x-www-form-urlencoded"):  # never parse a streamed upload
        value = (await request.form()).get(sessions.CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _resolve(request: Request, session: Session | None, settings: Settings) -> Actor:
    if session is not None:
        return resolve_actor(request, session, settings)
    with session_factory(get_engine(settings))() as own:
        return resolve_actor(request, own, settings)


async def request_actor(request: Request, session: Session | None = None) -> Actor:
    """The actor of ``request`` (once per request; a verified token from the brief cache).

    Without ``session`` a database session is opened only when the answer is not cached. A
    session's unsafe request without a valid CSRF token is a 403.
    """
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    header = request.headers.get("authorization", "")
    cache = getattr(request.app.state, "auth_cache", None)
    key = AuthCache.header_key(header) if header and isinstance(cache, AuthCache) else None
    settings = get_settings_dep(request)
    if key is not None:
        assert isinstance(cache, AuthCache)
        known = cache.tokens.get(key)
        if not isinstance(known, Actor):
            async with cache.flight(key):
                known = cache.tokens.get(key)
                if not isinstance(known, Actor):
                    verified = await run_in_threadpool(_resolve, request, session, settings)
                    if verified.via == "token":
                        cache.tokens.put(key, verified)
                    known = verified
        assert isinstance(known, Actor)
        request.state.actor = known
        return known
    actor = await run_in_threadpool(_resolve, request, session, settings)
    if actor.via == "session" and request.method not in SAFE_METHODS:
        assert actor.session_id is not None
        sent = await _sent_csrf(request)
        cookie = request.cookies.get(sessions.CSRF_COOKIE)
        if not sessions.csrf_matches(actor.session_id, sent, cookie, settings):
            raise PermissionDenied(
                "CSRF 토큰이 없거나 올바르지 않습니다 (X-CSRF-Token 헤더)",
                "missing or wrong CSRF token (X-CSRF-Token header)",
            )
    request.state.actor = actor
    return actor


async def get_actor(request: Request, session: DbSession) -> Actor:
    """Dependency: the actor; a session's unsafe request without a valid CSRF token is a 403."""
    return await request_actor(request, session)


ActorDep = Annotated[Actor, Depends(get_actor)]


def require_user(actor: Actor, scope: str | None = None) -> User:
    """The actor's user (401 when anonymous); a token must carry ``scope`` (else 403)."""
    if actor.user is None:
        raise AuthError("로그인이 필요합니다", "authentication required")
    if scope is not None and not actor.has_scope(scope):
        raise PermissionDenied(
            f"이 토큰에는 '{scope}' 권한이 없습니다", f"the token lacks the '{scope}' scope"
        )
    return actor.user
