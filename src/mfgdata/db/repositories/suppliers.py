"""Suppliers, their solutions, onboarding review, and matches with their stages (issue 17).

The library's records (``suppliers.models``) go in and come out; the rows stay here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mfgdata.accounts.audit import record
from mfgdata.catalog.errors import NotFound
from mfgdata.db.tables import (
    MATCH_STAGES,
    MatchStageEvent,
    SolutionCertification,
    Supplier,
    SupplierMatch,
    SupplierSolution,
    User,
    utcnow,
)
from mfgdata.suppliers import models
from mfgdata.suppliers.match import MatchResult
from mfgdata.suppliers.stages import Stage, StageHistory


def _solution_row(s: models.Solution) -> SupplierSolution:
    return SupplierSolution(
        key=s.id,
        name=s.name,
        description_ko=s.description_ko,
        description_en=s.description_en,
        keywords=list(s.keywords),
        problem_types=list(s.problem_types),
        process_families=list(s.process_families),
        product_kinds=list(s.product_kinds),
        deployment=[d.value for d in s.deployment],
        price_min_krw=s.price_min_krw,
        price_max_krw=s.price_max_krw,
        references=list(s.references),
        certifications=[
            SolutionCertification(name=c.name, expires=c.expires) for c in s.certifications
        ],
    )


def save_supplier(
    *,
    session: Session,
    data: models.Supplier,
    org_id: int | None = None,
    actor: User | None = None,
) -> Supplier:
    """Create a supplier, or replace an existing one's details and solutions.

    A supplier saved by its own organisation goes back to ``pending`` (staff review again);
    a catalogue imported by staff keeps the status it carries.
    """
    row = session.get(Supplier, data.id)
    if row is None:
        row = Supplier(id=data.id, org_id=org_id)
        session.add(row)
    elif org_id is not None and row.org_id not in (None, org_id):
        raise NotFound("공급기업을 찾을 수 없습니다", "no such supplier")
    row.name = data.name
    row.regions = list(data.regions)
    row.conflicts = list(data.conflicts)
    row.status = data.status.value
    row.solutions = []
    session.flush()  # old solutions go before new ones with the same keys come in
    row.solutions = [_solution_row(s) for s in data.solutions]
    session.flush()
    record(session=session, action="supplier.save", actor=actor, target=f"supplier:{row.id}")
    return row


def import_catalogue(
    *, session: Session, catalogue: models.Catalogue, actor: User | None = None
) -> list[Supplier]:
    return [save_supplier(session=session, data=s, actor=actor) for s in catalogue.suppliers]


def get_supplier(*, session: Session, supplier_id: str) -> Supplier:
    row = session.get(Supplier, supplier_id)
    if row is None:
        raise NotFound(
            f"공급기업을 찾을 수 없습니다: {supplier_id}", f"no such supplier: {supplier_id}"
        )
    return row


def list_suppliers(*, session: Session, status: str | None = None) -> Sequence[Supplier]:
    stmt = select(Supplier).order_by(Supplier.id)
    if status is not None:
        stmt = stmt.where(Supplier.status == status)
    return session.scalars(stmt).all()


def review_supplier(
    *, session: Session, supplier_id: str, approve: bool, actor: User | None
) -> Supplier:
    row = get_supplier(session=session, supplier_id=supplier_id)
    row.status = "approved" if approve else "rejected"
    row.reviewed_by_id = _id(actor)
    row.reviewed_at = utcnow()
    record(
        session=session,
        action=f"supplier.{'approve' if approve else 'reject'}",
        actor=actor,
        target=f"supplier:{row.id}",
    )
    session.flush()
    return row


def to_model(row: Supplier) -> models.Supplier:
    return models.Supplier(
        id=row.id,
        name=row.name,
        regions=tuple(row.regions),
        conflicts=tuple(row.conflicts),
        status=models.ReviewStatus(row.status),
        solutions=tuple(
            models.Solution(
                id=s.key,
                name=s.name,
                description_ko=s.description_ko,
                description_en=s.description_en,
                keywords=tuple(s.keywords),
                problem_types=tuple(s.problem_types),
                process_families=tuple(s.process_families),
                product_kinds=tuple(s.product_kinds),
                deployment=tuple(models.Deployment(d) for d in s.deployment),
                price_min_krw=s.price_min_krw,
                price_max_krw=s.price_max_krw,
                references=tuple(s.references),
                certifications=tuple(
                    models.Certification(name=c.name, expires=c.expires) for c in s.certifications
                ),
            )
            for s in row.solutions
        ),
    )


def load_catalogue(*, session: Session) -> models.Catalogue:
    """Every supplier (matching itself leaves out the ones not approved, with the reason)."""
    return models.Catalogue(suppliers=tuple(to_model(r) for r in list_suppliers(session=session)))


def propose(
    *,
    session: Session,
    demand: models.Demand,
    result: MatchResult,
    actor: User | None,
    day: dt.date,
) -> list[SupplierMatch]:
    """Record each suggestion as a match at stage ``proposed`` on ``day``."""
    rows = []
    for s in result.suggestions:
        row = SupplierMatch(
            company=demand.company,
            demand=demand.model_dump(mode="json"),
            supplier_id=s.supplier_id,
            solution_key=s.solution_id,
            score=s.score,
            reasons=s.to_dict()["reasons"],  # type: ignore[arg-type]
            stage=Stage.PROPOSED.value,
            created_by_id=actor.id if actor else None,
            events=[MatchStageEvent(stage=Stage.PROPOSED.value, day=day, by_id=_id(actor))],
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


def get_match(*, session: Session, match_id: int) -> SupplierMatch:
    row = session.get(SupplierMatch, match_id)
    if row is None:
        raise NotFound(f"매칭을 찾을 수 없습니다: {match_id}", f"no such match: {match_id}")
    return row


def history(row: SupplierMatch) -> StageHistory:
    return StageHistory(tuple((Stage(e.stage), e.day) for e in row.events))


def advance_match(
    *, session: Session, match_id: int, stage: Stage, day: dt.date, actor: User | None
) -> SupplierMatch:
    """Move a match forward (the rules of ``suppliers.stages``); the day is recorded."""
    row = get_match(session=session, match_id=match_id)
    history(row).advance(stage, day)  # raises StageError when out of order
    row.events.append(MatchStageEvent(stage=stage.value, day=day, by_id=_id(actor)))
    row.stage = stage.value
    record(
        session=session,
        action="match.stage",
        actor=actor,
        target=f"match:{row.id}",
        detail={"stage": stage.value, "day": day.isoformat()},
    )
    session.flush()
    return row


def list_matches(*, session: Session, company: str | None = None) -> Sequence[SupplierMatch]:
    stmt = select(SupplierMatch).order_by(SupplierMatch.id)
    if company is not None:
        stmt = stmt.where(SupplierMatch.company == company)
    return session.scalars(stmt).all()


def stage_counts(
    *, session: Session, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, int]:
    """How many matches reached each stage with a day in [since, until] (for the KPI dashboard).

    A match that skipped a stage does not count for it: the KPI counts stages that happened.
    """
    stmt: Any = select(MatchStageEvent.stage, func.count()).group_by(MatchStageEvent.stage)
    if since is not None:
        stmt = stmt.where(MatchStageEvent.day >= since)
    if until is not None:
        stmt = stmt.where(MatchStageEvent.day <= until)
    counts = {stage: 0 for stage in MATCH_STAGES}
    for stage, n in session.execute(stmt).all():
        counts[stage] = n
    return counts


def match_dict(row: SupplierMatch) -> dict[str, Any]:
    return {
        "id": row.id,
        "company": row.company,
        "supplier_id": row.supplier_id,
        "solution_id": row.solution_key,
        "score": row.score,
        "reasons": row.reasons,
        "stage": row.stage,
        "stages": history(row).to_dict(),
    }
