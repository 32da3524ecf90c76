"""Experts, consulting requests, the stored assignment, session logs and completion (issue 17).

``run_assignment`` re-runs the optimal assignment (``consulting.assign``) over every request:
accepted assignments stay as they are (they use their expert's places), proposals not yet accepted
are dropped and proposed again, so new applications can change them but never an accepted pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts.audit import record
from mfgdata.catalog.errors import NotFound
from mfgdata.consulting import models
from mfgdata.consulting.assign import assign
from mfgdata.consulting.errors import ConsultingConflict, ConsultingError
from mfgdata.db.tables import (
    ConsultingAssignment,
    ConsultingRequest,
    ConsultingSession,
    Expert,
    User,
    utcnow,
)


def save_expert(*, session: Session, data: models.Expert, user_id: int | None = None) -> Expert:
    """Create an expert or update one with the same name."""
    row = session.scalars(select(Expert).where(Expert.name == data.name)).first()
    if row is None:
        row = Expert(name=data.name, user_id=user_id)
        session.add(row)
    row.fields = sorted(data.fields)
    row.regions = sorted(data.regions)
    row.capacity = data.capacity
    row.conflicts = sorted(data.conflicts)
    session.flush()
    return row


def list_experts(*, session: Session) -> Sequence[Expert]:
    return session.scalars(select(Expert).order_by(Expert.name)).all()


def apply(
    *, session: Session, data: models.ConsultRequest, org_id: int | None = None
) -> ConsultingRequest:
    """A company's application; one open application per company."""
    company = models.norm(data.company)
    if not company or not data.field.strip() or not data.region.strip():
        raise ConsultingError(
            "기업, 분야, 지역이 모두 필요합니다", "company, field and region are needed"
        )
    found = session.scalars(
        select(ConsultingRequest).where(ConsultingRequest.company == company)
    ).first()
    if found is not None:
        raise ConsultingConflict(
            f"이미 신청한 기업입니다: {company}", f"this company has already applied: {company}"
        )
    row = ConsultingRequest(
        company=company,
        org_id=org_id,
        field=models.norm(data.field),
        region=models.norm(data.region),
    )
    session.add(row)
    session.flush()
    return row


def list_assignments(*, session: Session) -> Sequence[ConsultingAssignment]:
    return session.scalars(select(ConsultingAssignment).order_by(ConsultingAssignment.id)).all()


def run_assignment(*, session: Session, actor: User | None = None) -> models.Assignment:
    """Assign every request not withdrawn, keeping accepted pairs; store the new proposals."""
    experts = list_experts(session=session)
    requests = session.scalars(
        select(ConsultingRequest)
        .where(ConsultingRequest.status != "withdrawn")
        .order_by(ConsultingRequest.id)
    ).all()
    current = {a.request_id: a for a in list_assignments(session=session)}
    accepted = []
    for a in current.values():
        if a.accepted_at is None:
            session.delete(a)
        else:
            accepted.append(models.Pair(a.request.company, a.expert.name, a.score, True))
    session.flush()
    result = assign(
        [
            models.Expert(
                e.name,
                frozenset(e.fields),
                frozenset(e.regions),
                e.capacity,
                frozenset(e.conflicts),
            )
            for e in experts
        ],
        [models.ConsultRequest(r.company, r.field, r.region) for r in requests],
        accepted=accepted,
    )
    by_company = {r.company: r for r in requests}
    by_name = {e.name: e for e in experts}
    for p in result.pairs:
        req = by_company[p.company]
        if not p.accepted:
            session.add(
                ConsultingAssignment(
                    request_id=req.id, expert_id=by_name[p.expert].id, score=p.score
                )
            )
        if req.status == "open":
            req.status = "assigned"
    for u in result.unassigned:
        by_company[u.company].status = "open"
    record(
        session=session,
        action="consulting.assign",
        actor=actor,
        detail={"assigned": len(result.pairs), "unassigned": len(result.unassigned)},
    )
    session.flush()
    return result


def get_assignment(*, session: Session, assignment_id: int) -> ConsultingAssignment:
    row = session.get(ConsultingAssignment, assignment_id)
    if row is None:
        raise NotFound(
            f"배정을 찾을 수 없습니다: {assignment_id}", f"no such assignment: {assignment_id}"
        )
    return row


def accept(*, session: Session, assignment_id: int, actor: User | None) -> ConsultingAssignment:
    """The company and the expert agreed: from now on a re-run never moves this pair."""
    row = get_assignment(session=session, assignment_id=assignment_id)
    if row.accepted_at is None:
        row.accepted_at = utcnow()
        record(
            session=session, action="consulting.accept", actor=actor, target=f"assignment:{row.id}"
        )
        session.flush()
    return row


def log_session(
    *,
    session: Session,
    assignment_id: int,
    held_on: dt.date,
    hours: Decimal,
    notes: str,
    complete: bool,
    actor: User | None,
) -> ConsultingSession:
    """One session (accepted assignments only); ``complete`` records the consulting as finished."""
    row = get_assignment(session=session, assignment_id=assignment_id)
    if row.accepted_at is None:
        raise ConsultingError(
            "수락되지 않은 배정에는 상담 기록을 남길 수 없습니다",
            "sessions can only be logged on an accepted assignment",
        )
    if row.completed_at is not None:
        raise ConsultingError("이미 완료된 컨설팅입니다", "this consulting is already completed")
    if hours <= 0 or hours > 24:
        raise ConsultingError(
            f"상담 시간은 0시간 초과 24시간 이하입니다: {hours}시간",
            f"session hours must be above 0 h and at most 24 h: {hours} h",
        )
    log = ConsultingSession(
        assignment_id=row.id,
        held_on=held_on,
        hours=hours,
        notes=notes,
        by_id=actor.id if actor else None,
    )
    session.add(log)
    if complete:
        row.completed_at = utcnow()
        row.request.status = "completed"
    record(
        session=session,
        action="consulting.session",
        actor=actor,
        target=f"assignment:{row.id}",
        detail={"held_on": held_on.isoformat(), "hours": str(hours), "complete": complete},
    )
    session.flush()
    return log


def sessions_of(*, session: Session, assignment_id: int) -> Sequence[ConsultingSession]:
    return session.scalars(
        select(ConsultingSession)
        .where(ConsultingSession.assignment_id == assignment_id)
        .order_by(ConsultingSession.held_on, ConsultingSession.id)
    ).all()


def completed_companies(*, session: Session) -> list[str]:
    """Companies whose consulting was completed (a preference in next year's call)."""
    rows = session.scalars(
        select(ConsultingRequest)
        .where(ConsultingRequest.status == "completed")
        .order_by(ConsultingRequest.company)
    ).all()
    return [r.company for r in rows]
