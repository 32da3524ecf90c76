"""Products in the Open API: search (``GET /api/v1/products``), publish (with a standard
licence, optionally editing the proposed title and description first), retire and delete.

A thin shell over ``catalog.search.search_products`` (the same function behind the web page
``/?q=`` and ``mfgdata search``), read with the caller's visibility: anonymous callers and
buyers see published products, an organisation also its own drafts.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.api.auth import Actor, ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.api.pages.common import viewer
from mfgdata.catalog import workflow
from mfgdata.catalog.access import refuse_onward_transfer
from mfgdata.catalog.licences import get_licence
from mfgdata.catalog.search import SearchResult, search_products
from mfgdata.catalog.valuechain import shares_reaching
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import GroupShare, Organisation, ProductVersion

router = APIRouter(prefix="/api/v1", tags=["catalog"])

Many = Annotated[list[str] | None, Query()]
SortParam = Literal["newest", "updated", "price_asc", "price_desc", "grade", "title"]


class ProductSummary(BaseModel):
    product_id: str
    version: int
    status: str
    title_ko: str
    title_en: str
    description: str
    organisation: str
    process_family: str
    problem_type: str
    data_type: str
    licence: str
    grade: str | None
    score: float | None
    price_krw: Decimal | None
    rows: int | None
    columns: int | None
    published_at: datetime | None
    links: dict[str, str]
    group_share: dict[str, object] | None = Field(
        None,
        description="공유받은 가치사슬 그룹과 이용 정책 / the value-chain group share you read "
        "it through: group, purpose, no_onward_transfer, expires_at",
    )


class ProductPage(BaseModel):
    total: int = Field(description="matches over all pages / 전체 일치 수")
    items: list[ProductSummary]
    facets: dict[str, dict[str, int]] = Field(description="exact counts over all matches")
    next_cursor: str | None = Field(description="send as ?cursor= for the next page")


def share_mark(share: GroupShare | None) -> dict[str, object] | None:
    if share is None:
        return None
    return {
        "share_id": share.id,
        "group": share.group.name,
        "purpose": share.purpose,
        "no_onward_transfer": share.no_onward_transfer,
        "expires_at": share.expires_at.isoformat(),
    }


def _summary(
    v: ProductVersion, org: str, base: str, share: GroupShare | None = None
) -> ProductSummary:
    p = v.product
    api = f"{base}api/v1/products/{p.id}/versions/{v.version}"
    return ProductSummary(
        product_id=p.id,
        version=v.version,
        status=v.status,
        title_ko=p.title_ko,
        title_en=p.title_en,
        description=p.description,
        organisation=org,
        process_family=p.process_family,
        problem_type=p.problem_type,
        data_type=p.data_type,
        licence=p.licence,
        grade=v.grade,
        score=v.score,
        price_krw=v.price_krw,
        rows=v.rows,
        columns=v.columns,
        published_at=v.published_at,
        links={
            "page": f"{base}products/{p.id}/v/{v.version}",
            "rows": f"{api}/rows",
            "schema": f"{api}/schema",
            "croissant": f"{api}/croissant.json",
        },
        group_share=share_mark(share),
    )


def page_body(
    found: SearchResult,
    orgs: dict[int, str],
    base: str,
    shares: dict[str, GroupShare] | None = None,
) -> ProductPage:
    shares = shares or {}
    items = [
        _summary(v, orgs.get(v.product.owner_org_id, ""), base, shares.get(v.product_id))
        for v in found.results
    ]
    return ProductPage(
        total=found.total, items=items, facets=found.facets, next_cursor=found.next_cursor
    )


@router.get(
    "/products",
    summary="제품 검색 / Search products (full text ko/en, facets, sort, cursor paging)",
    response_model=ProductPage,
)
def list_products(
    request: Request,
    actor: ActorDep,
    session: DbSession,
    q: Annotated[str, Query(max_length=200, description="검색어 / words, all must match")] = "",
    process_family: Many = None,
    problem_type: Many = None,
    data_type: Annotated[list[str] | None, Query(description="product kind")] = None,
    organisation: Many = None,
    grade: Many = None,
    licence: Many = None,
    price_range: Many = None,
    updated: Annotated[
        list[str] | None, Query(description="lt_7d, 7d_30d, 30d_365d, ge_365d")
    ] = None,
    price_min: Annotated[Decimal | None, Query(ge=0)] = None,
    price_max: Annotated[Decimal | None, Query(ge=0)] = None,
    sort: SortParam = "newest",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ProductPage:
    facets: dict[str, object] = {
        "process_family": process_family,
        "problem_type": problem_type,
        "data_type": data_type,
        "organisation": organisation,
        "grade": grade,
        "licence": licence,
        "price_range": price_range,
        "updated": updated,
        "price_min": price_min,
        "price_max": price_max,
    }
    found = search_products(
        session=session,
        q=q,
        facets=facets,
        sort=sort,
        limit=limit,
        cursor=cursor,
        viewer=viewer(actor),  # never None: None is the system, which sees every draft
    )
    org_ids = {v.product.owner_org_id for v in found.results}
    orgs: dict[int, str] = {}
    if org_ids:
        stmt = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        orgs = {int(i): str(n) for i, n in session.execute(stmt)}
    shares = shares_reaching(
        session=session, viewer=actor.user, product_ids=(v.product_id for v in found.results)
    )
    return page_body(found, orgs, str(request.base_url), shares)


class VersionState(BaseModel):
    product_id: str
    version: int
    status: str
    deleted: bool = False


def _owned_version(session: Session, actor: Actor, product_id: str, version: int) -> ProductVersion:
    user = require_user(actor, "api")
    return get_version(session=session, product_id=product_id, version=version, viewer=user)


class PublishIn(BaseModel):
    licence: Annotated[str | None, Field(max_length=100)] = Field(
        None, description="표준 라이선스 코드 / standard licence code (GET /api/v1/licences)"
    )
    approval_required: bool | None = Field(
        None, description="주문마다 판매자 승인 / the seller approves each order"
    )
    title_ko: Annotated[str | None, Field(max_length=workflow.TITLE_MAX)] = None
    title_en: Annotated[str | None, Field(max_length=workflow.TITLE_MAX)] = None
    description: Annotated[str | None, Field(max_length=workflow.DESCRIPTION_MAX)] = None


class PublishedOut(VersionState):
    licence: str
    approval_required: bool
    title_ko: str
    title_en: str
    description: str
    manifest_sha256: str


@router.post(
    "/products/{product_id}/versions/{version}/publish",
    summary="게시 / Publish a version under a standard licence (verifies a draft first)",
    response_model=PublishedOut,
)
def publish_version(
    request: Request,
    product_id: str,
    version: DbInt,
    body: PublishIn,
    actor: ActorDep,
    session: DbSession,
) -> PublishedOut:
    row = _owned_version(session, actor, product_id, version)
    refuse_onward_transfer(session=session, actor=actor.user, product=row.product, what="publish")
    if body.licence is not None:
        get_licence(body.licence)  # an unknown licence is refused before anything changes
    settings = get_settings_dep(request)
    try:
        workflow.edit_details(
            session=session,
            version=row,
            actor=actor.user,
            title_ko=body.title_ko,
            title_en=body.title_en,
            description=body.description,
            settings=settings,
        )
        if row.status == "draft":
            workflow.verify(session=session, version=row, actor=actor.user, settings=settings)
        workflow.publish(
            session=session,
            version=row,
            actor=actor.user,
            settings=settings,
            licence=body.licence,
            approval_required=body.approval_required,
        )
        session.commit()
    except BaseException:
        session.rollback()  # puts the stored copy back if the licence files were written
        raise
    p = row.product
    return PublishedOut(
        product_id=product_id,
        version=version,
        status=row.status,
        licence=p.licence,
        approval_required=p.approval_required,
        title_ko=p.title_ko,
        title_en=p.title_en,
        description=p.description,
        manifest_sha256=row.manifest_sha256,
    )


@router.post(
    "/products/{product_id}/versions/{version}/retire",
    summary="게시 중단 / Retire a version (hidden from search, past buyers keep their access)",
    response_model=VersionState,
)
def retire_version(
    product_id: str, version: DbInt, actor: ActorDep, session: DbSession
) -> VersionState:
    row = _owned_version(session, actor, product_id, version)
    workflow.retire(session=session, version=row, actor=actor.user)
    session.commit()
    return VersionState(product_id=product_id, version=version, status=row.status)


@router.delete(
    "/products/{product_id}/versions/{version}",
    summary="버전 삭제 / Delete a version (refused within 365 days of publication, audited)",
    response_model=VersionState,
)
def delete_version(
    request: Request, product_id: str, version: DbInt, actor: ActorDep, session: DbSession
) -> VersionState:
    row = _owned_version(session, actor, product_id, version)
    status = row.status
    workflow.delete_version(
        session=session, version=row, actor=actor.user, settings=get_settings_dep(request)
    )
    return VersionState(product_id=product_id, version=version, status=status, deleted=True)
