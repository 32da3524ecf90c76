"""The product page (summary, schema with IRDIs and units, quality, price, sample rows, AAS, model
card, insights, download, API snippet, workflow) and the product's report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select

from mfgdata.accounts.roles import can
from mfgdata.api.auth import Actor, DbSession
from mfgdata.api.deps import DbInt, get_settings_dep, get_store, resolve_product
from mfgdata.api.pages import productview as pv
from mfgdata.api.pages.common import PageActor, redirect, render, viewer
from mfgdata.api.pages.i18n import gettext, request_language
from mfgdata.catalog import access
from mfgdata.catalog.errors import NotFound
from mfgdata.catalog.licences import LICENCES
from mfgdata.catalog.orders import OPEN
from mfgdata.catalog.proposal import Proposal, propose
from mfgdata.catalog.register import version_folder
from mfgdata.catalog.workflow import deletable_from
from mfgdata.db.repositories.products import get_version, list_versions
from mfgdata.db.tables import AccessRequest, Order, ProductVersion, utcnow
from mfgdata.quality.score import meets_registration_grade, registration_grade

router = APIRouter(include_in_schema=False)


def workflow_state(
    version: ProductVersion, actor: Actor, lang: str, grade_needed: str
) -> dict[str, Any]:
    """Which workflow buttons the viewer gets, and why a disabled one is disabled."""
    user = actor.user
    owner = user is not None and can(user, "version.publish", version)
    state: dict[str, Any] = {
        "owner": owner,
        "verify": None,
        "publish": None,
        "retire": None,
        "delete": None,
    }
    if not owner:
        return state
    if user is not None and version.status != "published" and can(user, "version.delete", version):
        until = deletable_from(version)
        kept = gettext(lang, "Kept until %(date)s (one year from publication).")
        state["delete"] = kept % {"date": until.date()} if until and utcnow() < until else ""
    grade_ok = bool(version.grade) and meets_registration_grade(str(version.grade), grade_needed)
    low = gettext(lang, "Quality grade %(grade)s is below the registration grade %(needed)s.") % {
        "grade": version.grade or "–",
        "needed": grade_needed,
    }
    if version.status == "draft":
        state["verify"] = "" if version.grade else gettext(lang, "No quality grade yet.")
        state["publish"] = "" if grade_ok else low  # publishing a draft verifies it first
    elif version.status == "verified":
        state["publish"] = "" if grade_ok else low
    elif version.status == "published":
        state["retire"] = ""
    return state


def _my_order(session: DbSession, actor: Actor, version: ProductVersion) -> Order | None:
    """The buyer organisation's newest open order (pending or approved) of this version."""
    user = actor.user
    if user is None or version.product.owner_org_id == user.org_id:
        return None
    stmt = (
        select(Order)
        .where(
            Order.version_id == version.id,
            Order.buyer_org_id == user.org_id,
            Order.status.in_(OPEN),
        )
        .order_by(Order.id.desc())
    )
    return session.scalars(stmt).first()


def _access(session: DbSession, actor: Actor, version: ProductVersion) -> dict[str, Any]:
    user = actor.user
    if user is None:
        return {"download": False, "can_request": False, "pending": None, "share": None}
    granted, share = access.rights(session=session, user=user, product_id=version.product_id)
    if version.product.owner_org_id == user.org_id:
        share = None  # the owner reads its own product, not through its group
    pending = None
    if version.product.owner_org_id != user.org_id:
        pending = (
            session.query(AccessRequest)
            .filter(
                AccessRequest.product_id == version.product_id,
                AccessRequest.requester_org_id == user.org_id,
            )
            .order_by(AccessRequest.id.desc())
            .first()
        )
    return {
        "download": can(
            user, "version.download", version, granted=granted, shared=share is not None
        ),
        "can_request": version.status == "published"
        and version.product.owner_org_id != user.org_id
        and not granted
        and can(user, "access.request", version),
        "pending": pending,
        "granted": granted,
        "share": share,
    }


def _proposal(version: ProductVersion, folder: Path) -> Proposal | None:
    """What ``mfgdata propose`` suggests for the version (shown beside the edit form)."""
    try:
        return propose(folder)
    except (OSError, ValueError):
        return None


@router.get("/products/{product_id}")
def newest(product_id: str, actor: PageActor, session: DbSession) -> Response:
    version = get_version(session=session, product_id=product_id, viewer=viewer(actor))
    return redirect(f"/products/{product_id}/v/{version.version}")


@router.get("/products/{product_id}/v/{version}", response_class=HTMLResponse)
def product_page(
    product_id: str, version: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    row = get_version(session=session, product_id=product_id, version=version, viewer=viewer(actor))
    settings = get_settings_dep(request)
    folder = version_folder(row, settings)
    lang = request_language(request, actor.user.locale if actor.user else None)
    files = get_store(request).files(resolve_product(product_id, version, settings))
    columns, rows = pv.sample(files)
    needed = registration_grade(folder)
    versions = list_versions(session=session, viewer=viewer(actor), product_id=product_id)
    base = str(request.base_url).rstrip("/")
    my_order = _my_order(session, actor, row)
    access_state = _access(session, actor, row)
    if my_order is not None:  # ordered: the order's status and links, not a second request
        access_state["can_request"] = False
    return render(
        request,
        actor,
        "product.html",
        v=row,
        p=row.product,
        versions=versions,
        schema=pv.schema_rows(files),
        sample_columns=columns,
        sample_rows=rows,
        numeric=pv.numeric_columns(files),
        quality=pv.quality_summary(folder),
        pricing=pv.pricing_summary(folder),
        aas=pv.aas_summary(folder),
        model=pv.model_summary(folder),
        gallery=pv.image_gallery(folder),
        insights=pv.insight_summary(folder),
        has_report=(folder / "report.html").is_file(),
        workflow=workflow_state(row, actor, lang, needed),
        needed=needed,
        access=access_state,
        my_order=my_order,
        licence=LICENCES.get(row.product.licence),
        licences=LICENCES,
        proposal=_proposal(row, folder) if row.status in ("draft", "verified") else None,
        can_order=actor.user is not None
        and my_order is None
        and row.status == "published"
        and row.product.owner_org_id != actor.user.org_id
        and row.product.licence in LICENCES,
        base=base,
        api_path=f"/api/v1/products/{product_id}/versions/{version}",
    )


@router.get("/products/{product_id}/v/{version}/report", response_class=HTMLResponse)
def report_page(
    product_id: str, version: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    row = get_version(session=session, product_id=product_id, version=version, viewer=viewer(actor))
    return render(request, actor, "report.html", v=row, p=row.product)


@router.get("/products/{product_id}/v/{version}/report.html")
def report_file(
    product_id: str, version: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    """The product's own report.html, sandboxed (its scripts run without this site's origin)."""
    row = get_version(session=session, product_id=product_id, version=version, viewer=viewer(actor))
    path = version_folder(row, get_settings_dep(request)) / "report.html"
    if not path.is_file():
        raise NotFound("이 제품에는 보고서가 없습니다", "this product has no report")
    headers = {"Content-Security-Policy": "sandbox allow-scripts allow-popups"}
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=headers)
