"""Survey definitions, conditional questions and answer checks (anchor: LimeSurvey).

A survey is a list of questions; each has an ``id``, a ``type`` and Korean and English text:

- ``single``: one of ``options`` (each ``{"value", "ko", "en"}``); answer: the value
- ``multiple``: some of ``options`` (``min_choices``/``max_choices``); answer: a list of values
- ``scale``: an integer from ``min`` to ``max`` (default 1–5); answer: the integer
- ``number``: a number within optional ``min``/``max``, with its ``unit``; answer: the number
- ``text``: free text up to ``max_length`` characters
- ``matrix``: for each of ``rows`` (``{"id", "ko", "en"}``) one of ``options``; answer: a mapping

A question with ``show_if`` is asked only when its condition holds over the answers to *earlier*
questions (so conditions can never loop). A condition is ``{"question", "op", "value"}`` with
``op`` one of equals, not_equals, in, contains, gte, lte, answered; or ``{"all": [...]}`` /
``{"any": [...]}`` of conditions. A hidden question's answer is dropped and counts as not
answered for the conditions after it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mfgdata.center.errors import SurveyError

TYPES = ("single", "multiple", "scale", "number", "text", "matrix")
OPS = ("equals", "not_equals", "in", "contains", "gte", "lte", "answered")
MAX_QUESTIONS = 300
Answer = Any


@dataclass(frozen=True)
class Option:
    value: str
    ko: str
    en: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    ko: str
    en: str
    required: bool = False
    options: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str = ""
    min_choices: int = 0
    max_choices: int | None = None
    max_length: int = 2000
    show_if: Mapping[str, Any] | None = None
    #: free tag for analysis: "region", "problem_type", "maturity:<dimension>", ...
    tag: str = ""

    def option_values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Survey:
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def _bad(where: str, ko: str, en: str) -> SurveyError:
    return SurveyError(
        f"설문 정의 오류 ({where}): {ko}", f"survey definition error ({where}): {en}"
    )


def _options(raw: object, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise _bad(where, "선택지가 필요합니다", "options are required")
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {"value": item, "ko": item, "en": item}
        if not isinstance(item, dict) or not str(item.get("value", "")).strip():
            raise _bad(f"{where}[{i}]", "선택지에 value가 없습니다", "an option needs a value")
        value = str(item["value"]).strip()
        out.append(Option(value, str(item.get("ko") or value), str(item.get("en") or value)))
    values = [o.value for o in out]
    if len(set(values)) != len(values):
        raise _bad(where, "선택지 값이 중복됩니다", "duplicate option values")
    return tuple(out)


def _check_condition(cond: object, earlier: Mapping[str, Question], where: str) -> None:
    if not isinstance(cond, dict):
        raise _bad(where, "조건은 객체여야 합니다", "a condition must be an object")
    for key in ("all", "any"):
        if key in cond:
            parts = cond[key]
            if not isinstance(parts, list) or not parts:
                raise _bad(where, f"{key}에는 조건 목록이 필요합니다", f"{key} needs a list")
            for part in parts:
                _check_condition(part, earlier, where)
            return
    target = cond.get("question")
    if target not in earlier:
        raise _bad(
            where,
            f"조건은 앞선 질문만 참조할 수 있습니다: {target}",
            f"a condition may only refer to an earlier question: {target}",
        )
    if cond.get("op", "equals") not in OPS:
        raise _bad(where, f"알 수 없는 연산자: {cond.get('op')}", f"unknown op: {cond.get('op')}")


def parse_survey(definition: Mapping[str, Any]) -> Survey:
    """Check a definition (as stored in JSON) and return the typed survey."""
    raw = definition.get("questions") if isinstance(definition, Mapping) else None
    if not isinstance(raw, list) or not raw:
        raise _bad("questions", "질문이 하나 이상 필요합니다", "at least one question is needed")
    if len(raw) > MAX_QUESTIONS:
        raise _bad("questions", f"질문은 최대 {MAX_QUESTIONS}개", f"at most {MAX_QUESTIONS}")
    seen: dict[str, Question] = {}
    for i, item in enumerate(raw):
        where = f"questions[{i}]"
        if not isinstance(item, dict):
            raise _bad(where, "질문은 객체여야 합니다", "a question must be an object")
        qid = str(item.get("id", "")).strip()
        if not qid or qid in seen:
            raise _bad(
                where, f"id가 없거나 중복됩니다: {qid!r}", f"missing or duplicate id {qid!r}"
            )
        qtype = item.get("type")
        if qtype not in TYPES:
            raise _bad(
                where,
                f"알 수 없는 질문 유형: {qtype}",
                f"unknown type {qtype!r} ({', '.join(TYPES)})",
            )
        ko = str(item.get("ko") or item.get("en") or "").strip()
        en = str(item.get("en") or ko).strip()
        if not ko:
            raise _bad(where, "질문 문구가 없습니다", "the question has no text")
        options: tuple[Option, ...] = ()
        rows: tuple[Option, ...] = ()
        if qtype in ("single", "multiple", "matrix"):
            options = _options(item.get("options"), f"{where}.options")
        if qtype == "matrix":
            rows = _options(item.get("rows"), f"{where}.rows")
        lo, hi = item.get("min"), item.get("max")
        if qtype == "scale":
            lo, hi = int(lo if lo is not None else 1), int(hi if hi is not None else 5)
        if lo is not None and hi is not None and float(lo) > float(hi):
            raise _bad(where, "min이 max보다 큽니다", "min is above max")
        show_if = item.get("show_if")
        if show_if is not None:
            _check_condition(show_if, seen, f"{where}.show_if")
        max_choices = item.get("max_choices")
        seen[qid] = Question(
            id=qid,
            type=qtype,
            ko=ko,
            en=en,
            required=bool(item.get("required", False)),
            options=options,
            rows=rows,
            min=None if lo is None else float(lo),
            max=None if hi is None else float(hi),
            unit=str(item.get("unit", "")),
            min_choices=int(item.get("min_choices", 0)),
            max_choices=None if max_choices is None else int(max_choices),
            max_length=int(item.get("max_length", 2000)),
            show_if=show_if,
            tag=str(item.get("tag", "")),
        )
    return Survey(tuple(seen.values()))


def _answered(value: Answer) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def condition_holds(cond: Mapping[str, Any], answers: Mapping[str, Answer]) -> bool:
    """Whether ``cond`` holds over ``answers`` (answers of hidden questions already removed)."""
    if "all" in cond:
        return all(condition_holds(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(condition_holds(c, answers) for c in cond["any"])
    value = answers.get(cond["question"])
    op = cond.get("op", "equals")
    want = cond.get("value")
    if op == "answered":
        return _answered(value) == bool(True if want is None else want)
    if not _answered(value):
        return False
    if op == "equals":
        return bool(value == want)
    if op == "not_equals":
        return bool(value != want)
    if op == "in":
        return isinstance(want, list) and value in want
    if op == "contains":
        return isinstance(value, list) and want in value
    try:
        number, bound = float(value), float(want)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return number >= bound if op == "gte" else number <= bound


def visible_questions(survey: Survey, answers: Mapping[str, Answer]) -> list[Question]:
    """The questions asked, in order, given the (cleaned) answers so far."""
    kept: dict[str, Answer] = {}
    shown = []
    for q in survey.questions:
        if q.show_if is None or condition_holds(q.show_if, kept):
            shown.append(q)
            if q.id in answers:
                kept[q.id] = answers[q.id]
    return shown


def _fail(q: Question, ko: str, en: str) -> SurveyError:
    return SurveyError(f"'{q.ko}': {ko}", f"'{q.en}': {en}", column=q.id)


def _number(q: Question, value: Answer) -> float:
    if isinstance(value, bool):
        raise _fail(q, "숫자가 아닙니다", "not a number")
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise _fail(q, f"숫자가 아닙니다: {value}", f"not a number: {value}") from None
    if not math.isfinite(number):
        raise _fail(q, "숫자가 아닙니다", "not a number")
    unit = f" {q.unit}" if q.unit else ""
    if q.min is not None and number < q.min:
        raise _fail(q, f"{q.min:g}{unit} 이상이어야 합니다", f"must be at least {q.min:g}{unit}")
    if q.max is not None and number > q.max:
        raise _fail(q, f"{q.max:g}{unit} 이하여야 합니다", f"must be at most {q.max:g}{unit}")
    return number


def clean_answer(q: Question, value: Answer) -> Answer:
    """One answer checked against its question and put in its stored form."""
    if q.type == "single":
        if str(value) not in q.option_values():
            raise _fail(q, f"선택지에 없는 값: {value}", f"not one of the options: {value}")
        return str(value)
    if q.type == "multiple":
        items = value if isinstance(value, list) else [value]
        chosen = list(dict.fromkeys(str(v) for v in items))
        unknown = [v for v in chosen if v not in q.option_values()]
        if unknown:
            raise _fail(q, f"선택지에 없는 값: {unknown[0]}", f"not an option: {unknown[0]}")
        if q.max_choices is not None and len(chosen) > q.max_choices:
            raise _fail(q, f"최대 {q.max_choices}개", f"at most {q.max_choices} choices")
        if len(chosen) < q.min_choices:
            raise _fail(q, f"최소 {q.min_choices}개", f"at least {q.min_choices} choices")
        return [v for v in q.option_values() if v in chosen]
    if q.type == "scale":
        number = _number(q, value)
        if not number.is_integer():
            raise _fail(q, "정수를 고르세요", "choose a whole number")
        return int(number)
    if q.type == "number":
        number = _number(q, value)
        return int(number) if number.is_integer() else number
    if q.type == "text":
        text = str(value).strip()
        if len(text) > q.max_length:
            raise _fail(q, f"최대 {q.max_length}자", f"at most {q.max_length} characters")
        return text
    # matrix
    if not isinstance(value, Mapping):
        raise _fail(q, "행별 답이 필요합니다", "an answer per row is needed")
    rows = {r.value: r for r in q.rows}
    out = {}
    for row_id, cell in value.items():
        if row_id not in rows:
            raise _fail(q, f"알 수 없는 행: {row_id}", f"unknown row: {row_id}")
        if _answered(cell):
            if str(cell) not in q.option_values():
                raise _fail(q, f"선택지에 없는 값: {cell}", f"not one of the options: {cell}")
            out[row_id] = str(cell)
    return {r.value: out[r.value] for r in q.rows if r.value in out}


def clean_answers(
    survey: Survey, answers: Mapping[str, Answer], *, final: bool = False
) -> dict[str, Answer]:
    """The answers to visible questions, checked; unknown ids are refused; with ``final`` every
    visible required question must be answered (a matrix in every row)."""
    known = {q.id for q in survey.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise SurveyError(
            f"설문에 없는 질문입니다: {unknown[0]}",
            f"no such question in the survey: {unknown[0]}",
            column=unknown[0],
        )
    out: dict[str, Answer] = {}
    for q in survey.questions:
        if q.show_if is not None and not condition_holds(q.show_if, out):
            continue
        value = answers.get(q.id)
        if _answered(value):
            out[q.id] = clean_answer(q, value)
        if final and q.required:
            done = q.id in out and _answered(out[q.id])
            if done and q.type == "matrix":
                done = len(out[q.id]) == len(q.rows)
            if not done:
                raise _fail(q, "필수 질문입니다", "this question is required")
    return out


def missing_required(survey: Survey, answers: Mapping[str, Answer]) -> list[str]:
    """Ids of visible required questions not answered yet (for a resumable form)."""
    cleaned = clean_answers(survey, answers)
    return [
        q.id
        for q in visible_questions(survey, cleaned)
        if q.required and not _answered(cleaned.get(q.id))
    ]


def option_label(q: Question, value: str, locale: str = "ko") -> str:
    for o in (*q.options, *q.rows):
        if o.value == value:
            return o.ko if locale == "ko" else o.en
    return value


def survey_definition(questions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A definition from question mappings, checked."""
    definition = {"questions": [dict(q) for q in questions]}
    parse_survey(definition)
    return definition
