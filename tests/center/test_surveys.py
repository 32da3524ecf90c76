"""Survey definitions and conditional logic (with hypothesis), templates and maturity scores."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.center.errors import SurveyError
from mfgdata.center.surveys import (
    clean_answers,
    condition_holds,
    missing_required,
    parse_survey,
    visible_questions,
)
from mfgdata.center.surveytemplates import maturity_change, maturity_score, template

OPTS = ["a", "b", "c"]


def test_templates_parse_and_demand_branches() -> None:
    demand = parse_survey(template("demand"))
    ids = [q.id for q in visible_questions(demand, {"data_collected": "no"})]
    assert "data_sources" not in ids and "data_volume" not in ids
    ids = [q.id for q in visible_questions(demand, {"data_collected": "partial"})]
    assert "data_sources" in ids and "data_volume" in ids
    assert demand.question("data_volume").unit == "GB/month"
    maturity = parse_survey(template("maturity"))
    assert len(maturity.questions) == 12 and all(q.type == "scale" for q in maturity.questions)


def test_hidden_answers_are_dropped_and_required_checked() -> None:
    demand = parse_survey(template("demand"))
    answers = {
        "problem_types": ["quality_assurance", "anomaly_detection"],
        "data_collected": "no",
        "data_volume": 50,  # hidden: data is not collected
        "ai_experience": "none",
        "testbed_interest": "yes",
        "budget": "1,500",
        "priorities": {"quality": "high", "cost": "low"},
    }
    cleaned = clean_answers(demand, answers, final=True)
    assert "data_volume" not in cleaned and cleaned["budget"] == 1500
    assert cleaned["priorities"] == {"quality": "high", "cost": "low"}
    assert missing_required(demand, {"data_collected": "no"}) == [
        "problem_types",
        "ai_experience",
        "testbed_interest",
    ]
    with pytest.raises(SurveyError, match="required") as e:
        clean_answers(demand, {"data_collected": "no"}, final=True)
    assert e.value.where.column == "problem_types"


@pytest.mark.parametrize(
    ("qid", "value", "en"),
    [
        ("data_collected", "maybe", "not one of the options"),
        ("problem_types", ["quality_assurance", "x"], "not an option"),
        ("data_volume", "-3", "at least 0"),
        ("data_volume", "lots", "not a number"),
        ("priorities", {"speed": "high"}, "unknown row"),
        ("nope", 1, "no such question"),
    ],
)
def test_bad_answers(qid: str, value: Any, en: str) -> None:
    demand = parse_survey(template("demand"))
    with pytest.raises(SurveyError) as e:
        clean_answers(demand, {"data_collected": "yes", qid: value})
    assert en in e.value.en and e.value.ko


@pytest.mark.parametrize(
    ("questions", "en"),
    [
        ([], "at least one question"),
        ([{"id": "a", "type": "slider", "ko": "x"}], "unknown type"),
        ([{"id": "a", "type": "single", "ko": "x"}], "options are required"),
        (
            [{"id": "a", "type": "text", "ko": "x"}, {"id": "a", "type": "text", "ko": "y"}],
            "duplicate id",
        ),
        (
            [
                {
                    "id": "a",
                    "type": "text",
                    "ko": "x",
                    "show_if": {"question": "b", "op": "answered"},
                },
                {"id": "b", "type": "text", "ko": "y"},
            ],
            "earlier question",
        ),
        ([{"id": "a", "type": "number", "ko": "x", "min": 5, "max": 1}], "min is above max"),
    ],
)
def test_bad_definitions(questions: list[dict[str, Any]], en: str) -> None:
    with pytest.raises(SurveyError) as e:
        parse_survey({"questions": questions})
    assert en in e.value.en


# --- conditional logic, property-based ------------------------------------------------------


@st.composite
def surveys_and_answers(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    n = draw(st.integers(1, 8))
    questions: list[dict[str, Any]] = []
    for i in range(n):
        q: dict[str, Any] = {"id": f"q{i}", "ko": f"질문 {i}", "en": f"question {i}"}
        kind = draw(st.sampled_from(["single", "multiple", "scale"]))
        q["type"] = kind
        if kind != "scale":
            q["options"] = OPTS
        if i and draw(st.booleans()):
            target = questions[draw(st.integers(0, i - 1))]
            if target["type"] == "single":
                cond = {
                    "question": target["id"],
                    "op": draw(st.sampled_from(["equals", "not_equals"])),
                    "value": draw(st.sampled_from(OPTS)),
                }
            elif target["type"] == "multiple":
                cond = {
                    "question": target["id"],
                    "op": "contains",
                    "value": draw(st.sampled_from(OPTS)),
                }
            else:
                cond = {
                    "question": target["id"],
                    "op": draw(st.sampled_from(["gte", "lte"])),
                    "value": draw(st.integers(1, 5)),
                }
            if draw(st.booleans()):
                cond = {
                    draw(st.sampled_from(["all", "any"])): [
                        cond,
                        {"question": target["id"], "op": "answered"},
                    ]
                }
            q["show_if"] = cond
        questions.append(q)
    answers: dict[str, Any] = {}
    for q in questions:
        if draw(st.booleans()):
            if q["type"] == "single":
                answers[q["id"]] = draw(st.sampled_from(OPTS))
            elif q["type"] == "multiple":
                answers[q["id"]] = draw(st.lists(st.sampled_from(OPTS), unique=True, max_size=3))
            else:
                answers[q["id"]] = draw(st.integers(1, 5))
    return {"questions": questions}, answers


def _reference_visible(definition: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    """An independent evaluation, written out plainly: walk in order, keep shown answers."""
    shown: list[str] = []
    kept: dict[str, Any] = {}

    def holds(cond: dict[str, Any]) -> bool:
        if "all" in cond:
            return all(holds(c) for c in cond["all"])
        if "any" in cond:
            return any(holds(c) for c in cond["any"])
        v = kept.get(cond["question"])
        empty = v is None or v == []
        if cond["op"] == "answered":
            return not empty
        if empty:
            return False
        return {
            "equals": lambda: v == cond["value"],
            "not_equals": lambda: v != cond["value"],
            "contains": lambda: cond["value"] in v,
            "gte": lambda: v >= cond["value"],
            "lte": lambda: v <= cond["value"],
        }[cond["op"]]()

    for q in definition["questions"]:
        if "show_if" not in q or holds(q["show_if"]):
            shown.append(q["id"])
            if q["id"] in answers:
                kept[q["id"]] = answers[q["id"]]
    return shown


@settings(max_examples=300, deadline=None)
@given(surveys_and_answers())
def test_visibility_matches_reference_and_cleaning_is_stable(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    definition, answers = case
    survey = parse_survey(definition)
    cleaned = clean_answers(survey, answers)
    visible = [q.id for q in visible_questions(survey, cleaned)]
    assert visible == _reference_visible(definition, answers)
    # only visible questions keep answers; cleaning twice changes nothing
    assert set(cleaned) <= set(visible)
    assert clean_answers(survey, cleaned) == cleaned
    # unconditional questions are always asked
    for q in survey.questions:
        if q.show_if is None:
            assert q.id in visible


@settings(max_examples=200, deadline=None)
@given(surveys_and_answers(), st.data())
def test_answers_to_hidden_questions_never_change_what_is_asked(
    case: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject
) -> None:
    definition, answers = case
    survey = parse_survey(definition)
    visible = {q.id for q in visible_questions(survey, clean_answers(survey, answers))}
    hidden = [q for q in survey.questions if q.id not in visible and q.type == "single"]
    if not hidden:
        return
    q = data.draw(st.sampled_from(hidden))
    changed = dict(answers) | {q.id: data.draw(st.sampled_from(OPTS))}
    assert {v.id for v in visible_questions(survey, clean_answers(survey, changed))} == visible


def test_condition_ops() -> None:
    a = {"x": 3, "m": ["a"], "s": "b"}
    assert condition_holds({"question": "x", "op": "gte", "value": 3}, a)
    assert not condition_holds({"question": "x", "op": "lte", "value": 2}, a)
    assert condition_holds({"question": "s", "op": "in", "value": ["a", "b"]}, a)
    assert condition_holds({"question": "y", "op": "answered", "value": False}, a)
    assert not condition_holds({"question": "y", "op": "not_equals", "value": "a"}, a)


def test_maturity_score_and_before_after() -> None:
    survey = parse_survey(template("maturity"))
    before = {q.id: 2 for q in survey.questions} | {"data_1": 1, "data_2": 1}
    after = {q.id: 3 for q in survey.questions} | {"data_1": 4, "data_2": 5}
    b = maturity_score(survey, before)
    assert b.dimensions["data"] == 1.0 and b.overall == pytest.approx(22 / 12)
    assert b.level == 2 and b.level_name("en") == "L2 monitoring"
    change = maturity_change(survey, before, after)
    assert change["data"]["delta"] == pytest.approx(3.5)
    assert change["strategy"]["delta"] == pytest.approx(1.0)
    assert change["overall"]["delta"] == pytest.approx((3 * 10 + 9) / 12 - 22 / 12)
