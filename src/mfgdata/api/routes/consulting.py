"""1:1 expert consulting in the Open API (thin over ``consulting`` and its repository).

- ``POST /api/v1/consulting/requests``: a company applies (its own organisation; staff for any);
- ``POST /api/v1/consulting/experts``: add or update an expert (staff);
- ``POST /api/v1/consulting/assign``: re-run the optimal assignment, accepted pairs fixed (staff);
- ``GET /api/v1/consulting/assignments``; ``POST .../{id}/accept``; ``POST .../{id}/sessions``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt
from mfgdata.api.routes.staffonly import STAFF_ROLES, require_staff
from mfgdata.consulting import models
from mfgdata.db.repositories import consulting as repo
from mfgdata.db.tables import ConsultingAssignment
from mfgdata.suppliers.models import no_control

router = APIRouter(prefix="/api/v1/consulting", tags=["consulting / 1:1 컨설팅"])
Name = Annotated[str, Field(min_length=1, max_length=100)]


class Clean(BaseModel):
    """Text without NUL or control characters (the database cannot store NUL)."""

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return no_control(data)


class RequestIn(Clean):
    field: Name
    region: Name
    company: Annotated[str | None, Field(max_length=200)] = Field(
        None, description="기업명 (센터 담당자만; 기본값은 내 조직) / company (staff only)"
    )


class ExpertIn(Clean):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    fields: Annotated[list[Name], Field(min_length=1)]
    regions: list[Name] = []
    capacity: Annotated[int, Field(ge=0, le=1000)] = Field(description="기업 수 / companies")
    conflicts: list[Annotated[str, Field(max_length=200)]] = []


class SessionIn(Clean):
    held_on: dt.date
    hours: Annotated[Decimal, Field(gt=0, le=24, decimal_places=2)] = Field(
        description="상담 시간 / hours (h)"
    )
    notes: Annotated[str, Field(max_length=10_000)] = ""
    complete: bool = False


def _assignment(a: ConsultingAssignment) -> dict[str, Any]:
    return {
        "id": a.id,
        "company": a.request.company,
        "field": a.request.field,
        "region": a.request.region,
        "expert": a.expert.name,
        "score": a.score,
        "accepted_at": a.accepted_at.isoformat() if a.accepted_at else None,
        "completed_at": a.completed_at.isoformat() if a.completed_at else None,
    }


@router.post("/requests", status_code=201, summary="컨설팅 신청 / Apply for 1:1 consulting")
def apply(body: RequestIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_user(actor, "api")
    company = actor.org.name if actor.org is not None else ""
    if body.company and user.role in STAFF_ROLES:
        company = body.company
    row = repo.apply(
        session=session,
        data=models.ConsultRequest(company, body.field, body.region),
        org_id=None if body.company and user.role in STAFF_ROLES else user.org_id,
    )
    session.commit()
    return {
        "id": row.id,
        "company": row.company,
        "field": row.field,
        "region": row.region,
        "status": row.status,
    }


@router.post("/experts", status_code=201, summary="전문가 등록 / Add or update an expert (staff)")
def save_expert(body: ExpertIn, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    require_staff(actor)
    row = repo.save_expert(
        session=session,
        data=models.Expert(
            models.norm(body.name),
            frozenset(models.norm(f) for f in body.fields),
            frozenset(models.norm(r) for r in body.regions),
            body.capacity,
            frozenset(models.norm(c) for c in body.conflicts),
        ),
    )
    session.commit()
    return {
        "id": row.id,
        "name": row.name,
        "fields": row.fields,
        "regions": row.regions,
        "capacity": row.capacity,
        "conflicts": row.conflicts,
    }


@router.post("/assign", summary="배정 실행 / Run the optimal assignment (staff)")
def assign(actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_staff(actor)
    result = repo.run_assignment(session=session, actor=user)
    session.commit()
    return result.to_dict()


@router.get("/assignments", summary="배정 목록 / Assignments (staff)")
def assignments(actor: ActorDep, session: DbSession) -> list[dict[str, Any]]:
    require_staff(actor, "read")
    return [_assignment(a) for a in repo.list_assignments(session=session)]


@router.post("/assignments/{assignment_id}/accept", summary="배정 수락 / Accept (staff)")
def accept(assignment_id: DbInt, actor: ActorDep, session: DbSession) -> dict[str, Any]:
    user = require_staff(actor)
    row = repo.accept(session=session, assignment_id=assignment_id, actor=user)
    session.commit()
    return _assignment(row)


@router.post(
    "/assignments/{assignment_id}/sessions",
    status_code=201,
    summary="상담 기록 / Log a session, optionally completing (staff)",
)
def log_session(
    assignment_id: DbInt, body: SessionIn, actor: ActorDep, session: DbSession
) -> dict[str, Any]:
    user = require_staff(actor)
    log = repo.log_session(
        session=session,
        assignment_id=assignment_id,
        held_on=body.held_on,
        hours=body.hours,
        notes=body.notes,
        complete=body.complete,
        actor=user,
    )
    session.commit()
    return {
        "id": log.id,
        "held_on": log.held_on.isoformat(),
        "hours": str(log.hours),
        "hours_unit": "h",
        "completed": body.complete,
    }
