"""Testbed (PoC) pages: open one for a company, attach its data and builds, enter the
production figures before and after, and download the PoC report with the KPI change. Thin
over ``mfgdata.center.testbeds`` and ``pocreport``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.api.pages.center import center_page
from mfgdata.api.pages.common import PageActor, need_user, redirect
from mfgdata.center import testbeds
from mfgdata.center.access import is_manager, require_manager, visible_company
from mfgdata.center.errors import CenterError
from mfgdata.center.kpi22400 import ELEMENTS
from mfgdata.center.pocreport import render_poc_report
from mfgdata.db.tables import CenterCompany, CenterTestbed

router = APIRouter(include_in_schema=False)


@router.post("/center/testbeds")
def new_testbed(
    request: Request,
    actor: PageActor,
    session: DbSession,
    company_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    title: Annotated[str, Form(max_length=300)],
    problem_type: Annotated[str, Form(max_length=32)],
) -> Response:
    user = require_manager(need_user(request, actor))
    company = visible_company(session=session, user=user, company_id=company_id)
    tb = testbeds.create_testbed(
        session=session, company=company, title=title, problem_type=problem_type, actor=user
    )
    session.commit()
    return redirect(f"/center/testbeds/{tb.id}")


def _page(
    request: Request, actor: PageActor, session: DbSession, tb: CenterTestbed, **extra: object
) -> HTMLResponse:
    user = need_user(request, actor)
    before, after, change = testbeds.kpi_results(tb)
    return center_page(
        request,
        actor,
        "center_testbed.html",
        tb=tb,
        company=session.get(CenterCompany, tb.company_id),
        manager=is_manager(user),
        attachments=testbeds.attachments(session=session, testbed=tb),
        milestones=testbeds.milestones(session=session, testbed=tb),
        before=before,
        after=after,
        change=change,
        elements=ELEMENTS,
        **extra,
    )


@router.get("/center/testbeds/{testbed_id}", response_class=HTMLResponse)
def testbed_page(
    testbed_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    user = need_user(request, actor)
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    return _page(request, actor, session, tb)


@router.post("/center/testbeds/{testbed_id}/attach", response_class=HTMLResponse)
def testbed_attach(
    testbed_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    kind: Annotated[str, Form(max_length=16)],
    ref: Annotated[str, Form(max_length=120)],
) -> Response:
    user = require_manager(need_user(request, actor))
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    testbeds.attach(session=session, testbed=tb, kind=kind, ref=ref, actor=user)
    session.commit()
    return redirect(f"/center/testbeds/{tb.id}")


@router.post("/center/testbeds/{testbed_id}/kpis", response_class=HTMLResponse)
async def testbed_kpis(
    testbed_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = require_manager(need_user(request, actor))
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    form = {k: str(v) for k, v in (await request.form()).items()}
    before = {k[2:]: v for k, v in form.items() if k.startswith("b_") and v.strip()}
    after = {k[2:]: v for k, v in form.items() if k.startswith("a_") and v.strip()}
    basis = {k: form.get(k, "") for k in ("baseline_period", "measurement_window", "data_source")}
    try:
        testbeds.set_kpis(
            session=session,
            testbed=tb,
            before=before or None,
            after=after or None,
            basis=basis,
            actor=user,
        )
        session.commit()
    except CenterError as e:
        session.rollback()
        return _page(request, actor, session, tb, error=e, form=form, status_code=422)
    return redirect(f"/center/testbeds/{tb.id}")


@router.get("/center/testbeds/{testbed_id}/report", response_class=HTMLResponse)
def testbed_report(
    testbed_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    user = need_user(request, actor)
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    html = render_poc_report(session=session, testbed=tb, settings=get_settings_dep(request))
    return HTMLResponse(
        html, headers={"Content-Disposition": f'attachment; filename="poc-report-{tb.id}.html"'}
    )
