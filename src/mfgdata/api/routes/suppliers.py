"""Suppliers, their review, and matching in the Open API (thin over ``suppliers`` and the repo).

- ``GET /api/v1/suppliers``: approved suppliers and their solutions (public);
- ``POST /api/v1/suppliers``: onboarding by a supplier organisation (staff review it);
- ``POST /api/v1/suppliers/{id}/review/{approve|reject}``: the staff's decision;
- ``POST /api/v1/matches``: match a demand, record the suggestions as proposed (staff);
- ``GET /api/v1/matches``, ``POST /api/v1/matches/{id}/stage``, ``GET /api/v1/matches/kpi``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, ValidationError

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt
from mfgdata.api.routes.staffonly import STAFF_ROLES, require_staff
from mfgdata.db.repositories import suppliers as repo
from mfgdata.suppliers import models
from mfgdata.suppliers.errors import SupplierError
from mfgdata.suppliers.match import match
from mfgdata.suppliers.stages import parse_stage

router = APIRouter(prefix="/api/v1", tags=["suppliers / 공급기업·매칭"])
NO_CONTROL = r"^[^\x00-\x1f]*$"  # no NUL or control characters (PostgreSQL cannot store NUL)


class SupplierIn(models.Frozen):
    """A supplier's onboarding: the same fields as the suppliers file, without the status."""

    id: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    regions: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    solutions: tuple[models.Solution, ...] = ()


class MatchIn(BaseModel):
    demand: models.Demand
    limit: Annotated[int, Field(ge=1, le=50)] = 5
    day: dt.date | None = Field(None, description="제안일 / day proposed (default: today)")


class StageIn(models.Frozen):
    stage: str = Field(description="proposed, introduced, meeting, poc, contract (또는 한국어)")
    day: dt.date


def _supplier_out(row: Any) -> dict[str, Any]:
    data = repo.to_model(row).model_dump(mode="json")
    data["reviewed_at"] = row.reviewed_at.isoformat() if row.reviewed_at else None
    return data


@router.get("/suppliers", summary="공급기업 목록 / Approved suppliers and their solutions")
def list_suppliers(session: DbSession) -> list[dict[str, Any]]:
    return [_supplier_out(r) for r in repo.list_suppliers(session=session, status="approved")]


@router.post("/suppliers", status_code=201, summary="공급기업 등록 신청 / Supplier onboarding")
def onboard(body: SupplierIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_user(actor, "api")
    kind = actor.org.kind if actor.org is not None else None
    if kind != "supplier" and user.role not in STAFF_ROLES:
        raise PermissionDenied(
            "공급기업 조직만 등록을 신청할 수 있습니다",
            "only a supplier organisation can apply to be listed",
        )
    try:
        data = models.Supplier(
            id=body.id,
            name=body.name,
            regions=body.regions,
            conflicts=body.conflicts,
            status=models.ReviewStatus.PENDING,
            solutions=body.solutions,
        )
    except ValidationError as e:
        msg = e.errors()[0]["msg"]
        raise SupplierError(
            f"공급기업 정보가 올바르지 않습니다: {msg}", f"invalid supplier: {msg}"
        ) from e
    row = repo.save_supplier(session=session, data=data, org_id=user.org_id, actor=user)
    session.commit()
    return _supplier_out(row)


@router.post(
    "/suppliers/{supplier_id}/review/{decision}",
    summary="공급기업 심사 / Approve or reject a supplier (staff)",
)
def review(
    supplier_id: Annotated[str, PathParam(max_length=100, pattern=NO_CONTROL)],
    decision: Literal["approve", "reject"],
    actor: ActorDep,
    session: DbSession,
) -> dict[str, Any]:
    user = require_staff(actor)
    row = repo.review_supplier(
        session=session, supplier_id=supplier_id, approve=decision == "approve", actor=user
    )
    session.commit()
    return _supplier_out(row)


@router.post("/matches", status_code=201, summary="매칭 / Match a demand to solutions (staff)")
def propose(body: MatchIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_staff(actor)
    result = match(repo.load_catalogue(session=session), body.demand, limit=body.limit)
    rows = repo.propose(
        session=session,
        demand=body.demand,
        result=result,
        actor=user,
        day=body.day or dt.date.today(),
    )
    session.commit()
    out = result.to_dict()
    for suggestion, row in zip(out["suggestions"], rows, strict=True):  # type: ignore[call-overload]
        suggestion["match_id"] = row.id
    return out


@router.get("/matches", summary="매칭 목록 / Matches and their stages (staff)")
def list_matches(
    actor: ActorDep,
    session: DbSession,
    company: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL)] = None,
) -> list[dict[str, Any]]:
    require_staff(actor, "read")
    return [repo.match_dict(r) for r in repo.list_matches(session=session, company=company)]


@router.get("/matches/kpi", summary="단계별 건수 / Matches per stage reached (staff)")
def kpi(
    actor: ActorDep,
    session: DbSession,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, int]:
    require_staff(actor, "read")
    return repo.stage_counts(session=session, since=since, until=until)


@router.post("/matches/{match_id}/stage", summary="단계 변경 / Move a match forward (staff)")
def stage(match_id: DbInt, body: StageIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_staff(actor)
    row = repo.advance_match(
        session=session, match_id=match_id, stage=parse_stage(body.stage), day=body.day, actor=user
    )
    session.commit()
    return repo.match_dict(row)
