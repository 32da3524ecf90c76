"""The programme workflow over the database: call → application → review → evaluation →
ranking → appeal → agreement, interim checks, final inspection, settlement.

A thin layer over the engine: eligibility, documents, budgets and the ranking are computed by
``eligibility``, ``budget`` and ``scoring`` (no second copy). Every change writes an audit row
(``program.*``) in the same transaction. ``now`` is always passed in (the server's clock is
injectable), and the deadline is the call's: 17:00:00 Asia/Seoul is already late.

Roles: staff (``center_staff``, ``admin``) run the call; an applicant company (any member of the
organisation that applies) sees and edits only its own applications; an evaluator is a user
assigned to an application's panel and sees only the applications assigned to them; a
conflict-declared evaluator cannot score.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog.errors import NotFound, WorkflowError
from mfgdata.db.engine import objects_dir
from mfgdata.db.tables import (
    Organisation,
    ProgAppeal,
    ProgApplication,
    ProgAssignment,
    ProgCall,
    ProgDocument,
    ProgMember,
    ProgRanking,
    ProgScore,
    ProgSiteCheck,
    ProgStage,
    User,
)
from mfgdata.programs.budget import BudgetPlan, budget_reasons
from mfgdata.programs.dates import deadline_at, ensure_on_time
from mfgdata.programs.eligibility import CompanyFacts, document_reasons, exclusion_reasons
from mfgdata.programs.errors import ProgramError
from mfgdata.programs.models import CallTemplate, Reason
from mfgdata.programs.panel import ScoreRow
from mfgdata.programs.scoring import rank_applicants
from mfgdata.programs.templates import load_template, template_names
from mfgdata.settings import Settings

STAFF_ROLES = ("center_staff", "admin")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


# -- input shapes (the API and the CLI validate with these) ----------------------------------
class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["lead", "participant", "demand"]
    business_no: str = Field(default="", max_length=20)


class ApplicationForm(BaseModel):
    """The application form: title, summary, the lead company's facts, members, budget."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=5000)
    company: CompanyFacts
    members: list[MemberIn] = Field(min_length=1, max_length=20)
    budget: BudgetPlan


class Spend(BaseModel):
    """Actual spend at settlement, whole KRW, split like the plan."""

    model_config = ConfigDict(extra="forbid")
    government: int = Field(ge=0)
    cash: int = Field(ge=0)
    in_kind: int = Field(ge=0)


# -- helpers ---------------------------------------------------------------------------------
def _err(ko: str, en: str) -> ProgramError:
    return ProgramError(ko, en)


def _conflict(ko: str, en: str) -> WorkflowError:
    return WorkflowError(ko, en)


def is_staff(user: User | None) -> bool:
    return user is not None and user.active and user.role in STAFF_ROLES


def require_staff(user: User) -> None:
    if not is_staff(user):
        raise PermissionDenied(
            "사업 담당자(센터 직원)만 할 수 있습니다", "only programme staff (center staff) may"
        )


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise _err("서버 시각에 시간대가 없습니다", "the server time has no time zone")
    return now


def _audit(session: Session, actor: User | None, action: str, target: str, **detail: Any) -> None:
    audit.record(session=session, action=action, actor=actor, target=target, detail=detail)


def template_of(call: ProgCall) -> CallTemplate:
    return load_template(call.template)


def reasons_json(reasons: Sequence[Reason]) -> list[dict[str, str]]:
    return [r.model_dump() for r in reasons]


# -- calls -----------------------------------------------------------------------------------
def open_call(
    *,
    session: Session,
    actor: User,
    template: str,
    deadline_day: dt.date,
    now: dt.datetime,
    slots: int | None = None,
) -> ProgCall:
    """Staff open a call from a built-in template; the deadline must lie in the future."""
    require_staff(actor)
    if template not in template_names():
        known = ", ".join(template_names())
        raise _err(
            f"알 수 없는 공고 템플릿입니다: {template} (내장: {known})",
            f"unknown call template: {template} (built in: {known})",
        )
    t = load_template(template)
    if deadline_at(t, deadline_day) <= _aware(now):
        raise _err(
            f"마감일 {deadline_day}이(가) 이미 지났습니다",
            f"the deadline {deadline_day} has passed",
        )
    call = ProgCall(
        template=template,
        title_ko=t.title_ko,
        title_en=t.title_en,
        deadline_day=deadline_day,
        slots=slots,
        created_by_id=actor.id,
    )
    session.add(call)
    session.flush()
    _audit(session, actor, "program.call.open", f"prog_call:{call.id}", template=template)
    return call


def get_call(session: Session, call_id: int) -> ProgCall:
    call = session.get(ProgCall, call_id)
    if call is None:
        raise NotFound(f"공고를 찾을 수 없습니다: {call_id}", f"call not found: {call_id}")
    return call


def list_calls(session: Session) -> list[ProgCall]:
    return list(session.scalars(select(ProgCall).order_by(ProgCall.id.desc())))


def call_deadline(call: ProgCall) -> dt.datetime:
    return deadline_at(template_of(call), call.deadline_day)


# -- applications ------------------------------------------------------------------------------
def _assigned(session: Session, user: User, app: ProgApplication) -> bool:
    stmt = select(ProgAssignment.id).where(
        ProgAssignment.application_id == app.id, ProgAssignment.evaluator_id == user.id
    )
    return session.scalars(stmt.limit(1)).first() is not None


def can_view(session: Session, user: User, app: ProgApplication) -> bool:
    return is_staff(user) or app.org_id == user.org_id or _assigned(session, user, app)


def get_application(session: Session, app_id: int, user: User) -> ProgApplication:
    """The application when ``user`` may see it; otherwise 404 (ids are never confirmed)."""
    app = session.get(ProgApplication, app_id)
    if app is None or not user.active or not can_view(session, user, app):
        raise NotFound(f"신청서를 찾을 수 없습니다: {app_id}", f"application not found: {app_id}")
    return app


def list_applications(
    session: Session, user: User, call_id: int | None = None
) -> list[ProgApplication]:
    """Staff: all; an evaluator: the assigned ones; a company: its own."""
    stmt = select(ProgApplication).order_by(ProgApplication.id)
    if call_id is not None:
        stmt = stmt.where(ProgApplication.call_id == call_id)
    if not is_staff(user):
        assigned = select(ProgAssignment.application_id).where(
            ProgAssignment.evaluator_id == user.id
        )
        stmt = stmt.where(
            (ProgApplication.org_id == user.org_id) | ProgApplication.id.in_(assigned)
        )
    return list(session.scalars(stmt).unique())


def _own(app: ProgApplication, user: User) -> None:
    if app.org_id != user.org_id:
        raise PermissionDenied(
            "신청 기업만 할 수 있습니다", "only the applicant company may do this"
        )


def _check_form(t: CallTemplate, form: ApplicationForm) -> None:
    leads = [m for m in form.members if m.role == "lead"]
    if len(leads) != 1:
        raise _err(
            f"주관기업은 정확히 1개여야 합니다 (현재 {len(leads)}개)",
            f"exactly one lead company is needed (found {len(leads)})",
        )
    budget = budget_reasons(t, form.budget)  # an unknown track is a BudgetError here
    alone = len(form.members) == 1
    if form.budget.applying_alone != alone:
        raise _err(
            "예산표의 단독 신청 여부가 참여기업 구성과 다릅니다",
            "the budget's 'applying alone' does not match the consortium members",
        )
    if budget:
        raise _err("; ".join(r.ko for r in budget), "; ".join(r.en for r in budget))


def save_application(
    *,
    session: Session,
    actor: User,
    call: ProgCall,
    form: ApplicationForm,
    now: dt.datetime,
    app: ProgApplication | None = None,
) -> ProgApplication:
    """Create or edit a draft (one per company and call); the budget table is checked here."""
    if is_staff(actor):
        raise PermissionDenied(
            "사업 담당자는 신청할 수 없습니다", "programme staff cannot apply to a call"
        )
    if call.status != "open" or deadline_at(template_of(call), call.deadline_day) <= _aware(now):
        raise _conflict("접수가 마감된 공고입니다", "the call is closed for applications")
    t = template_of(call)
    _check_form(t, form)
    if app is None:
        found = session.scalars(
            select(ProgApplication).where(
                ProgApplication.call_id == call.id, ProgApplication.org_id == actor.org_id
            )
        ).first()
        if found is not None:
            raise _conflict(
                f"이미 이 공고에 신청서가 있습니다 (신청 {found.id})",
                f"your company already has an application for this call ({found.id})",
            )
        app = ProgApplication(call_id=call.id, org_id=actor.org_id, created_by_id=actor.id)
        session.add(app)
        action = "program.application.create"
    else:
        _own(app, actor)
        if app.status != "draft":
            raise _conflict("제출된 신청서는 고칠 수 없습니다", "a submitted application is final")
        action = "program.application.edit"
    app.title = form.title
    app.form = form.model_dump(mode="json", exclude={"members"})
    session.flush()
    existing = {(m.name, m.role): m for m in members_of(session, app)}
    wanted = {(m.name, m.role) for m in form.members}
    for key, member in existing.items():
        if key not in wanted:
            session.delete(member)
    for m in form.members:
        if (m.name, m.role) not in existing:
            session.add(ProgMember(application_id=app.id, **m.model_dump()))
    session.flush()
    _audit(session, actor, action, f"prog_application:{app.id}", title=form.title)
    return app


def members_of(session: Session, app: ProgApplication) -> list[ProgMember]:
    stmt = select(ProgMember).where(ProgMember.application_id == app.id).order_by(ProgMember.id)
    return list(session.scalars(stmt))


def documents_of(session: Session, app: ProgApplication) -> list[ProgDocument]:
    stmt = (
        select(ProgDocument).where(ProgDocument.application_id == app.id).order_by(ProgDocument.id)
    )
    return list(session.scalars(stmt))


def add_document(
    *,
    session: Session,
    actor: User,
    app: ProgApplication,
    member_id: int,
    doc_id: str,
    issued_on: dt.date,
    filename: str,
    content: bytes,
    settings: Settings,
) -> ProgDocument:
    """Store an uploaded document and check it at once (known, issued in its window)."""
    _own(app, actor)
    if app.status != "draft":
        raise _conflict("제출된 신청서에는 서류를 더할 수 없습니다", "the application is submitted")
    member = session.get(ProgMember, member_id)
    if member is None or member.application_id != app.id:
        raise NotFound(
            f"참여기업을 찾을 수 없습니다: {member_id}", f"member not found: {member_id}"
        )
    if not content:
        raise _err("빈 파일입니다", "the file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise _err(
            f"서류 파일은 {MAX_DOCUMENT_BYTES // 1024 // 1024} MB 이하여야 합니다",
            f"a document must be at most {MAX_DOCUMENT_BYTES // 1024 // 1024} MB",
        )
    t = template_of(app.call)
    rule = next((d for d in t.documents if d.id == doc_id), None)
    if rule is None:
        known = ", ".join(d.id for d in t.documents)
        raise _err(
            f"이 공고에 없는 서류입니다: {doc_id} (서류: {known})",
            f"not a document of this call: {doc_id} (documents: {known})",
        )
    one = t.model_copy(update={"documents": (rule,)})
    found = document_reasons(one, {doc_id: issued_on}, app.call.deadline_day)
    digest = hashlib.sha256(content).hexdigest()
    folder = objects_dir(settings) / "programs" / str(app.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    path.write_bytes(content)
    doc = ProgDocument(
        application_id=app.id,
        member_id=member.id,
        doc_id=doc_id,
        filename=Path(filename).name[:300] or doc_id,
        stored_path=str(path),
        bytes=len(content),
        sha256=digest,
        issued_on=issued_on,
        valid=not found,
        check_ko=found[0].ko if found else "유효",
        check_en=found[0].en if found else "valid",
        uploaded_by_id=actor.id,
    )
    session.add(doc)
    session.flush()
    _audit(
        session, actor, "program.document.upload", f"prog_application:{app.id}",
        document=doc_id, member=member.name, sha256=digest, valid=doc.valid,
    )  # fmt: skip
    return doc


def document_check(session: Session, app: ProgApplication) -> list[Reason]:
    """Missing or out-of-window documents, per member and by the member's role."""
    t = template_of(app.call)
    docs = documents_of(session, app)
    out: list[Reason] = []
    for member in members_of(session, app):
        rules = tuple(d for d in t.documents if member.role in d.roles)
        issued: dict[str, dt.date] = {}
        valid: set[str] = set()
        for d in (d for d in docs if d.member_id == member.id):  # a valid upload wins
            if d.doc_id not in valid:
                issued[d.doc_id] = d.issued_on
            if d.valid:
                valid.add(d.doc_id)
        mine = t.model_copy(update={"documents": rules})
        for r in document_reasons(mine, issued, app.call.deadline_day):
            if r.code.startswith("unknown:"):
                continue
            out.append(
                Reason(
                    code=f"{member.id}:{r.code}",
                    ko=f"{member.name}: {r.ko}",
                    en=f"{member.name}: {r.en}",
                )
            )
    return out


def eligibility_reasons(session: Session, app: ProgApplication) -> list[Reason]:
    """Exclusion rules, documents and budget, all with their reasons (empty: eligible)."""
    t = template_of(app.call)
    company = CompanyFacts.model_validate(app.form["company"])
    plan = BudgetPlan.model_validate(app.form["budget"])
    return [
        *exclusion_reasons(t, company, app.call.deadline_day),
        *document_check(session, app),
        *budget_reasons(t, plan),
    ]


def submit(
    *, session: Session, actor: User, app: ProgApplication, now: dt.datetime
) -> ProgApplication:
    """Submit before the deadline (server time; the closing second itself is late)."""
    _own(app, actor)
    if app.status != "draft":
        raise _conflict("이미 제출된 신청서입니다", "the application is already submitted")
    t = template_of(app.call)
    try:
        ensure_on_time(t, app.call.deadline_day, _aware(now))
    except ProgramError:
        _audit(
            session, actor, "program.application.late", f"prog_application:{app.id}",
            at=now.isoformat(),
        )  # fmt: skip
        session.commit()  # the refusal stays in the audit trail
        raise
    reasons = eligibility_reasons(session, app)
    app.status = "submitted"
    app.submitted_at = now
    app.eligibility = {"reasons": reasons_json(reasons), "checked_at": now.isoformat()}
    session.flush()
    _audit(
        session, actor, "program.application.submit", f"prog_application:{app.id}",
        at=now.isoformat(), reasons=len(reasons),
    )  # fmt: skip
    return app


def review(
    *, session: Session, actor: User, app: ProgApplication, eligible: bool, note: str,
    now: dt.datetime,
) -> ProgApplication:  # fmt: skip
    """Staff requirement review; passing an application with open reasons needs a note."""
    require_staff(actor)
    if app.status not in ("submitted", "eligible", "ineligible"):
        raise _conflict("제출되지 않은 신청서입니다", "the application is not submitted")
    if eligible and app.eligibility.get("reasons") and not note.strip():
        raise _err(
            "자동 검토 사유가 있는 신청서를 적격으로 하려면 검토 의견이 필요합니다",
            "a note is needed to pass an application with open review reasons",
        )
    app.status = "eligible" if eligible else "ineligible"
    app.reviewed_by_id, app.reviewed_at, app.review_note = actor.id, now, note.strip()
    session.flush()
    _audit(
        session, actor, "program.application.review", f"prog_application:{app.id}",
        eligible=eligible, note=note.strip(),
    )  # fmt: skip
    return app


def set_bonus(
    *, session: Session, actor: User, app: ProgApplication, items: Sequence[str]
) -> ProgApplication:
    """Staff record the bonus items an applicant earned (the call's own items only)."""
    require_staff(actor)
    t = template_of(app.call)
    known = {b.id for b in t.bonus_items}
    unknown = sorted(set(items) - known)
    if unknown:
        raise _err(
            f"이 공고에 없는 가점 항목입니다: {', '.join(unknown)}",
            f"unknown bonus item(s) for this call: {', '.join(unknown)}",
        )
    app.bonus = {"items": sorted(set(items))}
    session.flush()
    _audit(
        session, actor, "program.bonus.set", f"prog_application:{app.id}", items=sorted(set(items))
    )
    return app


def record_site_check(
    *,
    session: Session,
    actor: User,
    app: ProgApplication,
    results: Mapping[str, bool],
    note: str = "",
) -> list[ProgSiteCheck]:
    """Staff record every site-check item as 적 (True) or 부 (False)."""
    require_staff(actor)
    t = template_of(app.call)
    known = [i.id for i in t.site_check_items]
    if not known:
        raise _err("이 공고에는 현장점검이 없습니다", "this call has no site check")
    if sorted(results) != sorted(known):
        raise _err(
            f"현장점검 항목을 모두 적/부로 기록해야 합니다: {', '.join(known)}",
            f"record every site-check item as pass/fail: {', '.join(known)}",
        )
    for old in session.scalars(select(ProgSiteCheck).where(ProgSiteCheck.application_id == app.id)):
        session.delete(old)
    session.flush()
    rows = [
        ProgSiteCheck(
            application_id=app.id, item=i, passed=results[i], note=note, checked_by_id=actor.id
        )
        for i in known
    ]
    session.add_all(rows)
    session.flush()
    _audit(
        session, actor, "program.site_check", f"prog_application:{app.id}", results=dict(results)
    )
    return rows


# -- panels, declarations, score sheets --------------------------------------------------------
def assign(
    *, session: Session, actor: User, app: ProgApplication, evaluator: User, round_: int = 1
) -> ProgAssignment:
    """Staff put an evaluator on an application's panel (round 2: the re-evaluation)."""
    require_staff(actor)
    if app.status != "eligible":
        raise _conflict(
            "적격 판정된 신청서만 평가합니다", "only eligible applications are evaluated"
        )
    if evaluator.org_id == app.org_id:
        raise _conflict(
            "신청 기업 소속은 평가위원이 될 수 없습니다",
            "a member of the applicant company cannot evaluate it",
        )
    if round_ == 2 and upheld_appeal(session, app) is None:
        raise _conflict(
            "재평가는 인용된 이의신청에만 합니다", "a re-evaluation needs an upheld appeal"
        )
    found = session.scalars(
        select(ProgAssignment).where(
            ProgAssignment.application_id == app.id,
            ProgAssignment.evaluator_id == evaluator.id,
            ProgAssignment.round == round_,
        )
    ).first()
    if found is not None:
        return found
    row = ProgAssignment(
        application_id=app.id, evaluator_id=evaluator.id, round=round_, assigned_by_id=actor.id
    )
    session.add(row)
    session.flush()
    _audit(
        session, actor, "program.panel.assign", f"prog_application:{app.id}",
        evaluator=evaluator.id, round=round_,
    )  # fmt: skip
    return row


def assignment_for(session: Session, user: User, assignment_id: int) -> ProgAssignment:
    row = session.get(ProgAssignment, assignment_id)
    if row is None or row.evaluator_id != user.id:
        raise NotFound(
            f"평가 배정을 찾을 수 없습니다: {assignment_id}",
            f"assignment not found: {assignment_id}",
        )
    return row


def my_assignments(session: Session, user: User) -> list[ProgAssignment]:
    stmt = select(ProgAssignment).where(ProgAssignment.evaluator_id == user.id)
    return list(session.scalars(stmt.order_by(ProgAssignment.id)))


def declare(
    *, session: Session, actor: User, assignment: ProgAssignment, conflict: bool, note: str,
    now: dt.datetime,
) -> ProgAssignment:  # fmt: skip
    """The evaluator declares a conflict of interest, or none, before seeing the sheet."""
    if assignment.evaluator_id != actor.id:
        raise PermissionDenied(
            "배정된 평가위원만 할 수 있습니다", "only the assigned evaluator may"
        )
    if assignment.submitted_at is not None:
        raise _conflict("이미 제출한 평가표입니다", "the score sheet is already submitted")
    if conflict and not note.strip():
        raise _err("이해충돌 사유를 적어 주세요", "say what the conflict of interest is")
    assignment.coi = "conflict" if conflict else "clear"
    assignment.coi_note = note.strip()
    assignment.declared_at = now
    session.flush()
    _audit(
        session, actor, "program.coi.declare", f"prog_assignment:{assignment.id}",
        conflict=conflict, note=note.strip(),
    )  # fmt: skip
    return assignment


def _decimal(value: object, category: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        d = Decimal("NaN")
    if not d.is_finite():
        raise _err(
            f"점수가 숫자가 아닙니다: {category} = '{value}'",
            f"the score is not a number: {category} = '{value}'",
        )
    return d


def score(
    *, session: Session, actor: User, assignment: ProgAssignment, scores: Mapping[str, object],
    now: dt.datetime,
) -> ProgAssignment:  # fmt: skip
    """Submit a complete score sheet: every category once, within its weight, 0.01 steps."""
    if assignment.evaluator_id != actor.id:
        raise PermissionDenied(
            "배정된 평가위원만 할 수 있습니다", "only the assigned evaluator may"
        )
    if assignment.coi == "conflict":
        raise PermissionDenied(
            "이해충돌을 신고한 평가위원은 평가할 수 없습니다",
            "an evaluator who declared a conflict of interest cannot score",
        )
    if assignment.coi != "clear":
        raise _conflict(
            "먼저 이해충돌 여부를 신고하세요", "declare a conflict of interest (or none) first"
        )
    if assignment.submitted_at is not None:
        raise _conflict("이미 제출한 평가표입니다", "the score sheet is already submitted")
    app = session.get(ProgApplication, assignment.application_id)
    assert app is not None
    t = template_of(app.call)
    names = [c.name for c in t.categories]
    unknown = sorted(set(scores) - set(names))
    missing = [n for n in names if n not in scores]
    if unknown or missing:
        raise _err(
            f"평가 항목이 맞지 않습니다: 없는 항목 {unknown}, 빠진 항목 {missing}",
            f"categories do not match: unknown {unknown}, missing {missing}",
        )
    rows = []
    for c in t.categories:
        value = _decimal(scores[c.name], c.name)
        if not Decimal(0) <= value <= Decimal(c.weight) or value != value.quantize(Decimal("0.01")):
            raise _err(
                f"'{c.name}' 점수 {value}은(는) 0–{c.weight}점, 0.01점 단위여야 합니다",
                f"'{c.name}' score {value} must lie in 0–{c.weight} points, in 0.01 steps",
            )
        rows.append(ProgScore(assignment_id=assignment.id, category=c.name, score=value, at=now))
    session.add_all(rows)
    assignment.submitted_at = now
    session.flush()
    total = sum((r.score for r in rows), Decimal(0))
    _audit(
        session, actor, "program.score.submit", f"prog_assignment:{assignment.id}",
        application=app.id, total=f"{total:.2f}",
        scores={r.category: f"{r.score:.2f}" for r in rows},
    )  # fmt: skip
    return assignment


def sheet_scores(session: Session, assignment: ProgAssignment) -> dict[str, Decimal]:
    stmt = select(ProgScore).where(ProgScore.assignment_id == assignment.id)
    return {s.category: Decimal(s.score) for s in session.scalars(stmt)}


# -- ranking, publication, appeal --------------------------------------------------------------
def upheld_appeal(session: Session, app: ProgApplication) -> ProgAppeal | None:
    stmt = select(ProgAppeal).where(
        ProgAppeal.application_id == app.id, ProgAppeal.status == "upheld"
    )
    return session.scalars(stmt).first()


def _score_rows(session: Session, app: ProgApplication) -> list[ScoreRow]:
    """The application's submitted sheets of its latest round; evaluators labelled E1..En."""
    rounds = [2, 1] if upheld_appeal(session, app) is not None else [1]
    for round_ in rounds:
        stmt = (
            select(ProgAssignment)
            .where(
                ProgAssignment.application_id == app.id,
                ProgAssignment.round == round_,
                ProgAssignment.submitted_at.is_not(None),
                ProgAssignment.coi == "clear",
            )
            .order_by(ProgAssignment.id)
        )
        sheets = list(session.scalars(stmt))
        if sheets:
            return [
                ScoreRow(str(app.id), f"E{i}", category, value)
                for i, a in enumerate(sheets, start=1)
                for category, value in sorted(sheet_scores(session, a).items())
            ]
        if round_ == 2:
            raise _conflict(
                f"재평가 점수가 아직 없습니다: 신청 {app.id}",
                f"the re-evaluation of application {app.id} has no score sheets yet",
            )
    raise _conflict(
        f"제출된 평가표가 없는 신청서가 있습니다: 신청 {app.id} ({app.title})",
        f"application {app.id} ({app.title}) has no submitted score sheets",
    )


def compute_ranking(
    *, session: Session, actor: User, call: ProgCall, now: dt.datetime
) -> ProgRanking:
    """Rank the call's eligible applications with the engine; round 2 after an upheld appeal."""
    require_staff(actor)
    apps = [a for a in list_applications(session, actor, call.id) if a.status == "eligible"]
    if not apps:
        raise _conflict("평가할 적격 신청서가 없습니다", "no eligible applications to rank")
    t = template_of(call)
    sheets = {a.id: _score_rows(session, a) for a in apps}
    counts = {a: len({r.evaluator for r in rows}) for a, rows in sheets.items()}
    if len(set(counts.values())) > 1:
        most = max(counts.values())
        short = ", ".join(f"{a} ({n})" for a, n in sorted(counts.items()) if n < most)
        raise _conflict(
            f"평가표 수가 신청서마다 다릅니다 (최대 {most}개): 평가위원을 더 배정할 신청서 {short}",
            f"the applications have different numbers of score sheets (most {most}): "
            f"assign more evaluators to application(s) {short}",
        )
    rows = [r for a in apps for r in sheets[a.id]]
    bonus = {str(a.id): list(a.bonus.get("items", [])) for a in apps if a.bonus.get("items")}
    site: dict[str, dict[str, bool]] = {}
    for a in apps:
        checks = session.scalars(select(ProgSiteCheck).where(ProgSiteCheck.application_id == a.id))
        found = {c.item: c.passed for c in checks}
        if found:
            site[str(a.id)] = found
    ranked = rank_applicants(t, rows, bonus=bonus, site_checks=site, slots=call.slots)
    names = {a.id: _org_name(session, a.org_id) for a in apps}
    titles = {a.id: a.title for a in apps}
    round_ = 2 if any(upheld_appeal(session, a) for a in apps) else 1
    out = []
    for r in ranked:
        d = r.to_dict()
        d["application_id"] = int(r.applicant)
        d["company"] = names[int(r.applicant)]
        d["title"] = titles[int(r.applicant)]
        d["reason_ko"], d["reason_en"] = r.reason_ko, r.reason_en
        out.append(d)
    ranking = ProgRanking(call_id=call.id, round=round_, results={"rows": out}, computed_at=now)
    session.add(ranking)
    call.status = "evaluating"
    session.flush()
    _audit(
        session, actor, "program.ranking.compute", f"prog_call:{call.id}",
        ranking=ranking.id, round=round_,
        selected=[d["application_id"] for d in out if d["selected"]],
    )  # fmt: skip
    return ranking


def _org_name(session: Session, org_id: int) -> str:
    org = session.get(Organisation, org_id)
    return org.name if org else "?"


def publish_ranking(
    *, session: Session, actor: User, ranking: ProgRanking, now: dt.datetime
) -> ProgRanking:
    require_staff(actor)
    if ranking.published_at is not None:
        raise _conflict("이미 공개된 순위입니다", "the ranking is already published")
    ranking.published_at, ranking.published_by_id = now, actor.id
    call = session.get(ProgCall, ranking.call_id)
    assert call is not None
    call.status = "published"
    session.flush()
    _audit(
        session, actor, "program.ranking.publish", f"prog_call:{call.id}",
        ranking=ranking.id, round=ranking.round,
    )  # fmt: skip
    return ranking


def get_ranking(session: Session, ranking_id: int, user: User | None) -> ProgRanking:
    """A ranking: published ones for anyone signed in, drafts for staff only."""
    r = session.get(ProgRanking, ranking_id)
    if r is None or (r.published_at is None and not is_staff(user)):
        raise NotFound(f"순위를 찾을 수 없습니다: {ranking_id}", f"ranking not found: {ranking_id}")
    return r


def rankings_of(session: Session, call: ProgCall, user: User | None) -> list[ProgRanking]:
    stmt = select(ProgRanking).where(ProgRanking.call_id == call.id).order_by(ProgRanking.id)
    return [r for r in session.scalars(stmt) if r.published_at is not None or is_staff(user)]


def latest_published(session: Session, call: ProgCall) -> ProgRanking | None:
    stmt = (
        select(ProgRanking)
        .where(ProgRanking.call_id == call.id, ProgRanking.published_at.is_not(None))
        .order_by(ProgRanking.id.desc())
    )
    return session.scalars(stmt).first()


def appeals_of(session: Session, app: ProgApplication) -> list[ProgAppeal]:
    stmt = select(ProgAppeal).where(ProgAppeal.application_id == app.id).order_by(ProgAppeal.id)
    return list(session.scalars(stmt))


def file_appeal(
    *, session: Session, actor: User, app: ProgApplication, text: str, now: dt.datetime
) -> ProgAppeal:
    """One appeal per application against the published evaluation; none after re-evaluation."""
    _own(app, actor)
    if not text.strip():
        raise _err("이의신청 사유를 적어 주세요", "say why you appeal")
    ranking = latest_published(session, app.call)
    if ranking is None:
        raise _conflict("공개된 평가 결과가 없습니다", "no published evaluation to appeal")
    if ranking.round > 1:
        raise _conflict(
            "재평가 결과에는 이의신청할 수 없습니다", "a re-evaluation cannot be appealed"
        )
    if not any(d["application_id"] == app.id for d in ranking.results.get("rows", [])):
        raise _conflict("평가 대상이 아닌 신청서입니다", "the application was not evaluated")
    limit = template_of(app.call).evaluation.appeals
    if len(appeals_of(session, app)) >= limit:
        raise _conflict(
            f"이의신청은 {limit}회만 할 수 있습니다", f"only {limit} appeal(s) may be filed"
        )
    appeal = ProgAppeal(
        application_id=app.id, ranking_id=ranking.id, text=text.strip(), filed_by_id=actor.id,
        filed_at=now,
    )  # fmt: skip
    session.add(appeal)
    session.flush()
    _audit(session, actor, "program.appeal.file", f"prog_application:{app.id}", appeal=appeal.id)
    return appeal


def decide_appeal(
    *, session: Session, actor: User, appeal: ProgAppeal, uphold: bool, note: str,
    now: dt.datetime,
) -> ProgAppeal:  # fmt: skip
    """Staff uphold (the application is re-evaluated by a round-2 panel) or reject an appeal."""
    require_staff(actor)
    if appeal.status != "pending":
        raise _conflict("이미 처리된 이의신청입니다", "the appeal is already decided")
    if not note.strip():
        raise _err("처리 의견을 적어 주세요", "give the reason for the decision")
    appeal.status = "upheld" if uphold else "rejected"
    appeal.decided_by_id, appeal.decided_at, appeal.decision_note = actor.id, now, note.strip()
    session.flush()
    _audit(
        session, actor, "program.appeal.decide", f"prog_application:{appeal.application_id}",
        appeal=appeal.id, upheld=uphold, note=note.strip(),
    )  # fmt: skip
    return appeal


def get_appeal(session: Session, appeal_id: int) -> ProgAppeal:
    appeal = session.get(ProgAppeal, appeal_id)
    if appeal is None:
        raise NotFound(
            f"이의신청을 찾을 수 없습니다: {appeal_id}", f"appeal not found: {appeal_id}"
        )
    return appeal


# -- after selection -------------------------------------------------------------------------
def is_selected(session: Session, app: ProgApplication) -> bool:
    ranking = latest_published(session, app.call)
    if ranking is None:
        return False
    return any(
        d["application_id"] == app.id and d["selected"] for d in ranking.results.get("rows", [])
    )


def stages_of(session: Session, app: ProgApplication) -> list[ProgStage]:
    stmt = select(ProgStage).where(ProgStage.application_id == app.id).order_by(ProgStage.id)
    return list(session.scalars(stmt))


def settlement(plan: BudgetPlan, actual: Spend, final_passed: bool) -> dict[str, Any]:
    """Actual spend against the plan, whole KRW. The grant paid is at most the plan and at most
    the planned government share of what was actually spent; the rest is returned. A failed
    final inspection returns the whole grant (the call's sanction is applied by staff)."""
    planned_total = plan.government + plan.cash + plan.in_kind
    spent_total = actual.government + actual.cash + actual.in_kind
    share = Decimal(plan.government) / Decimal(planned_total) if planned_total else Decimal(0)
    eligible_grant = min(plan.government, int(Decimal(spent_total) * share))
    recognised = min(actual.government, eligible_grant) if final_passed else 0
    lines = {
        key: {"plan_krw": getattr(plan, key), "actual_krw": getattr(actual, key),
              "difference_krw": getattr(actual, key) - getattr(plan, key)}
        for key in ("government", "cash", "in_kind")
    }  # fmt: skip
    return {
        "lines": lines,
        "plan_total_krw": planned_total,
        "actual_total_krw": spent_total,
        "execution_rate_pct": f"{Decimal(spent_total * 100) / Decimal(planned_total):.2f}"
        if planned_total
        else "0.00",
        "grant_recognised_krw": recognised,
        "grant_to_return_krw": actual.government - recognised,
    }


def record_stage(
    *, session: Session, actor: User, app: ProgApplication,
    kind: Literal["agreement", "interim", "final", "settlement"],
    passed: bool | None, note: str, now: dt.datetime, spend: Spend | None = None,
) -> ProgStage:  # fmt: skip
    """Agreement (selected only) → interim checks → final inspection → settlement, in order."""
    require_staff(actor)
    if not is_selected(session, app):
        raise _conflict("선정된 신청서가 아닙니다", "the application is not selected")
    done = {s.kind: s for s in stages_of(session, app)}
    before = {
        "agreement": None,
        "interim": "agreement",
        "final": "agreement",
        "settlement": "final",
    }
    need = before[kind]
    if need is not None and need not in done:
        raise _conflict(f"먼저 '{need}' 단계를 기록하세요", f"record the '{need}' stage first")
    if kind != "interim" and kind in done:
        raise _conflict(f"'{kind}' 단계는 이미 기록되었습니다", f"the '{kind}' stage is recorded")
    if "settlement" in done:
        raise _conflict("정산이 끝난 과제입니다", "the project is settled")
    detail: dict[str, Any] = {"note": note.strip()}
    if kind == "settlement":
        if spend is None:
            raise _err("정산에는 실제 집행액이 필요합니다", "a settlement needs the actual spend")
        plan = BudgetPlan.model_validate(app.form["budget"])
        detail.update(settlement(plan, spend, bool(done["final"].passed)))
        passed = None
    elif kind in ("interim", "final") and passed is None:
        raise _err("적합/부적합 결과가 필요합니다", "a pass or fail result is needed")
    elif kind == "agreement":
        passed = True
    stage = ProgStage(
        application_id=app.id, kind=kind, passed=passed, detail=detail, recorded_by_id=actor.id,
        at=now,
    )  # fmt: skip
    session.add(stage)
    session.flush()
    _audit(
        session, actor, f"program.stage.{kind}", f"prog_application:{app.id}",
        passed=passed, detail=detail,
    )  # fmt: skip
    return stage


def parse_form(data: object) -> ApplicationForm:
    """Validate a form from JSON or a web form; any problem is one ProgramError."""
    try:
        return ApplicationForm.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "-"
        raise _err(
            f"신청서 항목이 올바르지 않습니다 ({where}): {first['msg']}",
            f"the application form is not valid ({where}): {first['msg']}",
        ) from e
