"""Testbeds (PoC, 실증): a company, its problem (KAMP's taxonomy), its uploaded data and the
builds and products made from it, milestones, and the KPIs before and after support computed
by ISO 22400-2 from the elements entered (``kpi22400``), with the basis of the figures
(baseline period, measurement window, data source).

An attachment must belong to the company: an upload or job of the company's organisation, or
a product version that organisation owns. Functions flush; the caller commits; changes are
audited (``testbed.*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.catalog.errors import NotFound
from mfgdata.center.access import can_see_company, staff_regions
from mfgdata.center.codes import PROBLEM_TYPES
from mfgdata.center.errors import PocError
from mfgdata.center.kpi22400 import KpiChange, KpiInputs, KpiValue, compare, compute_kpis
from mfgdata.db.tables import (
    TESTBED_STATUSES,
    CenterCompany,
    CenterMilestone,
    CenterTestbed,
    CenterTestbedAttachment,
    Job,
    Product,
    ProductVersion,
    Upload,
    User,
    utcnow,
)


def create_testbed(
    *,
    session: Session,
    company: CenterCompany,
    title: str,
    problem_type: str,
    actor: User | None = None,
) -> CenterTestbed:
    if problem_type not in PROBLEM_TYPES:
        allowed = ", ".join(PROBLEM_TYPES)
        raise PocError(
            f"알 수 없는 문제 유형: {problem_type} (가능: {allowed})",
            f"unknown problem type {problem_type!r} (allowed: {allowed})",
            column="problem_type",
        )
    if not title.strip():
        raise PocError("실증 과제명이 비어 있습니다", "the testbed title is empty", column="title")
    testbed = CenterTestbed(
        company_id=company.id,
        title=title.strip()[:300],
        problem_type=problem_type,
        status="planned",
        kpi_before={},
        kpi_after={},
        kpi_basis={},
        created_by_id=actor.id if actor else None,
    )
    session.add(testbed)
    session.flush()
    audit.record(
        session=session, action="testbed.create", actor=actor, target=f"testbed:{testbed.id}"
    )
    return testbed


def get_testbed(*, session: Session, testbed_id: int, viewer: User | None) -> CenterTestbed:
    """The testbed if ``viewer`` may see its company (None: the system), else 404."""
    testbed = session.get(CenterTestbed, testbed_id)
    if testbed is not None and viewer is not None:
        company = session.get(CenterCompany, testbed.company_id)
        if company is None or not can_see_company(session=session, user=viewer, company=company):
            testbed = None
    if testbed is None:
        raise NotFound(f"실증 과제가 없습니다: {testbed_id}", f"no such testbed: {testbed_id}")
    return testbed


def list_testbeds(*, session: Session, viewer: User) -> Sequence[CenterTestbed]:
    query = select(CenterTestbed).join(CenterCompany).order_by(CenterTestbed.id.desc())
    if viewer.role == "center_staff":
        regions = staff_regions(session=session, user=viewer) or set()
        query = query.where(CenterCompany.region.in_(sorted(regions)))
    elif viewer.role != "admin":
        query = query.where(CenterCompany.org_id == viewer.org_id)
    return session.scalars(query).all()


def set_status(
    *, session: Session, testbed: CenterTestbed, status: str, actor: User | None = None
) -> None:
    if status not in TESTBED_STATUSES:
        raise PocError(f"알 수 없는 상태: {status}", f"unknown status: {status}")
    testbed.status = status
    testbed.updated = utcnow()
    session.flush()
    audit.record(
        session=session,
        action="testbed.status",
        actor=actor,
        target=f"testbed:{testbed.id}",
        detail={"status": status},
    )


def attach(
    *, session: Session, testbed: CenterTestbed, kind: str, ref: str, actor: User | None = None
) -> CenterTestbedAttachment:
    """Attach an upload id, a job id or a product version (``product_id@version``)."""
    company = session.get(CenterCompany, testbed.company_id)
    org_id = company.org_id if company else None
    if org_id is None:
        raise PocError(
            "기업이 플랫폼 조직과 연결되지 않아 데이터를 붙일 수 없습니다",
            "the company has no platform organisation, so no data can be attached",
        )
    owner: int | None = None
    ref = ref.strip()
    if kind in ("upload", "job"):
        if not ref.isdigit():
            raise PocError(f"번호가 아닙니다: {ref}", f"not an id: {ref}", column="ref")
        row: Upload | Job | None = (
            session.get(Upload, int(ref)) if kind == "upload" else session.get(Job, int(ref))
        )
        owner = row.org_id if row is not None else None
    elif kind == "product":
        pid, _, version = ref.rpartition("@")
        found = None
        if pid and version.isdigit():
            found = session.scalars(
                select(ProductVersion).where(
                    ProductVersion.product_id == pid, ProductVersion.version == int(version)
                )
            ).first()
        product = session.get(Product, pid) if found is not None else None
        owner = product.owner_org_id if product is not None else None
    else:
        raise PocError(f"알 수 없는 종류: {kind}", f"unknown kind: {kind}", column="kind")
    if owner != org_id:
        raise NotFound(
            f"이 기업의 {kind}이(가) 아닙니다: {ref}", f"no such {kind} of this company: {ref}"
        )
    existing = session.scalars(
        select(CenterTestbedAttachment).where(
            CenterTestbedAttachment.testbed_id == testbed.id,
            CenterTestbedAttachment.kind == kind,
            CenterTestbedAttachment.ref == ref,
        )
    ).first()
    if existing is not None:
        return existing
    row_out = CenterTestbedAttachment(testbed_id=testbed.id, kind=kind, ref=ref)
    session.add(row_out)
    session.flush()
    audit.record(
        session=session,
        action="testbed.attach",
        actor=actor,
        target=f"testbed:{testbed.id}",
        detail={"kind": kind, "ref": ref},
    )
    return row_out


def attachments(*, session: Session, testbed: CenterTestbed) -> Sequence[CenterTestbedAttachment]:
    return session.scalars(
        select(CenterTestbedAttachment)
        .where(CenterTestbedAttachment.testbed_id == testbed.id)
        .order_by(CenterTestbedAttachment.id)
    ).all()


def set_kpis(
    *,
    session: Session,
    testbed: CenterTestbed,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    basis: Mapping[str, str] | None = None,
    actor: User | None = None,
) -> None:
    """Store the ISO 22400 elements of the baseline and/or the result (checked first)."""
    if before is not None:
        testbed.kpi_before = KpiInputs.from_mapping(before).to_dict()
    if after is not None:
        testbed.kpi_after = KpiInputs.from_mapping(after).to_dict()
    if basis is not None:
        keys = ("baseline_period", "measurement_window", "data_source")
        testbed.kpi_basis = {k: str(basis.get(k, ""))[:300] for k in keys}
    testbed.updated = utcnow()
    session.flush()
    audit.record(session=session, action="testbed.kpi", actor=actor, target=f"testbed:{testbed.id}")


def _inputs(stored: Mapping[str, Any]) -> KpiInputs | None:
    values = {k: v for k, v in stored.items() if v is not None}
    return KpiInputs.from_mapping(values) if values else None


def kpi_results(
    testbed: CenterTestbed,
) -> tuple[list[KpiValue] | None, list[KpiValue] | None, list[KpiChange] | None]:
    """(before KPIs, after KPIs, changes); None for a side not entered yet."""
    before, after = _inputs(testbed.kpi_before or {}), _inputs(testbed.kpi_after or {})
    kb = compute_kpis(before) if before else None
    ka = compute_kpis(after) if after else None
    change = compare(before, after) if before and after else None
    return kb, ka, change


def add_milestone(
    *, session: Session, testbed: CenterTestbed, title: str, due: date | None = None
) -> CenterMilestone:
    if not title.strip():
        raise PocError("마일스톤 이름이 비어 있습니다", "the milestone title is empty")
    row = CenterMilestone(testbed_id=testbed.id, title=title.strip()[:300], due=due)
    session.add(row)
    session.flush()
    return row


def complete_milestone(*, session: Session, testbed: CenterTestbed, milestone_id: int) -> None:
    row = session.get(CenterMilestone, milestone_id)
    if row is None or row.testbed_id != testbed.id:
        raise NotFound(f"마일스톤이 없습니다: {milestone_id}", f"no such milestone: {milestone_id}")
    row.done_at = utcnow()
    session.flush()


def milestones(*, session: Session, testbed: CenterTestbed) -> Sequence[CenterMilestone]:
    return session.scalars(
        select(CenterMilestone)
        .where(CenterMilestone.testbed_id == testbed.id)
        .order_by(CenterMilestone.due, CenterMilestone.id)
    ).all()
