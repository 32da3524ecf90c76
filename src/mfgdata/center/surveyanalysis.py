"""Analysis of a survey's submitted responses and their export to CSV/XLSX.

Counts are by the responding company's region, KSIC division, size class and maturity level
(from the company registry; ``unlinked`` when the link had no company), by problem type (the
answers to questions tagged ``problem_type``), and per question (options, matrix cells, numbers
with their unit). Every bucket lists the response ids it counts, so a figure is traceable to its
records. Text cells in exports that a spreadsheet would run as formulas get a leading ``'``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mfgdata.center.codes import format_business_number
from mfgdata.center.surveys import Survey, parse_survey
from mfgdata.center.surveystore import get_survey, list_responses
from mfgdata.center.surveytemplates import maturity_change, maturity_score
from mfgdata.db.tables import CenterCompany, CenterSurveyResponse

FACETS = ("region", "industry", "size", "maturity", "problem_type")
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


@dataclass
class Bucket:
    count: int = 0
    response_ids: list[int] = field(default_factory=list)

    def add(self, rid: int) -> None:
        self.count += 1
        self.response_ids.append(rid)


@dataclass
class SurveyAnalysis:
    survey_id: int
    responses: int
    links: int
    by: dict[str, dict[str, Bucket]]
    questions: dict[str, dict[str, Any]]
    maturity: dict[str, dict[str, float | None]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "survey_id": self.survey_id,
            "responses": self.responses,
            "links": self.links,
            "by": {
                k: {b: {"count": v.count, "response_ids": v.response_ids} for b, v in d.items()}
                for k, d in self.by.items()
            },
            "questions": self.questions,
            "maturity_change": self.maturity,
        }


def _company_facets(company: CenterCompany | None) -> dict[str, str]:
    if company is None:
        return {
            "region": "unlinked",
            "industry": "unlinked",
            "size": "unlinked",
            "maturity": "unlinked",
        }
    return {
        "region": company.region,
        "industry": company.ksic_code[:2],
        "size": company.size_class,
        "maturity": f"L{company.maturity}" if company.maturity else "unknown",
    }


def _within(
    session: Session, rows: Sequence[CenterSurveyResponse], regions: set[str] | None
) -> list[CenterSurveyResponse]:
    """The responses of companies in ``regions`` (None: all); unlinked responses stay."""
    if regions is None:
        return list(rows)
    out = []
    for r in rows:
        company = session.get(CenterCompany, r.company_id) if r.company_id else None
        if company is None or company.region in regions:
            out.append(r)
    return out


def analyse(*, session: Session, survey_id: int, regions: set[str] | None = None) -> SurveyAnalysis:
    """The analysis; ``regions`` limits it to those regions' companies (a staff member's)."""
    survey_row = get_survey(session=session, survey_id=survey_id)
    if not survey_row.definition.get("questions"):  # an empty draft: nothing to count
        return SurveyAnalysis(survey_id, 0, 0, {k: {} for k in FACETS}, {})
    survey = parse_survey(survey_row.definition)
    every = _within(
        session,
        list_responses(session=session, survey_id=survey_id, submitted_only=False),
        regions,
    )
    done = [r for r in every if r.submitted_at is not None]
    by: dict[str, dict[str, Bucket]] = {k: {} for k in FACETS}
    for r in done:
        company = session.get(CenterCompany, r.company_id) if r.company_id else None
        for facet, value in _company_facets(company).items():
            by[facet].setdefault(value, Bucket()).add(r.id)
        for q in survey.questions:
            if q.tag == "problem_type":
                for v in r.answers.get(q.id) or []:
                    by["problem_type"].setdefault(v, Bucket()).add(r.id)
    for facet in by:
        by[facet] = dict(sorted(by[facet].items(), key=lambda kv: (-kv[1].count, kv[0])))
    questions: dict[str, dict[str, Any]] = {}
    for q in survey.questions:
        answers = [r.answers[q.id] for r in done if q.id in r.answers]
        entry: dict[str, Any] = {"type": q.type, "ko": q.ko, "en": q.en, "answered": len(answers)}
        if q.type in ("single", "multiple"):
            counts: Counter[str] = Counter()
            for a in answers:
                counts.update(a if isinstance(a, list) else [a])
            entry["counts"] = {o.value: counts.get(o.value, 0) for o in q.options}
            entry["labels"] = {o.value: [o.ko, o.en] for o in q.options}
        elif q.type == "matrix":
            entry["counts"] = {
                row.value: {
                    o.value: sum(1 for a in answers if a.get(row.value) == o.value)
                    for o in q.options
                }
                for row in q.rows
            }
        elif q.type in ("scale", "number"):
            nums = [float(a) for a in answers]
            entry["mean"] = sum(nums) / len(nums) if nums else None
            entry["min"] = min(nums) if nums else None
            entry["max"] = max(nums) if nums else None
            entry["unit"] = q.unit or ("points" if q.type == "scale" else "")
        questions[q.id] = entry
    maturity = None
    if survey_row.kind == "maturity":
        maturity = _phase_means(survey, done)
    return SurveyAnalysis(survey_id, len(done), len(every), by, questions, maturity)


def _phase_means(
    survey: Survey, done: Sequence[CenterSurveyResponse]
) -> dict[str, dict[str, float | None]] | None:
    """Mean before/after maturity over companies that answered both phases (latest each)."""
    pairs: dict[int, dict[str, CenterSurveyResponse]] = {}
    for r in done:
        if r.company_id and r.phase in ("before", "after"):
            pairs.setdefault(r.company_id, {})[r.phase] = r
    both = [p for p in pairs.values() if len(p) == 2]
    if not both:
        return None
    changes = [maturity_change(survey, p["before"].answers, p["after"].answers) for p in both]
    out: dict[str, dict[str, float | None]] = {}
    for key in changes[0]:
        row: dict[str, float | None] = {}
        for part in ("before", "after", "delta"):
            vals = [c[key][part] for c in changes if c.get(key, {}).get(part) is not None]
            row[part] = sum(v for v in vals if v is not None) / len(vals) if vals else None
        out[key] = row
    out["overall"]["companies"] = float(len(both))
    return out


def company_maturity_change(
    *, session: Session, survey_id: int, company_id: int
) -> dict[str, dict[str, float | None]] | None:
    """The before/after difference of one company's self-assessment (latest of each phase)."""
    survey = parse_survey(get_survey(session=session, survey_id=survey_id).definition)
    phases = {
        r.phase: r
        for r in list_responses(session=session, survey_id=survey_id)
        if r.company_id == company_id and r.phase in ("before", "after")
    }
    if len(phases) < 2:
        return None
    return maturity_change(survey, phases["before"].answers, phases["after"].answers)


def export_rows(
    *, session: Session, survey_id: int, regions: set[str] | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Header and one row per submitted response: company fields, then one column per question
    (a matrix: one per row; multiple choice: values joined with ``;``)."""
    survey = parse_survey(get_survey(session=session, survey_id=survey_id).definition)
    header = [
        "response_id",
        "submitted_at",
        "phase",
        "business_number",
        "company",
        "region",
        "ksic_code",
        "size_class",
        "maturity",
    ]
    for q in survey.questions:
        if q.type == "matrix":
            header.extend(f"{q.id}.{row.value}" for row in q.rows)
        else:
            header.append(f"{q.id} [{q.unit}]" if q.unit else q.id)
    if survey.questions and any(q.tag.startswith("maturity:") for q in survey.questions):
        header.append("maturity_score [1-5]")
    rows = []
    for r in _within(session, list_responses(session=session, survey_id=survey_id), regions):
        c = session.get(CenterCompany, r.company_id) if r.company_id else None
        submitted = r.submitted_at.isoformat() if r.submitted_at else ""
        row: list[Any] = [r.id, submitted, r.phase]
        row += (
            [
                format_business_number(c.business_number),
                c.name,
                c.region,
                c.ksic_code,
                c.size_class,
                c.maturity,
            ]
            if c
            else ["", "", "", "", "", ""]
        )
        for q in survey.questions:
            value = r.answers.get(q.id)
            if q.type == "matrix":
                row.extend((value or {}).get(rw.value, "") for rw in q.rows)
            elif isinstance(value, list):
                row.append(";".join(value))
            else:
                row.append("" if value is None else value)
        if header[-1] == "maturity_score [1-5]":
            score = maturity_score(survey, r.answers).overall
            row.append("" if score is None else round(score, 2))
        rows.append([safe_cell(v) for v in row])
    return header, rows


def export_csv(*, session: Session, survey_id: int, regions: set[str] | None = None) -> bytes:
    """UTF-8 with a BOM (Excel in Korea opens it with the right encoding)."""
    header, rows = export_rows(session=session, survey_id=survey_id, regions=regions)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def export_xlsx(
    *, session: Session, survey_id: int, path: Path, regions: set[str] | None = None
) -> Path:
    import openpyxl

    header, rows = export_rows(session=session, survey_id=survey_id, regions=regions)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "responses"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
