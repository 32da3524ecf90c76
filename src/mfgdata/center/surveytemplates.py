"""Built-in survey templates: the center's demand survey and the smart-factory maturity
self-assessment (dimensions after the EU EDIH DMAT and the Korean 스마트공장 수준 1–5), and the
maturity score of a self-assessment: the mean of its 1–5 answers per dimension and overall.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mfgdata.center.codes import MATURITY_LEVELS, PROBLEM_TYPES
from mfgdata.center.surveys import Answer, Survey, parse_survey
from mfgdata.db.tables import PROCESS_FAMILIES


def _opts(pairs: Mapping[str, tuple[str, str]]) -> list[dict[str, str]]:
    return [{"value": k, "ko": ko, "en": en} for k, (ko, en) in pairs.items()]


YES_NO_PARTIAL = {"yes": ("예", "yes"), "partial": ("일부", "partly"), "no": ("아니오", "no")}

DEMAND: dict[str, Any] = {
    "title_ko": "지역특화 제조AI센터 수요조사",
    "title_en": "Regional Manufacturing AI Center demand survey",
    "questions": [
        {
            "id": "problem_types",
            "type": "multiple",
            "tag": "problem_type",
            "required": True,
            "min_choices": 1,
            "ko": "AI로 해결하고 싶은 문제는 무엇입니까? (복수 선택)",
            "en": "Which problems would you like AI to solve? (choose any)",
            "options": _opts(PROBLEM_TYPES),
        },
        {
            "id": "processes",
            "type": "multiple",
            "tag": "process_family",
            "ko": "해당 공정을 고르세요",
            "en": "Which processes are concerned?",
            "options": [
                {"value": k, "ko": v, "en": k.replace("_", " ")}
                for k, v in PROCESS_FAMILIES.items()
            ],
        },
        {
            "id": "data_collected",
            "type": "single",
            "required": True,
            "ko": "생산·설비 데이터를 수집하고 있습니까?",
            "en": "Do you collect production or equipment data?",
            "options": _opts(YES_NO_PARTIAL),
        },
        {
            "id": "data_sources",
            "type": "multiple",
            "show_if": {"question": "data_collected", "op": "in", "value": ["yes", "partial"]},
            "ko": "어디에서 수집합니까?",
            "en": "Where does the data come from?",
            "options": _opts(
                {
                    "plc_sensor": ("PLC·센서", "PLC and sensors"),
                    "mes": ("MES", "MES"),
                    "erp": ("ERP", "ERP"),
                    "vision": ("검사 이미지", "inspection images"),
                    "manual": ("수기 일지", "hand-written logs"),
                }
            ),
        },
        {
            "id": "data_volume",
            "type": "number",
            "unit": "GB/month",
            "min": 0,
            "max": 1_000_000,
            "show_if": {"question": "data_collected", "op": "in", "value": ["yes", "partial"]},
            "ko": "월 데이터 양은 대략 얼마입니까? (GB/월)",
            "en": "Roughly how much data per month? (GB/month)",
        },
        {
            "id": "ai_experience",
            "type": "single",
            "required": True,
            "ko": "AI 도입 경험",
            "en": "Experience with AI",
            "options": _opts(
                {
                    "none": ("없음", "none"),
                    "pilot": ("시범 적용", "a pilot"),
                    "production": ("현장 적용 중", "in production use"),
                }
            ),
        },
        {
            "id": "barriers",
            "type": "multiple",
            "show_if": {"question": "ai_experience", "op": "not_equals", "value": "production"},
            "ko": "AI 도입의 어려움은 무엇입니까?",
            "en": "What holds AI adoption back?",
            "options": _opts(
                {
                    "budget": ("예산", "budget"),
                    "skills": ("전문 인력", "skilled staff"),
                    "data_quality": ("데이터 품질", "data quality"),
                    "roi": ("불확실한 효과", "unclear return"),
                    "security": ("보안·데이터 유출 우려", "security and data leaks"),
                }
            ),
        },
        {
            "id": "priorities",
            "type": "matrix",
            "ko": "개선 필요도 (생산성·품질·원가·납기)",
            "en": "How much improvement is needed (P, Q, C, D)?",
            "rows": _opts(
                {
                    "productivity": ("생산성", "productivity"),
                    "quality": ("품질", "quality"),
                    "cost": ("원가", "cost"),
                    "delivery": ("납기", "delivery"),
                }
            ),
            "options": _opts(
                {"low": ("낮음", "low"), "medium": ("보통", "medium"), "high": ("높음", "high")}
            ),
        },
        {
            "id": "testbed_interest",
            "type": "single",
            "required": True,
            "ko": "자사 데이터로 실증(PoC)에 참여하시겠습니까?",
            "en": "Would you take part in a PoC on your own data?",
            "options": _opts({"yes": ("예", "yes"), "no": ("아니오", "no")}),
        },
        {
            "id": "budget",
            "type": "number",
            "unit": "만원",
            "min": 0,
            "show_if": {"question": "testbed_interest", "op": "equals", "value": "yes"},
            "ko": "자부담 가능 금액 (만원)",
            "en": "Own contribution you could make (10,000 KRW, 만원)",
        },
        {
            "id": "comments",
            "type": "text",
            "max_length": 2000,
            "ko": "기타 요청 사항",
            "en": "Anything else",
        },
    ],
}

#: maturity dimension -> (ko, en, [(question ko, question en), ...])
DIMENSIONS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "strategy": (
        "디지털 전략",
        "digital strategy",
        [
            ("디지털 전환 목표와 투자 계획이 있다", "we have digital goals and an investment plan"),
            ("경영진이 데이터 기반 의사결정을 한다", "management decides from data"),
        ],
    ),
    "data": (
        "데이터 관리",
        "data management",
        [
            ("생산 실적이 자동으로 수집된다", "production results are collected automatically"),
            ("데이터가 한곳에 저장·관리된다", "data is stored and managed in one place"),
        ],
    ),
    "automation": (
        "자동화·AI",
        "automation and AI",
        [
            ("설비 상태를 실시간으로 모니터링한다", "equipment is monitored in real time"),
            ("분석 결과로 공정을 제어·최적화한다", "analysis results control the process"),
        ],
    ),
    "process": (
        "공정·품질 관리",
        "process and quality control",
        [
            ("LOT 추적이 된다", "lots can be traced"),
            ("불량 원인을 데이터로 분석한다", "defect causes are analysed with data"),
        ],
    ),
    "people": (
        "인적 역량",
        "people and skills",
        [
            ("데이터를 다룰 수 있는 인력이 있다", "we have staff who can work with data"),
            ("디지털 교육을 정기적으로 한다", "we train staff in digital skills regularly"),
        ],
    ),
    "green": (
        "에너지·환경",
        "energy and environment",
        [
            ("에너지 사용량을 설비별로 측정한다", "energy use is measured per machine"),
            ("환경 데이터를 개선에 활용한다", "environmental data drives improvement"),
        ],
    ),
}

SCALE_LABELS = "1 = 전혀 아니다 / not at all … 5 = 완전히 그렇다 / fully"

MATURITY: dict[str, Any] = {
    "title_ko": "스마트공장 수준 자가진단",
    "title_en": "Smart-factory maturity self-assessment",
    "questions": [
        {
            "id": f"{dim}_{i + 1}",
            "type": "scale",
            "min": 1,
            "max": 5,
            "required": True,
            "tag": f"maturity:{dim}",
            "ko": f"[{ko}] {qko} (1 전혀 아니다 – 5 완전히 그렇다)",
            "en": f"[{en}] {qen} (1 not at all – 5 fully)",
        }
        for dim, (ko, en, items) in DIMENSIONS.items()
        for i, (qko, qen) in enumerate(items)
    ],
}

SATISFACTION: dict[str, Any] = {
    "title_ko": "교육·행사 만족도 조사",
    "title_en": "Event satisfaction survey",
    "questions": [
        {
            "id": "overall",
            "type": "scale",
            "min": 1,
            "max": 5,
            "required": True,
            "ko": "전반적으로 만족하셨습니까? (1 매우 불만 – 5 매우 만족)",
            "en": "Overall satisfaction (1 very poor – 5 excellent)",
        },
        {
            "id": "useful",
            "type": "scale",
            "min": 1,
            "max": 5,
            "required": True,
            "ko": "업무에 도움이 되었습니까? (1–5)",
            "en": "Useful for your work? (1–5)",
        },
        {
            "id": "next_topics",
            "type": "multiple",
            "ko": "다음에 듣고 싶은 주제",
            "en": "Topics you want next",
            "options": _opts(PROBLEM_TYPES),
        },
        {"id": "comments", "type": "text", "ko": "의견", "en": "Comments"},
    ],
}

TEMPLATES = {"demand": DEMAND, "maturity": MATURITY}
#: templates stored as custom surveys (their kind is not one of the analysis kinds)
EXTRA_TEMPLATES = {"satisfaction": SATISFACTION}


def template(kind: str) -> dict[str, Any]:
    """A copy of a built-in template (``demand``, ``maturity``, ``satisfaction``), checked."""
    found = TEMPLATES.get(kind) or EXTRA_TEMPLATES[kind]
    parse_survey(found)
    return {
        "title_ko": found["title_ko"],
        "title_en": found["title_en"],
        "questions": [dict(q) for q in found["questions"]],
    }


@dataclass(frozen=True)
class MaturityScore:
    """Mean of the 1–5 answers per dimension and overall, and the level it rounds to."""

    dimensions: dict[str, float]
    overall: float | None

    @property
    def level(self) -> int | None:
        if self.overall is None:
            return None
        return int(Decimal(repr(self.overall)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def level_name(self, locale: str = "ko") -> str:
        level = self.level
        if level is None:
            return "-"
        ko, en = MATURITY_LEVELS[level]
        return f"L{level} {ko if locale == 'ko' else en}"


def maturity_score(survey: Survey, answers: Mapping[str, Answer]) -> MaturityScore:
    """The scores of the questions tagged ``maturity:<dimension>`` (unanswered ones skipped)."""
    sums: dict[str, list[float]] = {}
    for q in survey.questions:
        if q.tag.startswith("maturity:") and isinstance(answers.get(q.id), int | float):
            sums.setdefault(q.tag.split(":", 1)[1], []).append(float(answers[q.id]))
    dims = {d: sum(v) / len(v) for d, v in sums.items()}
    every = [x for v in sums.values() for x in v]
    return MaturityScore(dims, sum(every) / len(every) if every else None)


def maturity_change(
    survey: Survey, before: Mapping[str, Answer], after: Mapping[str, Answer]
) -> dict[str, dict[str, float | None]]:
    """Per dimension and ``overall``: before, after and the difference (points on the 1–5 scale)."""
    b, a = maturity_score(survey, before), maturity_score(survey, after)
    out: dict[str, dict[str, float | None]] = {}
    for dim in [*DIMENSIONS, *(d for d in a.dimensions if d not in DIMENSIONS)]:
        if dim in b.dimensions or dim in a.dimensions:
            x, y = b.dimensions.get(dim), a.dimensions.get(dim)
            out[dim] = {"before": x, "after": y, "delta": None if x is None or y is None else y - x}
    x, y = b.overall, a.overall
    out["overall"] = {"before": x, "after": y, "delta": None if x is None or y is None else y - x}
    return out
