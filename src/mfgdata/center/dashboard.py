"""The center's KPI dashboard by year and region, for the annual report.

Each figure carries its unit and the records it counts (``company:3``, ``response:7``,
``testbed:2``, ``version:5``, ``audit:41``, ``usage:9``, ``event:4``, ``registration:12``), so
every number can be traced back. A region narrows the figures to the companies of that region
(and their organisations' products); events count when held in the region or region-wide.
Years are calendar years in UTC.

- companies registered; companies supported (answered a survey, had a testbed or attended an
  event that year);
- surveys created, responses submitted;
- testbeds opened, completed, and the mean OEE change of those with before and after figures;
- data products registered (versions), downloads, Open API calls;
- events held, attendees checked in, and the ≥ 4 events a year rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.center.events import year_requirement
from mfgdata.center.testbeds import kpi_results
from mfgdata.db.tables import (
    AuditLog,
    CenterCompany,
    CenterEvent,
    CenterRegistration,
    CenterSurvey,
    CenterSurveyResponse,
    CenterTestbed,
    Product,
    ProductVersion,
    Usage,
)


@dataclass
class Figure:
    key: str
    ko: str
    en: str
    value: float | int | None
    unit: str
    records: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label_ko": self.ko,
            "label_en": self.en,
            "value": self.value,
            "unit": self.unit,
            "records": self.records,
        }


@dataclass
class Dashboard:
    year: int
    region: str | None
    figures: list[Figure]
    requirement: dict[str, object]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "region": self.region,
            "figures": [f.to_dict() for f in self.figures],
            "events_requirement": self.requirement,
        }


def _in_year(value: datetime | None, year: int) -> bool:
    return value is not None and value.astimezone(UTC).year == year


def build_dashboard(*, session: Session, year: int, region: str | None = None) -> Dashboard:
    companies = [
        c
        for c in session.scalars(select(CenterCompany).order_by(CenterCompany.id)).all()
        if region is None or c.region == region
    ]
    company_ids = {c.id for c in companies}
    orgs = {c.org_id for c in companies if c.org_id is not None}

    def ours(company_id: int | None) -> bool:
        return region is None or (company_id is not None and company_id in company_ids)

    registered = [c for c in companies if _in_year(c.created, year)]
    responses = [
        r
        for r in session.scalars(
            select(CenterSurveyResponse).order_by(CenterSurveyResponse.id)
        ).all()
        if _in_year(r.submitted_at, year) and ours(r.company_id)
    ]
    surveys = [
        s
        for s in session.scalars(select(CenterSurvey).order_by(CenterSurvey.id)).all()
        if _in_year(s.created, year) and (region is None or s.region in (None, region))
    ]
    testbeds = [
        t
        for t in session.scalars(select(CenterTestbed).order_by(CenterTestbed.id)).all()
        if _in_year(t.created, year) and ours(t.company_id)
    ]
    done = [t for t in testbeds if t.status == "done"]
    deltas: list[tuple[int, float]] = []
    for t in testbeds:
        _b, _a, change = kpi_results(t)
        oee = next((c for c in change or [] if c.id == "oee"), None)
        if oee is not None and oee.delta is not None:
            deltas.append((t.id, oee.delta))
    events = [
        e
        for e in session.scalars(select(CenterEvent).order_by(CenterEvent.id)).all()
        if _in_year(e.starts_at, year)
        and e.status != "cancelled"
        and (region is None or e.region in (None, region))
    ]
    event_ids = {e.id for e in events}
    attended = [
        r
        for r in session.scalars(select(CenterRegistration).order_by(CenterRegistration.id)).all()
        if r.event_id in event_ids and r.checked_in_at is not None
    ]
    supported: dict[int, None] = {}
    for cid in (
        [r.company_id for r in responses]
        + [t.company_id for t in testbeds]
        + [r.company_id for r in attended]
    ):
        if cid is not None and ours(cid):
            supported[cid] = None

    versions = [
        v
        for v in session.scalars(select(ProductVersion).order_by(ProductVersion.id)).all()
        if _in_year(v.created, year)
        and (region is None or (v.product is not None and v.product.owner_org_id in orgs))
    ]
    product_ids = (
        None
        if region is None
        else set(
            session.scalars(select(Product.id).where(Product.owner_org_id.in_(sorted(orgs)))).all()
        )
    )
    downloads = [
        a
        for a in session.scalars(
            select(AuditLog).where(AuditLog.action == "product.download").order_by(AuditLog.id)
        ).all()
        if _in_year(a.at, year)
        and (product_ids is None or str((a.detail or {}).get("product")) in product_ids)
    ]
    usage = [
        u
        for u in session.scalars(select(Usage).order_by(Usage.id)).all()
        if _in_year(u.at, year) and (product_ids is None or u.product_id in product_ids)
    ]
    requirement = year_requirement(session=session, year=year, region=region)
    mean_delta = sum(d for _, d in deltas) / len(deltas) * 100 if deltas else None

    figures = [
        Figure(
            "companies_registered",
            "등록 기업",
            "companies registered",
            len(registered),
            "개사 / companies",
            [f"company:{c.id}" for c in registered],
        ),
        Figure(
            "companies_supported",
            "지원 기업",
            "companies supported",
            len(supported),
            "개사 / companies",
            [f"company:{c}" for c in supported],
        ),
        Figure(
            "surveys",
            "설문",
            "surveys",
            len(surveys),
            "건 / surveys",
            [f"survey:{s.id}" for s in surveys],
        ),
        Figure(
            "responses",
            "설문 응답",
            "survey responses",
            len(responses),
            "건 / responses",
            [f"response:{r.id}" for r in responses],
        ),
        Figure(
            "testbeds",
            "실증 과제",
            "testbeds (PoC)",
            len(testbeds),
            "건 / projects",
            [f"testbed:{t.id}" for t in testbeds],
        ),
        Figure(
            "testbeds_done",
            "완료된 실증",
            "testbeds completed",
            len(done),
            "건 / projects",
            [f"testbed:{t.id}" for t in done],
        ),
        Figure(
            "oee_change",
            "평균 OEE 변화",
            "mean OEE change",
            None if mean_delta is None else round(mean_delta, 2),
            "%p",
            [f"testbed:{tid}" for tid, _ in deltas],
        ),
        Figure(
            "products",
            "등록 데이터 상품(버전)",
            "data products registered (versions)",
            len(versions),
            "건 / versions",
            [f"version:{v.id}" for v in versions],
        ),
        Figure(
            "downloads",
            "다운로드",
            "downloads",
            len(downloads),
            "회 / downloads",
            [f"audit:{a.id}" for a in downloads],
        ),
        Figure(
            "api_calls",
            "Open API 호출",
            "Open API calls",
            sum(u.calls for u in usage),
            "회 / calls",
            [f"usage:{u.id}" for u in usage],
        ),
        Figure(
            "events",
            "교육·세미나·성과공유",
            "events held or scheduled",
            len(events),
            "회 / events",
            [f"event:{e.id}" for e in events],
        ),
        Figure(
            "attendees",
            "참석자(출석)",
            "attendees (checked in)",
            len(attended),
            "명 / people",
            [f"registration:{r.id}" for r in attended],
        ),
    ]
    return Dashboard(year, region, figures, requirement.to_dict())


def dashboard_xlsx(dashboard: Dashboard, path: Path) -> Path:
    """Two sheets: the figures with their units, and every record each figure counts."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "figures"
    sheet.append([f"{dashboard.year}", dashboard.region or "all regions / 전체"])
    sheet.append(["key", "항목", "item", "value", "unit", "records"])
    for f in dashboard.figures:
        sheet.append([f.key, f.ko, f.en, f.value, f.unit, len(f.records)])
    req = dashboard.requirement
    sheet.append([])
    sheet.append(
        [
            "events_requirement",
            "연 4회 이상",
            "at least 4 a year",
            req["held"],
            "회 held / 개최",
            "met" if req["met"] else "not met",
        ]
    )
    trace = book.create_sheet("records")
    trace.append(["key", "record"])
    for f in dashboard.figures:
        for r in f.records:
            trace.append([f.key, r])
    book.save(path)
    return path


ANNUAL = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>연간 성과 보고 / Annual KPI report {{ b.year }}</title>
<style>body{font-family:system-ui,'Noto Sans KR',sans-serif;max-width:860px;margin:32px auto;
color:#1d2733}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;
padding:6px 8px;text-align:left;vertical-align:top}td.n{text-align:right}.muted{color:#64748b;
font-size:85%}</style></head><body>
<h1>지역특화 제조AI센터 연간 성과 / Annual KPI report {{ b.year }}</h1>
<p>{{ region }} · 작성 / generated {{ now.strftime("%Y-%m-%d %H:%M") }} UTC</p>
<table><tr><th>항목 / Item</th><th>값 / Value</th><th>근거 기록 / Records counted</th></tr>
{% for f in b.figures %}<tr><td>{{ f.ko }} / {{ f.en }}</td>
<td class="n">{{ "–" if f.value is none else f.value }} {{ f.unit }}</td>
<td class="muted">{{ f.records|join(", ") or "–" }}</td></tr>{% endfor %}
<tr><td>연 4회 이상 행사 / at least 4 events a year</td>
<td class="n">{{ b.requirement.held }} / {{ b.requirement.required }}</td>
<td>{{ "충족 / met" if b.requirement.met else "미충족 / not met" }}</td></tr>
</table></body></html>
"""


def dashboard_html(dashboard: Dashboard) -> str:
    """The annual report as one self-contained bilingual page (print it with ``pdf``)."""
    from jinja2 import Environment, select_autoescape

    from mfgdata.db.tables import REGIONS, utcnow

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    region = (
        f"{REGIONS[dashboard.region]} / {dashboard.region}"
        if dashboard.region
        else "전체 지역 / all regions"
    )
    return env.from_string(ANNUAL).render(b=dashboard, region=region, now=utcnow())
