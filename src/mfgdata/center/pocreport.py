# ruff: noqa: E501  (the report template has long HTML lines)
"""The PoC report of a testbed: one self-contained HTML page in Korean and English.

It names the company and the problem, lists the attached data (uploads with their SHA-256,
builds, data products with their quality grade and score and the model's metrics against the
baseline from ``model/metrics.json``), the milestones, and the ISO 22400-2 KPIs before and after
with their formulas, the worked figures and the change (percentage points for ratios), on the
basis recorded (baseline period, measurement window, data source). Every time is in UTC.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, select_autoescape
from sqlalchemy.orm import Session

from mfgdata.catalog.register import version_folder
from mfgdata.center.codes import PROBLEM_TYPES, format_business_number
from mfgdata.center.testbeds import attachments, kpi_results, milestones
from mfgdata.db.tables import (
    CenterCompany,
    CenterTestbed,
    Job,
    Product,
    ProductVersion,
    Upload,
    utcnow,
)
from mfgdata.settings import Settings

TEMPLATE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>실증 결과 보고서 / PoC report: {{ tb.title }}</title>
<style>
body{font-family:system-ui,'Noto Sans KR',sans-serif;max-width:920px;margin:32px auto;color:#1d2733}
table{border-collapse:collapse;width:100%;margin:8px 0 18px}td,th{border-bottom:1px solid #dde3ea;
padding:6px 8px;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:
tabular-nums}.muted{color:#64748b}.good{color:#0a7a3b;font-weight:600}.bad{color:#b42318}
code{font-size:90%}
</style></head><body>
<h1>실증 결과 보고서 / PoC report</h1>
<p class="muted">작성 / Generated {{ now.strftime("%Y-%m-%d %H:%M") }} UTC · 과제 / testbed #{{ tb.id }}</p>
<table>
<tr><th>과제 / Title</th><td id="poc-title">{{ tb.title }}</td></tr>
<tr><th>기업 / Company</th><td>{{ company.name }} ({{ bn }})</td></tr>
<tr><th>문제 유형 / Problem type</th><td>{{ problem[0] }} / {{ problem[1] }}</td></tr>
<tr><th>상태 / Status</th><td>{{ tb.status }}</td></tr>
<tr><th>기준 기간 / Baseline period</th><td>{{ tb.kpi_basis.get("baseline_period") or "–" }}</td></tr>
<tr><th>측정 기간 / Measurement window</th><td>{{ tb.kpi_basis.get("measurement_window") or "–" }}</td></tr>
<tr><th>데이터 출처 / Data source</th><td>{{ tb.kpi_basis.get("data_source") or "–" }}</td></tr>
</table>
<h2>데이터와 산출물 / Data and products</h2>
<table id="poc-data"><tr><th>종류 / Kind</th><th>항목 / Item</th><th>품질·모델 / Quality and model</th></tr>
{% for a in items %}<tr><td>{{ a.kind }}</td><td>{{ a.label }}</td><td>{{ a.detail }}
{% if a.metrics %}<table>{% for m in a.metrics %}<tr><td>{{ m.name }}</td><td class="n">{{ m.value }}</td>
<td class="n muted">baseline {{ m.baseline }}</td></tr>{% endfor %}</table>{% endif %}</td></tr>
{% else %}<tr><td colspan="3" class="muted">–</td></tr>{% endfor %}
</table>
<h2>ISO 22400-2 KPI</h2>
<p class="muted">시간 min, 수량 pcs, PRI min/pcs. 비율의 차이는 %p(퍼센트포인트) /
Times in min, quantities in pcs, PRI in min/pcs; differences of ratios in percentage points.</p>
{% if change %}
<table id="poc-kpi"><tr><th>KPI</th><th>공식 / Formula</th><th>전 / Before</th><th>후 / After</th>
<th>변화 / Change</th></tr>
{% for c in change %}<tr data-kpi="{{ c.id }}"><td>{{ c.name_ko }} / {{ c.name_en }}</td>
<td><code>{{ formulas[c.id] }}</code></td>
<td class="n">{{ before_shown[c.id] }}<br><span class="muted">{{ before_worked[c.id] }}</span></td>
<td class="n">{{ after_shown[c.id] }}<br><span class="muted">{{ after_worked[c.id] }}</span></td>
<td class="n {{ 'good' if c.improved else ('bad' if c.improved is false and c.delta else '') }}"
 id="change-{{ c.id }}">{{ c.delta_display() }}</td></tr>{% endfor %}
</table>
{% elif before %}
<table id="poc-kpi"><tr><th>KPI</th><th>공식 / Formula</th><th>전 / Before</th></tr>
{% for k in before %}<tr><td>{{ k.name_ko }} / {{ k.name_en }}</td><td><code>{{ k.formula }}</code></td>
<td class="n">{{ k.display() }}</td></tr>{% endfor %}</table>
<p class="muted">지원 후 수치가 아직 없습니다 / no after-support figures yet</p>
{% else %}<p class="muted">KPI 입력 없음 / no KPI figures entered</p>{% endif %}
<h2>마일스톤 / Milestones</h2>
<table id="poc-milestones"><tr><th>항목 / Item</th><th>예정일 / Due</th><th>완료 / Done (UTC)</th></tr>
{% for m in ms %}<tr><td>{{ m.title }}</td><td>{{ m.due or "–" }}</td>
<td>{{ m.done_at.strftime("%Y-%m-%d %H:%M") if m.done_at else "–" }}</td></tr>
{% else %}<tr><td colspan="3" class="muted">–</td></tr>{% endfor %}</table>
<h2>결과 / Outcome</h2><p>{{ tb.outcome or "–" }}</p>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def _metrics(version: ProductVersion, settings: Settings | None) -> list[dict[str, str]]:
    path = version_folder(version, settings) / "model" / "metrics.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    model = doc.get("model") if isinstance(doc, dict) else None
    baseline = doc.get("baseline", {}) if isinstance(doc, dict) else {}
    for name, m in (model or {}).items():
        if not isinstance(m, dict):
            continue
        b = baseline.get(name, {}) if isinstance(baseline, dict) else {}
        out.append(
            {
                "name": name,
                "value": _fmt(m.get("value")),
                "baseline": _fmt(b.get("value") if isinstance(b, dict) else None),
            }
        )
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "–" if value is None else str(value)


def _items(session: Session, tb: CenterTestbed, settings: Settings | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for a in attachments(session=session, testbed=tb):
        if a.kind == "upload":
            up = session.get(Upload, int(a.ref))
            if up is not None:
                items.append(
                    {
                        "kind": "업로드 / upload",
                        "label": up.filename,
                        "detail": f"{up.bytes:,} bytes · SHA-256 {up.sha256[:16]}…",
                    }
                )
        elif a.kind == "job":
            job = session.get(Job, int(a.ref))
            if job is not None:
                items.append(
                    {
                        "kind": "빌드 / build",
                        "label": f"job #{job.id} ({job.kind})",
                        "detail": job.status,
                    }
                )
        else:
            pid, _, ver = a.ref.rpartition("@")
            v = session.query(ProductVersion).filter_by(product_id=pid, version=int(ver)).first()
            product = session.get(Product, pid)
            if v is not None and product is not None:
                grade = v.grade or "–"
                score = "–" if v.score is None else f"{v.score:.1f} / 100"
                items.append(
                    {
                        "kind": "데이터 상품 / data product",
                        "label": f"{product.title_ko} / {product.title_en} ({pid} v{v.version})",
                        "detail": f"품질 등급 / quality grade {grade}, 점수 / score {score}; "
                        f"{v.rows or 0:,} rows × {v.columns or 0} columns",
                        "metrics": _metrics(v, settings),
                    }
                )
    return items


def render_poc_report(
    *, session: Session, testbed: CenterTestbed, settings: Settings | None = None
) -> str:
    company = session.get(CenterCompany, testbed.company_id)
    assert company is not None
    before, after, change = kpi_results(testbed)
    by_b = {k.id: k for k in before or []}
    by_a = {k.id: k for k in after or []}
    return _ENV.from_string(TEMPLATE).render(
        tb=testbed,
        company=company,
        bn=format_business_number(company.business_number),
        problem=PROBLEM_TYPES[testbed.problem_type],
        items=_items(session, testbed, settings),
        before=before,
        change=change,
        formulas={k: v.formula for k, v in by_b.items()},
        before_shown={k: v.display() for k, v in by_b.items()},
        after_shown={k: v.display() for k, v in by_a.items()},
        before_worked={k: v.worked for k, v in by_b.items()},
        after_worked={k: v.worked for k, v in by_a.items()},
        ms=milestones(session=session, testbed=testbed),
        now=utcnow(),
    )
