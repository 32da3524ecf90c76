"""My products (every version of the organisation's products) and the publishing workflow."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.api.pages.common import PageActor, error_message, need_user, redirect, render
from mfgdata.api.pages.i18n import gettext, request_language
from mfgdata.catalog import workflow
from mfgdata.catalog.errors import OrderError, WorkflowError
from mfgdata.db.repositories.products import get_version, list_versions

router = APIRouter(include_in_schema=False)


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    versions = list_versions(session=session, viewer=user, org_id=user.org_id)
    counts: dict[str, int] = {}
    for v in versions:
        counts[v.status] = counts.get(v.status, 0) + 1
    return render(request, actor, "library.html", versions=versions, counts=counts)


@router.post("/products/{product_id}/v/{version}/workflow/{step}")
def workflow_step(
    product_id: str,
    version: DbInt,
    step: Literal["verify", "publish", "retire", "delete"],
    request: Request,
    actor: PageActor,
    session: DbSession,
    licence: Annotated[str | None, Form(max_length=100)] = None,
) -> Response:
    """Move a version along draft → verified → published → retired, or delete it (owner
    organisation; refused within a year of publication). Publishing takes the chosen standard
    licence (``licence``), which goes into the package."""
    user = need_user(request, actor)
    row = get_version(session=session, product_id=product_id, version=version, viewer=user)
    settings = get_settings_dep(request)
    try:
        if step == "verify":
            workflow.verify(session=session, version=row, actor=user, settings=settings)
        elif step == "publish":
            if row.status == "draft":  # one click from a draft: verify, then publish
                workflow.verify(session=session, version=row, actor=user, settings=settings)
            workflow.publish(
                session=session, version=row, actor=user, settings=settings, licence=licence or None
            )
        elif step == "retire":
            workflow.retire(session=session, version=row, actor=user)
        else:
            workflow.delete_version(session=session, version=row, actor=user, settings=settings)
            return redirect("/library")
        session.commit()
    except (WorkflowError, OrderError) as e:
        session.rollback()
        lang = request_language(request, user.locale)
        return render(
            request,
            actor,
            "error.html",
            status_code=e.status_code,
            status=e.status_code,
            heading=gettext(lang, "This step is not possible now"),
            message=error_message(lang, e),
            back=f"/products/{product_id}/v/{version}",
        )
    return redirect(f"/products/{product_id}/v/{version}")


@router.post("/products/{product_id}/v/{version}/details")
def edit_details(
    product_id: str,
    version: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    title_ko: Annotated[str, Form(max_length=workflow.TITLE_MAX)],
    title_en: Annotated[str, Form(max_length=workflow.TITLE_MAX)],
    description: Annotated[str, Form(max_length=workflow.DESCRIPTION_MAX)] = "",
) -> Response:
    """The seller edits the proposed title and description before publishing (audited)."""
    user = need_user(request, actor)
    row = get_version(session=session, product_id=product_id, version=version, viewer=user)
    try:
        workflow.edit_details(
            session=session,
            version=row,
            actor=user,
            title_ko=title_ko,
            title_en=title_en,
            description=description,
            settings=get_settings_dep(request),
        )
        session.commit()
    except WorkflowError as e:
        session.rollback()
        lang = request_language(request, user.locale)
        return render(
            request,
            actor,
            "error.html",
            status_code=409,
            status=409,
            heading=gettext(lang, "This step is not possible now"),
            message=error_message(lang, e),
            back=f"/products/{product_id}/v/{version}",
        )
    return redirect(f"/products/{product_id}/v/{version}?saved=details")
