"""Supplier and matching pages (issue 17): the approved suppliers with their solutions; for the
center's staff, a demand matched with reasons, recorded as proposed, and moved through its stages.
Thin over ``suppliers`` and ``db.repositories.suppliers``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt
from mfgdata.api.pages.common import PageActor, need_user, redirect, render
from mfgdata.api.routes.staffonly import STAFF_ROLES
from mfgdata.db.repositories import suppliers as repo
from mfgdata.db.tables import User
from mfgdata.suppliers.errors import SupplierError
from mfgdata.suppliers.match import match
from mfgdata.suppliers.models import Demand
from mfgdata.suppliers.stages import Stage, parse_stage

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=200)]


def _staff(request: Request, actor: PageActor) -> User:
    user = need_user(request, actor)
    if user.role not in STAFF_ROLES:
        raise PermissionDenied("센터 담당자만 볼 수 있습니다", "only the center's staff")
    return user


@router.get("/suppliers", response_class=HTMLResponse)
def suppliers_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    rows = [repo.to_model(r) for r in repo.list_suppliers(session=session, status="approved")]
    return render(request, actor, "suppliers.html", suppliers=rows, today=dt.date.today())


@router.get("/matching", response_class=HTMLResponse)
def matching_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    _staff(request, actor)
    matches = [repo.match_dict(m) for m in reversed(repo.list_matches(session=session))]
    names = {s.id: s.name for s in repo.list_suppliers(session=session)}
    return render(
        request,
        actor,
        "matching.html",
        matches=matches,
        names=names,
        stages=list(Stage),
        today=dt.date.today().isoformat(),
    )


@router.post("/matching")
def matching_form(
    request: Request,
    actor: PageActor,
    session: DbSession,
    company: Short,
    text: Text = "",
    region: Short = "",
    process_family: Short = "",
    problem_type: Short = "",
    budget_krw: Short = "",
) -> Response:
    user = _staff(request, actor)
    try:
        demand = Demand(
            company=company,
            text=text,
            region=region or None,
            process_family=process_family or None,
            problem_type=problem_type or None,
            budget_krw=int(budget_krw.replace(",", "")) if budget_krw.strip() else None,
        )
    except (ValidationError, ValueError) as e:
        raise SupplierError(
            "수요 입력이 올바르지 않습니다 (기업명 필수, 예산은 원 단위 정수)",
            "the demand is not valid (company needed, budget in whole KRW)",
        ) from e
    result = match(repo.load_catalogue(session=session), demand, limit=5)
    repo.propose(session=session, demand=demand, result=result, actor=user, day=dt.date.today())
    session.commit()
    return redirect("/matching")


@router.post("/matching/{match_id}/stage")
def stage_form(
    match_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    stage: Annotated[str, Form(max_length=20)],
    day: Annotated[str, Form(max_length=10)],
) -> Response:
    user = _staff(request, actor)
    try:
        on = dt.date.fromisoformat(day)
    except ValueError:
        raise SupplierError(
            f"날짜는 YYYY-MM-DD 형식이어야 합니다: {day}", f"the day must be YYYY-MM-DD: {day}"
        ) from None
    repo.advance_match(
        session=session, match_id=match_id, stage=parse_stage(stage), day=on, actor=user
    )
    session.commit()
    return redirect(f"/matching#match-{match_id}")
