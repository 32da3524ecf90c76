"""The authorizer of the product routes (rows, AAS, DCAT/Croissant, predict) and usage metering.

``create_app`` installs it over ``deps.default_authorize`` (``app.state.make_authorizer``, which
``deps.get_authorizer`` calls):

- a version the caller may not see (``can(user, "version.view", ...)``; anonymous: published
  only) is answered 404, so ids are never confirmed;
- metadata and AAS need the ``read`` or the ``api`` scope (a program that calls a product's rows
  reads its schema and AAS first), rows and predictions the ``api`` scope and a right to the data
  (owner organisation, a live grant or a live value-chain group share, ``catalog.access``);
- a version reachable only through a group share is never cached (a revocation or an expiry
  takes effect at once) and each rows/predict call through it is audited (``valuechain.read``,
  naming the group and the share);
- an anonymous caller asking a published product's rows gets 401.

Every allowed rows/predict call is metered after the response (``api.metering``: rows from the
``X-Row-Count`` header, bytes as sent, written in batches). An allowed decision is reused for
``Settings.token_cache_seconds`` (``api.authcache``); a denial is always checked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts.errors import AuthError, PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.api.auth import client_ip, request_actor
from mfgdata.api.authcache import AuthCache
from mfgdata.api.deps import (
    PREDICT,
    READ_AAS,
    READ_META,
    READ_ROWS,
    Authorizer,
    ProductRef,
    get_settings_dep,
)
from mfgdata.api.metering import Meter
from mfgdata.catalog import access
from mfgdata.catalog.errors import NotFound
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.tables import ApiToken, ProductVersion

#: the token scopes that allow each action (the first is the one named in a refusal)
SCOPES: dict[str, tuple[str, ...]] = {
    READ_META: ("read", "api"),
    READ_AAS: ("read", "api"),
    READ_ROWS: ("api",),
    PREDICT: ("api",),
}
DATA_ACTIONS = (READ_ROWS, PREDICT)


@dataclass(frozen=True)
class Allowed:
    """A cached positive decision (and the metering it implies)."""

    meter: Meter | None


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


async def make_authorizer(request: Request) -> Authorizer:
    """The check the product routes call (``app.state.make_authorizer``, see ``get_authorizer``).

    An allowed answer is cached (``authcache``), so a repeated call reads no database; on a miss
    the check opens its own short database session.
    """
    actor = await request_actor(request)
    settings = get_settings_dep(request)
    cache = getattr(request.app.state, "auth_cache", None)
    decisions = cache.decisions if isinstance(cache, AuthCache) else None

    def check(ref: ProductRef, action: str) -> None:
        user = actor.user
        key = (
            actor.via,
            actor.token.id if actor.token else None,
            user.id if user else None,
            ref.product_id,
            ref.version,
            ref.status,
            action,
        )
        known = decisions.get(key) if decisions is not None else None
        if isinstance(known, Allowed):
            if known.meter is not None:
                request.state.meter = known.meter
            return
        with session_factory(get_engine(settings))() as session:
            meter, by_share = _check(session, ref, action)
        if meter is not None:
            request.state.meter = meter
        if decisions is not None and not by_share:
            decisions.put(key, Allowed(meter))

    def _check(session: Session, ref: ProductRef, action: str) -> tuple[Meter | None, bool]:
        """The meter of an allowed call and whether a group share was needed to see it."""
        user = actor.user
        if user is None:  # the row, not ``ref``: resolved refs may be cached for a while
            if _version(session, ref).status != "published":
                raise _not_found(ref)
            if action in DATA_ACTIONS:
                raise AuthError(
                    "데이터 조회에는 API 토큰이나 로그인이 필요합니다",
                    "data access needs an API token or a login",
                )
            return None, False
        version = _version(session, ref)
        granted, share = access.rights(session=session, user=user, product_id=version.product_id)
        shared = share is not None
        data_ok = can(user, "version.api", version, granted=granted, shared=shared)
        seen = can(user, "version.view", version)
        if not data_ok and not seen and not can(user, "version.view", version, shared=shared):
            raise _not_found(ref)
        data_by_share = shared and not can(user, "version.api", version, granted=granted)
        by_share = data_by_share or (shared and not seen)  # never cached
        accepted = SCOPES.get(action, ("read",))
        if actor.via == "token" and not any(actor.has_scope(s) for s in accepted):
            scope = accepted[0]
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
            if share is not None and data_by_share:
                access.record_share_use(
                    session=session,
                    user=user,
                    share=share,
                    version=version,
                    action=action,
                    ip=client_ip(request),
                )
                session.commit()
            return Meter(version.id, token.id if token else None, user.id), by_share
        return None, by_share

    return check
