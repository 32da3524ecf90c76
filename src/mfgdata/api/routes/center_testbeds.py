"""Testbeds (PoC) in the Open API (thin over ``mfgdata.center.testbeds`` and ``pocreport``).

- ``GET|POST /api/v1/center/testbeds``, ``GET /api/v1/center/testbeds/{id}``;
- ``POST /api/v1/center/testbeds/{id}/attachments`` (upload, job or ``product_id@version``);
- ``PUT /api/v1/center/testbeds/{id}/kpis`` (ISO 22400 elements before/after, basis);
- ``POST /api/v1/center/testbeds/{id}/milestones``;
- ``GET /api/v1/center/testbeds/{id}/report``: the PoC report (HTML).

Center staff of the company's region manage a testbed; the company's members read it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, get_settings_dep, json_response
from mfgdata.center import testbeds
from mfgdata.center.access import require_manager, visible_company
from mfgdata.center.pdf import html_to_pdf
from mfgdata.center.pocreport import render_poc_report
from mfgdata.db.tables import CenterTestbed

router = APIRouter(prefix="/api/v1/center", tags=["center / 제조AI센터"])
Elements = dict[str, float | str | None]


def testbed_out(session: DbSession, tb: CenterTestbed) -> dict[str, Any]:
    before, after, change = testbeds.kpi_results(tb)
    return {
        "id": tb.id,
        "company_id": tb.company_id,
        "title": tb.title,
        "problem_type": tb.problem_type,
        "status": tb.status,
        "kpi_inputs": {"before": tb.kpi_before, "after": tb.kpi_after, "basis": tb.kpi_basis},
        "kpi_before": [k.to_dict() for k in before or []],
        "kpi_after": [k.to_dict() for k in after or []],
        "kpi_change": [c.to_dict() for c in change or []],
        "attachments": [
            {"kind": a.kind, "ref": a.ref}
            for a in testbeds.attachments(session=session, testbed=tb)
        ],
        "milestones": [
            {"id": m.id, "title": m.title, "due": m.due, "done_at": m.done_at}
            for m in testbeds.milestones(session=session, testbed=tb)
        ],
        "outcome": tb.outcome,
        "report": f"/api/v1/center/testbeds/{tb.id}/report",
        "created": tb.created,
    }


class TestbedIn(BaseModel):
    company_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    problem_type: Literal[
        "quality_assurance",
        "predictive_maintenance",
        "process_optimization",
        "resource_optimization",
        "supply_chain",
        "anomaly_detection",
    ]


@router.get("/testbeds", summary="실증 과제 목록 / Testbeds the caller may see")
def list_testbeds(actor: ActorDep, session: DbSession) -> Response:
    user = require_user(actor, "read")
    rows = testbeds.list_testbeds(session=session, viewer=user)
    return json_response([testbed_out(session, t) for t in rows])


@router.post("/testbeds", summary="실증 과제 만들기 / Open a testbed", status_code=201)
def add_testbed(body: TestbedIn, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    company = visible_company(session=session, user=user, company_id=body.company_id)
    tb = testbeds.create_testbed(
        session=session,
        company=company,
        title=body.title,
        problem_type=body.problem_type,
        actor=user,
    )
    session.commit()
    return json_response(testbed_out(session, tb), status_code=201)


@router.get("/testbeds/{testbed_id}", summary="실증 과제 / One testbed")
def one_testbed(testbed_id: DbInt, actor: ActorDep, session: DbSession) -> Response:
    user = require_user(actor, "read")
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    return json_response(testbed_out(session, tb))


class AttachIn(BaseModel):
    kind: Literal["upload", "job", "product"]
    ref: Annotated[str, Field(min_length=1, max_length=120)]


@router.post("/testbeds/{testbed_id}/attachments", summary="데이터·빌드 연결 / Attach data")
def attach(testbed_id: DbInt, body: AttachIn, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    testbeds.attach(session=session, testbed=tb, kind=body.kind, ref=body.ref, actor=user)
    session.commit()
    return json_response(testbed_out(session, tb))


class KpisIn(BaseModel):
    before: Elements | None = None
    after: Elements | None = None
    basis: dict[str, Annotated[str, Field(max_length=300)]] | None = Field(
        default=None, description="baseline_period, measurement_window, data_source"
    )


@router.put("/testbeds/{testbed_id}/kpis", summary="전후 KPI 입력 / Before and after figures")
def put_kpis(testbed_id: DbInt, body: KpisIn, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    testbeds.set_kpis(
        session=session,
        testbed=tb,
        before=body.before,
        after=body.after,
        basis=body.basis,
        actor=user,
    )
    session.commit()
    return json_response(testbed_out(session, tb))


class MilestoneIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    due: date | None = None


@router.post("/testbeds/{testbed_id}/milestones", summary="마일스톤 추가 / Add a milestone")
def add_milestone(
    testbed_id: DbInt, body: MilestoneIn, actor: ActorDep, session: DbSession
) -> Response:
    user = require_manager(require_user(actor, "api"))
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    testbeds.add_milestone(session=session, testbed=tb, title=body.title, due=body.due)
    session.commit()
    return json_response(testbed_out(session, tb))


@router.get(
    "/testbeds/{testbed_id}/report",
    summary="실증 결과 보고서 (HTML/PDF) / PoC report (HTML or PDF)",
    response_class=HTMLResponse,
)
def report(
    testbed_id: DbInt,
    request: Request,
    actor: ActorDep,
    session: DbSession,
    format: Literal["html", "pdf"] = "html",
) -> Response:
    user = require_user(actor, "read")
    tb = testbeds.get_testbed(session=session, testbed_id=testbed_id, viewer=user)
    html = render_poc_report(session=session, testbed=tb, settings=get_settings_dep(request))
    if format == "pdf":
        return Response(
            html_to_pdf(html),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="poc-report-{tb.id}.pdf"'},
        )
    return HTMLResponse(
        html,
        headers={"Content-Disposition": f'attachment; filename="poc-report-{tb.id}.html"'},
    )
