"""The authorizer of the product routes (rows, AAS, DCAT/Croissant, predict) and usage metering.

``create_app`` installs it over ``deps.default_authorize``
(``app.dependency_overrides[get_authorizer]``):

- a version the caller may not see (``can(user, "version.view", ...)``; anonymous: published
  only) is answered 404, so ids are never confirmed;
- metadata and AAS need the ``read`` scope, rows and predictions the ``api`` scope and a right
  to the data (owner organisation or a live grant, ``catalog.access.authorize``);
- an anonymous caller asking a published product's rows gets 401.

Every allowed rows/predict call is metered (``catalog.metering.record_usage``) after the
response: rows from the ``X-Row-Count`` header, bytes as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mfgdata.accounts.errors import AuthError, PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.api.auth import ActorDep, DbSession
from mfgdata.api.deps import (
    PREDICT,
    READ_AAS,
    READ_META,
    READ_ROWS,
    Authorizer,
    ProductRef,
)
from mfgdata.catalog import access
from mfgdata.catalog.errors import NotFound
from mfgdata.catalog.metering import record_usage
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.tables import ApiToken, ProductVersion
from mfgdata.settings import Settings

SCOPES = {READ_META: "read", READ_AAS: "read", READ_ROWS: "api", PREDICT: "api"}
DATA_ACTIONS = (READ_ROWS, PREDICT)


@dataclass(frozen=True)
class Meter:
    version_id: int
    token_id: int | None
    user_id: int | None


def _not_found(ref: ProductRef) -> NotFound:
    return NotFound(
        f"제품을 찾을 수 없습니다: {ref.product_id}@{ref.version}",
        f"product not found: {ref.product_id}@{ref.version}",
    )


def _version(session: Session, ref: ProductRef) -> ProductVersion:
    stmt = select(ProductVersion).where(
        ProductVersion.product_id == ref.product_id, ProductVersion.version == ref.version
    )
    row = session.scalars(stmt).first()
    if row is None:
        raise _not_found(ref)
    return row


def authorizer(request: Request, actor: ActorDep, session: DbSession) -> Authorizer:
    """Dependency (installed over ``get_authorizer``): the check the product routes call."""

    def check(ref: ProductRef, action: str) -> None:
        user = actor.user
        if user is None:  # the row, not ``ref``: resolved refs may be cached for a while
            if _version(session, ref).status != "published":
                raise _not_found(ref)
            if action in DATA_ACTIONS:
                raise AuthError(
                    "데이터 조회에는 API 토큰이나 로그인이 필요합니다",
                    "data access needs an API token or a login",
                )
            return
        version = _version(session, ref)
        granted = access.has_grant(
            session=session, org_id=user.org_id, product_id=version.product_id
        )
        data_ok = can(user, "version.api", version, granted=granted)
        if not data_ok and not can(user, "version.view", version):
            raise _not_found(ref)
        scope = SCOPES.get(action, "read")
        if actor.via == "token" and not actor.has_scope(scope):
            raise PermissionDenied(
                f"이 토큰에는 '{scope}' 권한이 없습니다", f"the token lacks the '{scope}' scope"
            )
        if action in DATA_ACTIONS:
            if not data_ok:
                raise PermissionDenied(
                    "이 제품의 데이터에 접근할 권한이 없습니다 (접근 요청 후 승인 필요)",
                    "no right to this product's data (request access and wait for approval)",
                )
            token: ApiToken | None = actor.token
            request.state.meter = Meter(version.id, token.id if token else None, user.id)

    return check


def _record(settings: Settings, meter: Meter, rows: int, nbytes: int) -> None:
    with session_factory(get_engine(settings))() as session:
        version = session.get(ProductVersion, meter.version_id)
        token = session.get(ApiToken, meter.token_id) if meter.token_id else None
        if version is None:
            return
        record_usage(
            session=session,
            version=version,
            rows=rows,
            bytes_out=nbytes,
            token=token,
            user_id=meter.user_id,
            settings=settings,
        )
        session.commit()


class MeteringMiddleware:
    """Pure ASGI: after a successful metered response, write one usage row."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen: dict[str, Any] = {"status": 0, "rows": 0, "bytes": 0}

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                for key, value in message.get("headers", []):
                    if key.lower() == b"x-row-count":
                        seen["rows"] = int(value or b"0")
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting_send)
        meter = scope.get("state", {}).get("meter")
        if isinstance(meter, Meter) and 200 <= seen["status"] < 300:
            await anyio.to_thread.run_sync(
                _record, self.settings, meter, seen["rows"], seen["bytes"]
            )
