"""Programme administration in the Open API (thin over ``programs.service``).

Calls (공고), applications with consortium members and documents, staff review, panels and
conflict-of-interest declarations, score sheets, rankings, one appeal, and after selection the
agreement, interim checks, final inspection and settlement. The deadline is checked against the
server's clock (``app.state.clock``, injectable for tests): 17:00:00 Seoul time is late.

Roles: staff (``center_staff``/``admin``) run calls; a company sees and edits only its own
applications; an evaluator sees only the applications assigned to them. Reads need the ``read``
scope, changes the ``api`` scope; an application one may not see answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.db.tables import (
    ProgAppeal,
    ProgApplication,
    ProgAssignment,
    ProgCall,
    ProgRanking,
    User,
    utcnow,
)
from mfgdata.programs import service as svc
from mfgdata.programs.errors import ProgramError
from mfgdata.programs.templates import load_template, template_names

router = APIRouter(prefix="/api/v1/programs", tags=["programmes / 지원사업"])


def server_now(request: Request) -> dt.datetime:
    """The server's clock (``app.state.clock`` when a test or an operator injects one)."""
    clock: Callable[[], dt.datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else utcnow()


# -- output shapes -------------------------------------------------------------------------------
class CallOut(BaseModel):
    id: int
    template: str
    title_ko: str
    title_en: str
    deadline: dt.datetime = Field(description="마감 시각 (Asia/Seoul) / closing instant")
    status: str
    slots: int | None
    categories: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    bonus_items: list[dict[str, Any]]
    site_check_items: list[dict[str, Any]]


def call_out(call: ProgCall) -> CallOut:
    t = load_template(call.template)
    return CallOut(
        id=call.id,
        template=call.template,
        title_ko=call.title_ko,
        title_en=call.title_en,
        deadline=svc.call_deadline(call),
        status=call.status,
        slots=call.slots,
        categories=[c.model_dump() for c in t.categories],
        documents=[d.model_dump() for d in t.documents],
        bonus_items=[{**b.model_dump(), "points": f"{b.points:.2f}"} for b in t.bonus_items],
        site_check_items=[i.model_dump() for i in t.site_check_items],
    )


class ApplicationOut(BaseModel):
    id: int
    call_id: int
    org_id: int
    title: str
    status: str
    form: dict[str, Any]
    members: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    submitted_at: dt.datetime | None
    eligibility: dict[str, Any]
    review_note: str
    bonus: list[str]
    appeals: list[dict[str, Any]]
    stages: list[dict[str, Any]]


def application_out(session: Any, app: ProgApplication, user: User) -> ApplicationOut:
    mine_or_staff = svc.is_staff(user) or app.org_id == user.org_id
    return ApplicationOut(
        id=app.id,
        call_id=app.call_id,
        org_id=app.org_id,
        title=app.title,
        status=app.status,
        form=app.form,
        members=[
            {"id": m.id, "name": m.name, "role": m.role} for m in svc.members_of(session, app)
        ],
        documents=[
            {
                "id": d.id,
                "member_id": d.member_id,
                "doc_id": d.doc_id,
                "filename": d.filename,
                "bytes": d.bytes,
                "sha256": d.sha256,
                "issued_on": d.issued_on.isoformat(),
                "valid": d.valid,
                "check_ko": d.check_ko,
                "check_en": d.check_en,
            }
            for d in svc.documents_of(session, app)
        ]
        if mine_or_staff
        else [],
        submitted_at=app.submitted_at,
        eligibility=app.eligibility if mine_or_staff else {},
        review_note=app.review_note if mine_or_staff else "",
        bonus=list(app.bonus.get("items", [])),
        appeals=[
            {"id": a.id, "status": a.status, "text": a.text, "decision_note": a.decision_note}
            for a in svc.appeals_of(session, app)
        ]
        if mine_or_staff
        else [],
        stages=[
            {"kind": s.kind, "passed": s.passed, "detail": s.detail, "at": s.at.isoformat()}
            for s in svc.stages_of(session, app)
        ],
    )


class AssignmentOut(BaseModel):
    id: int
    application_id: int
    evaluator_id: int
    round: int
    coi: str
    submitted_at: dt.datetime | None
    scores: dict[str, Decimal]


def assignment_out(session: Any, a: ProgAssignment) -> AssignmentOut:
    return AssignmentOut(
        id=a.id,
        application_id=a.application_id,
        evaluator_id=a.evaluator_id,
        round=a.round,
        coi=a.coi,
        submitted_at=a.submitted_at,
        scores=svc.sheet_scores(session, a),
    )


class RankingOut(BaseModel):
    id: int
    call_id: int
    round: int
    computed_at: dt.datetime
    published_at: dt.datetime | None
    rows: list[dict[str, Any]] = Field(
        description="score/bonus/final: 점수 (점, 소수 둘째 자리) / points, two decimals"
    )


def ranking_out(r: ProgRanking) -> RankingOut:
    return RankingOut(
        id=r.id,
        call_id=r.call_id,
        round=r.round,
        computed_at=r.computed_at,
        published_at=r.published_at,
        rows=list(r.results.get("rows", [])),
    )


# -- input shapes ----------------------------------------------------------------------------
class CallIn(BaseModel):
    template: Annotated[str, Field(min_length=1, max_length=100)]
    deadline_day: dt.date = Field(description="마감일 (17:00 Asia/Seoul) / closing day")
    slots: Annotated[int | None, Field(ge=1, le=10_000)] = None


class ReviewIn(BaseModel):
    eligible: bool
    note: Annotated[str, Field(max_length=2000)] = ""


class BonusIn(BaseModel):
    items: list[Annotated[str, Field(max_length=64)]] = Field(max_length=20)


class SiteCheckIn(BaseModel):
    results: dict[str, bool] = Field(description="항목 id → 적 true / 부 false")
    note: Annotated[str, Field(max_length=2000)] = ""


class AssignIn(BaseModel):
    evaluator_email: Annotated[str, Field(min_length=3, max_length=320)]
    round: Literal[1, 2] = 1


class DeclareIn(BaseModel):
    conflict: bool
    note: Annotated[str, Field(max_length=2000)] = ""


class ScoresIn(BaseModel):
    scores: dict[str, Annotated[str, Field(max_length=20)]] = Field(
        description="평가 항목(공고의 한글 이름) → 점수 (점) / category → points"
    )


class AppealIn(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=5000)]


class DecisionIn(BaseModel):
    uphold: bool
    note: Annotated[str, Field(min_length=1, max_length=2000)]


class StageIn(BaseModel):
    kind: Literal["agreement", "interim", "final", "settlement"]
    passed: bool | None = None
    note: Annotated[str, Field(max_length=2000)] = ""
    spend: svc.Spend | None = Field(default=None, description="정산 실집행액 (원) / actual, KRW")


# -- helpers ---------------------------------------------------------------------------------
def _user_by_email(session: Any, email: str) -> User:
    found = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if found is None or not found.active:
        raise ProgramError(
            f"평가위원 계정을 찾을 수 없습니다: {email}", f"no evaluator account: {email}"
        )
    assert isinstance(found, User)
    return found


def _appeal(session: Any, appeal_id: int, user: User) -> ProgAppeal:
    appeal = svc.get_appeal(session, appeal_id)
    svc.get_application(session, appeal.application_id, user)  # 404 when not visible
    return appeal


# -- routes ----------------------------------------------------------------------------------
@router.get("/templates", summary="공고 템플릿 / Call templates")
def templates() -> list[dict[str, Any]]:
    return [load_template(n).model_dump(mode="json") for n in template_names()]


@router.get("/calls", summary="공고 목록 / Calls")
def calls(session: DbSession) -> list[CallOut]:
    return [call_out(c) for c in svc.list_calls(session)]


@router.post("/calls", status_code=201, summary="공고 등록 / Open a call (staff)")
def open_call(body: CallIn, request: Request, actor: ActorDep, session: DbSession) -> CallOut:
    user = require_user(actor, "api")
    call = svc.open_call(
        session=session, actor=user, template=body.template, deadline_day=body.deadline_day,
        now=server_now(request), slots=body.slots,
    )  # fmt: skip
    session.commit()
    return call_out(call)


@router.get("/calls/{call_id}", summary="공고 / One call")
def one_call(call_id: DbInt, session: DbSession) -> CallOut:
    return call_out(svc.get_call(session, call_id))


@router.post(
    "/calls/{call_id}/applications", status_code=201, summary="신청서 작성 / Start an application"
)
def create_application(
    call_id: DbInt, body: svc.ApplicationForm, request: Request, actor: ActorDep, session: DbSession
) -> ApplicationOut:
    user = require_user(actor, "api")
    call = svc.get_call(session, call_id)
    app = svc.save_application(
        session=session, actor=user, call=call, form=body, now=server_now(request)
    )
    session.commit()
    return application_out(session, app, user)


@router.get("/applications", summary="신청서 목록 / Applications I may see")
def applications(
    actor: ActorDep,
    session: DbSession,
    call_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[ApplicationOut]:
    user = require_user(actor, "read")
    return [
        application_out(session, a, user) for a in svc.list_applications(session, user, call_id)
    ]


@router.get("/applications/{app_id}", summary="신청서 / One application")
def application(app_id: DbInt, actor: ActorDep, session: DbSession) -> ApplicationOut:
    user = require_user(actor, "read")
    return application_out(session, svc.get_application(session, app_id, user), user)


@router.put("/applications/{app_id}", summary="신청서 수정 / Edit a draft (company)")
def edit_application(
    app_id: DbInt, body: svc.ApplicationForm, request: Request, actor: ActorDep, session: DbSession
) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.save_application(
        session=session, actor=user, call=app.call, form=body, now=server_now(request), app=app
    )
    session.commit()
    return application_out(session, app, user)


@router.post(
    "/applications/{app_id}/documents",
    status_code=201,
    summary="서류 제출 / Upload a document (raw body; validity checked at once)",
)
async def upload_document(
    app_id: DbInt,
    request: Request,
    actor: ActorDep,
    session: DbSession,
    member_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
    doc_id: Annotated[str, Query(min_length=1, max_length=64)],
    issued_on: Annotated[dt.date, Query(description="발급일 / issue date")],
    filename: Annotated[str, Query(min_length=1, max_length=300)],
) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    content = await request.body()
    svc.add_document(
        session=session, actor=user, app=app, member_id=member_id, doc_id=doc_id,
        issued_on=issued_on, filename=filename, content=content,
        settings=get_settings_dep(request),
    )  # fmt: skip
    session.commit()
    return application_out(session, app, user)


@router.post("/applications/{app_id}/submit", summary="제출 / Submit before the deadline")
def submit(app_id: DbInt, request: Request, actor: ActorDep, session: DbSession) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.submit(session=session, actor=user, app=app, now=server_now(request))
    session.commit()
    return application_out(session, app, user)


@router.post("/applications/{app_id}/review", summary="요건 검토 / Requirement review (staff)")
def review(
    app_id: DbInt, body: ReviewIn, request: Request, actor: ActorDep, session: DbSession
) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.review(
        session=session, actor=user, app=app, eligible=body.eligible, note=body.note,
        now=server_now(request),
    )  # fmt: skip
    session.commit()
    return application_out(session, app, user)


@router.post("/applications/{app_id}/bonus", summary="가점 / Bonus items (staff)")
def bonus(app_id: DbInt, body: BonusIn, actor: ActorDep, session: DbSession) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.set_bonus(session=session, actor=user, app=app, items=body.items)
    session.commit()
    return application_out(session, app, user)


@router.post("/applications/{app_id}/site-check", summary="현장점검 적/부 / Site check (staff)")
def site_check(
    app_id: DbInt, body: SiteCheckIn, actor: ActorDep, session: DbSession
) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.record_site_check(
        session=session, actor=user, app=app, results=body.results, note=body.note
    )
    session.commit()
    return application_out(session, app, user)


@router.post(
    "/applications/{app_id}/assignments",
    status_code=201,
    summary="평가위원 배정 / Assign an evaluator (staff)",
)
def assign(app_id: DbInt, body: AssignIn, actor: ActorDep, session: DbSession) -> AssignmentOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.require_staff(user)
    evaluator = _user_by_email(session, body.evaluator_email)
    row = svc.assign(session=session, actor=user, app=app, evaluator=evaluator, round_=body.round)
    session.commit()
    return assignment_out(session, row)


@router.get("/assignments", summary="내 평가 배정 / My evaluation assignments")
def assignments(actor: ActorDep, session: DbSession) -> list[AssignmentOut]:
    user = require_user(actor, "read")
    return [assignment_out(session, a) for a in svc.my_assignments(session, user)]


@router.post(
    "/assignments/{assignment_id}/declaration",
    summary="이해충돌 신고 / Conflict-of-interest declaration (evaluator)",
)
def declare(
    assignment_id: DbInt, body: DeclareIn, request: Request, actor: ActorDep, session: DbSession
) -> AssignmentOut:
    user = require_user(actor, "api")
    row = svc.assignment_for(session, user, assignment_id)
    svc.declare(
        session=session, actor=user, assignment=row, conflict=body.conflict, note=body.note,
        now=server_now(request),
    )  # fmt: skip
    session.commit()
    return assignment_out(session, row)


@router.post("/assignments/{assignment_id}/scores", summary="평가표 제출 / Submit a score sheet")
def scores(
    assignment_id: DbInt, body: ScoresIn, request: Request, actor: ActorDep, session: DbSession
) -> AssignmentOut:
    user = require_user(actor, "api")
    row = svc.assignment_for(session, user, assignment_id)
    svc.score(
        session=session, actor=user, assignment=row, scores=body.scores, now=server_now(request)
    )
    session.commit()
    return assignment_out(session, row)


@router.post(
    "/calls/{call_id}/rankings", status_code=201, summary="순위 산정 / Compute the ranking (staff)"
)
def compute(call_id: DbInt, request: Request, actor: ActorDep, session: DbSession) -> RankingOut:
    user = require_user(actor, "api")
    svc.require_staff(user)
    call = svc.get_call(session, call_id)
    ranking = svc.compute_ranking(session=session, actor=user, call=call, now=server_now(request))
    session.commit()
    return ranking_out(ranking)


@router.get("/calls/{call_id}/rankings", summary="순위 목록 / Rankings of a call")
def rankings(call_id: DbInt, actor: ActorDep, session: DbSession) -> list[RankingOut]:
    call = svc.get_call(session, call_id)
    return [ranking_out(r) for r in svc.rankings_of(session, call, actor.user)]


@router.get("/rankings/{ranking_id}", summary="순위 / One ranking (published, or staff)")
def ranking(ranking_id: DbInt, actor: ActorDep, session: DbSession) -> RankingOut:
    return ranking_out(svc.get_ranking(session, ranking_id, actor.user))


@router.post("/rankings/{ranking_id}/publish", summary="순위 공개 / Publish a ranking (staff)")
def publish(ranking_id: DbInt, request: Request, actor: ActorDep, session: DbSession) -> RankingOut:
    user = require_user(actor, "api")
    r = svc.get_ranking(session, ranking_id, user)
    svc.publish_ranking(session=session, actor=user, ranking=r, now=server_now(request))
    session.commit()
    return ranking_out(r)


@router.post(
    "/applications/{app_id}/appeals", status_code=201, summary="이의신청 / Appeal (company, once)"
)
def appeal(
    app_id: DbInt, body: AppealIn, request: Request, actor: ActorDep, session: DbSession
) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.file_appeal(session=session, actor=user, app=app, text=body.text, now=server_now(request))
    session.commit()
    return application_out(session, app, user)


@router.post("/appeals/{appeal_id}/decision", summary="이의신청 처리 / Decide an appeal (staff)")
def decide(
    appeal_id: DbInt, body: DecisionIn, request: Request, actor: ActorDep, session: DbSession
) -> dict[str, Any]:
    user = require_user(actor, "api")
    row = _appeal(session, appeal_id, user)
    svc.decide_appeal(
        session=session, actor=user, appeal=row, uphold=body.uphold, note=body.note,
        now=server_now(request),
    )  # fmt: skip
    session.commit()
    return {"id": row.id, "status": row.status, "decision_note": row.decision_note}


@router.post(
    "/applications/{app_id}/stages",
    status_code=201,
    summary="협약·중간점검·최종평가·정산 / Agreement, interim, final, settlement (staff)",
)
def stage(
    app_id: DbInt, body: StageIn, request: Request, actor: ActorDep, session: DbSession
) -> ApplicationOut:
    user = require_user(actor, "api")
    app = svc.get_application(session, app_id, user)
    svc.record_stage(
        session=session, actor=user, app=app, kind=body.kind, passed=body.passed, note=body.note,
        now=server_now(request), spend=body.spend,
    )  # fmt: skip
    session.commit()
    return application_out(session, app, user)


@router.get("/applications/{app_id}/audit", summary="감사 기록 / Audit trail (staff)")
def audit_trail(app_id: DbInt, actor: ActorDep, session: DbSession) -> list[dict[str, Any]]:
    user = require_user(actor, "read")
    app = svc.get_application(session, app_id, user)
    if not svc.is_staff(user):
        raise PermissionDenied("사업 담당자만 볼 수 있습니다", "programme staff only")
    targets = [f"prog_application:{app.id}"] + [
        f"prog_assignment:{a.id}"
        for a in session.scalars(
            select(ProgAssignment).where(ProgAssignment.application_id == app.id)
        )
    ]
    rows = [r for t in targets for r in audit.list_audit(session=session, target=t, limit=1000)]
    rows.sort(key=lambda r: r.id)
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "actor_id": r.actor_id,
            "action": r.action,
            "target": r.target,
            "detail": r.detail,
        }
        for r in rows
    ]
