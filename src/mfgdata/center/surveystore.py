"""Surveys in the database: create, open and close, links without an account, answers.

A link carries a random token (shown once, stored as its SHA-256). Anyone holding it answers
without an account; answers are saved as they come, so the form can be left and resumed; the
final submit checks the required questions and closes the link: one response per token. A
link may be tied to a company and to a phase (``before``/``after`` support) for the
self-assessment's difference. Functions flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.catalog.errors import NotFound
from mfgdata.center.errors import SurveyClosed, SurveyError
from mfgdata.center.surveys import Survey, clean_answers, parse_survey
from mfgdata.db.tables import (
    REGIONS,
    SURVEY_KINDS,
    SURVEY_PHASES,
    CenterCompany,
    CenterSurvey,
    CenterSurveyResponse,
    User,
    utcnow,
)

TOKEN_PREFIX = "sv_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_survey(
    *,
    session: Session,
    title_ko: str,
    title_en: str,
    definition: Mapping[str, Any],
    kind: str = "custom",
    region: str | None = None,
    actor: User | None = None,
) -> CenterSurvey:
    if kind not in SURVEY_KINDS:
        raise SurveyError(f"알 수 없는 설문 종류: {kind}", f"unknown survey kind: {kind}")
    if region is not None and region not in REGIONS:
        raise SurveyError(f"알 수 없는 지역: {region}", f"unknown region: {region}")
    if not title_ko.strip():
        raise SurveyError("설문 제목이 비어 있습니다", "the survey title is empty")
    if definition.get("questions"):  # a draft may start empty and be built question by question
        parse_survey(definition)
    survey = CenterSurvey(
        title_ko=title_ko.strip()[:300],
        title_en=(title_en.strip() or title_ko.strip())[:300],
        kind=kind,
        status="draft",
        definition={"questions": list(definition.get("questions") or [])},
        region=region,
        created_by_id=actor.id if actor else None,
    )
    session.add(survey)
    session.flush()
    audit.record(session=session, action="survey.create", actor=actor, target=f"survey:{survey.id}")
    return survey


def add_question(
    *,
    session: Session,
    survey: CenterSurvey,
    question: Mapping[str, Any],
    actor: User | None = None,
) -> CenterSurvey:
    """Append a question to a draft survey (the builder); the whole definition is re-checked."""
    if survey.status != "draft":
        raise SurveyClosed(
            "초안 상태의 설문에만 질문을 추가할 수 있습니다",
            "questions can be added to a draft survey only",
        )
    definition = {"questions": [*survey.definition.get("questions", []), dict(question)]}
    parse_survey(definition)
    survey.definition = definition
    session.flush()
    audit.record(
        session=session,
        action="survey.question",
        actor=actor,
        target=f"survey:{survey.id}",
        detail={"question": str(question.get("id", ""))},
    )
    return survey


def question_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """A question from the builder form: options one per line (``value|한국어|English`` or one
    text), matrix rows likewise, an optional condition on an earlier question."""

    def lines(text: str) -> list[dict[str, str]]:
        out = []
        for line in text.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if parts and parts[0]:
                value = parts[0]
                out.append(
                    {
                        "value": value,
                        "ko": parts[1] if len(parts) > 1 else value,
                        "en": parts[2] if len(parts) > 2 else value,
                    }
                )
        return out

    q: dict[str, Any] = {
        "id": form.get("qid", "").strip(),
        "type": form.get("type", "").strip(),
        "ko": form.get("ko", "").strip(),
        "en": form.get("en", "").strip(),
        "required": form.get("required") in ("1", "on", "true"),
    }
    if q["type"] in ("single", "multiple", "matrix"):
        q["options"] = lines(form.get("options", ""))
    if q["type"] == "matrix":
        q["rows"] = lines(form.get("rows", ""))
    for key in ("min", "max"):
        raw = form.get(key, "").strip()
        if raw:
            try:
                q[key] = float(raw)
            except ValueError:
                raise SurveyError(
                    f"{key}: 숫자가 아닙니다: {raw}", f"{key}: not a number: {raw}"
                ) from None
    if form.get("unit", "").strip():
        q["unit"] = form["unit"].strip()
    target = form.get("show_if_question", "").strip()
    if target:
        op = form.get("show_if_op", "equals").strip() or "equals"
        cond: dict[str, Any] = {"question": target, "op": op}
        value = form.get("show_if_value", "").strip()
        if op == "in":
            cond["value"] = [v.strip() for v in value.split(",") if v.strip()]
        elif op in ("gte", "lte"):
            try:
                cond["value"] = float(value)
            except ValueError:
                raise SurveyError(
                    f"조건 값이 숫자가 아닙니다: {value}",
                    f"the condition value is not a number: {value}",
                ) from None
        elif op != "answered":
            cond["value"] = value
        q["show_if"] = cond
    return q


def get_survey(*, session: Session, survey_id: int) -> CenterSurvey:
    survey = session.get(CenterSurvey, survey_id)
    if survey is None:
        raise NotFound(f"설문이 없습니다: {survey_id}", f"no such survey: {survey_id}")
    return survey


def list_surveys(*, session: Session, region: str | None = None) -> Sequence[CenterSurvey]:
    query = select(CenterSurvey).order_by(CenterSurvey.id.desc())
    if region is not None:
        query = query.where((CenterSurvey.region == region) | (CenterSurvey.region.is_(None)))
    return session.scalars(query).all()


def set_status(
    *, session: Session, survey: CenterSurvey, status: str, actor: User | None = None
) -> None:
    allowed = {"draft": ("open",), "open": ("closed",), "closed": ("open",)}
    if status == "open":
        parse_survey(survey.definition)  # at least one question, all of them valid
    if status not in allowed[survey.status]:
        raise SurveyClosed(
            f"설문 상태를 {survey.status}에서 {status}(으)로 바꿀 수 없습니다",
            f"a survey cannot go from {survey.status} to {status}",
        )
    survey.status = status
    session.flush()
    audit.record(
        session=session, action=f"survey.{status}", actor=actor, target=f"survey:{survey.id}"
    )


def issue_link(
    *,
    session: Session,
    survey: CenterSurvey,
    company: CenterCompany | None = None,
    phase: str = "none",
    actor: User | None = None,
) -> tuple[CenterSurveyResponse, str]:
    """A new answer link; returns the response row and the token (shown once, never stored)."""
    if phase not in SURVEY_PHASES:
        raise SurveyError(f"알 수 없는 단계: {phase}", f"unknown phase: {phase}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    row = CenterSurveyResponse(
        survey_id=survey.id,
        company_id=company.id if company else None,
        token_hash=token_hash(token),
        phase=phase,
        answers={},
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="survey.link",
        actor=actor,
        target=f"survey:{survey.id}",
        detail={"response": row.id, "company": row.company_id, "phase": phase},
    )
    return row, token


def response_for_token(*, session: Session, token: str) -> CenterSurveyResponse:
    """The response a token opens; an unknown token is a 404 (the same for every bad token)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise NotFound("없는 설문 링크입니다", "no such survey link")
    row = session.scalars(
        select(CenterSurveyResponse).where(CenterSurveyResponse.token_hash == token_hash(token))
    ).first()
    if row is None:
        raise NotFound("없는 설문 링크입니다", "no such survey link")
    return row


def survey_of(*, session: Session, response: CenterSurveyResponse) -> tuple[CenterSurvey, Survey]:
    survey = get_survey(session=session, survey_id=response.survey_id)
    return survey, parse_survey(survey.definition)


def save_answers(
    *, session: Session, token: str, answers: Mapping[str, Any], submit: bool = False
) -> CenterSurveyResponse:
    """Merge ``answers`` into the token's response (resumable); ``submit`` checks and closes."""
    row = response_for_token(session=session, token=token)
    survey, parsed = survey_of(session=session, response=row)
    if row.submitted_at is not None:
        raise SurveyClosed(
            "이미 제출된 응답입니다 (링크당 한 번)",
            "this response has been submitted (one response per link)",
        )
    if survey.status != "open":
        raise SurveyClosed("응답을 받지 않는 설문입니다", "the survey is not taking answers")
    merged = dict(row.answers or {})
    merged.update(answers)
    cleaned = clean_answers(parsed, merged, final=submit)
    row.answers = cleaned
    row.updated = utcnow()
    if submit:
        row.submitted_at = row.updated
    session.flush()
    return row


def list_responses(
    *, session: Session, survey_id: int, submitted_only: bool = True
) -> Sequence[CenterSurveyResponse]:
    query = select(CenterSurveyResponse).where(CenterSurveyResponse.survey_id == survey_id)
    if submitted_only:
        query = query.where(CenterSurveyResponse.submitted_at.is_not(None))
    return session.scalars(query.order_by(CenterSurveyResponse.id)).all()


def pending_reminders(*, session: Session, survey_id: int) -> Sequence[CenterSurveyResponse]:
    """Links not yet submitted (to remind); marks them reminded now."""
    rows = list_responses(session=session, survey_id=survey_id, submitted_only=False)
    pending = [r for r in rows if r.submitted_at is None]
    now = utcnow()
    for r in pending:
        r.reminded_at = now
    session.flush()
    return pending
