"""The pricing section of report.html: a buyer can follow the price line by line (ko / en)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from mfgdata.pricing.approach import won
from mfgdata.report.section import ReportSection

CHART_ID = "api_curve"
NAMES = {
    "cost": ("원가접근법", "Cost approach"),
    "market": ("시장접근법 (비교 제품)", "Market approach (comparables)"),
    "value": ("수익(가치)접근법", "Value (income) approach"),
}
SOURCES = {
    "default": ("기본값", "default"),
    "file": ("입력 파일", "file"),
    "not_used": ("사용 안 함 (측정한 작업량으로 계산)", "not used (computed from measured work)"),
}


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], num_cols: set[int]) -> str:
    th = "".join(
        f'<th class="num">{escape(h)}</th>' if i in num_cols else f"<th>{escape(h)}</th>"
        for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(str(c))}</td>'
            if i in num_cols
            else f"<td>{escape(str(c))}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    table = f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="tablewrap">{table}</div>'


def _value(v: Any) -> str:
    """An input value for people: numbers with separators, tables as ``k v, …``, None as –."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return won(float(v))
    if isinstance(v, dict):
        return ", ".join(f"{k} {_value(x)}" for k, x in v.items())
    if isinstance(v, list):
        return " / ".join(_value(x) for x in v)
    return str(v)


def _pre(lines: str | Sequence[str]) -> str:
    text = lines if isinstance(lines, str) else "\n".join(lines)
    return f'<pre class="mono small" style="white-space: pre-wrap">{escape(text)}</pre>'


def _approach(a: Mapping[str, Any], t: Callable[[str, str], str]) -> str:
    ko, en = NAMES[a["name"]]
    parts = [f"<h3>{escape(t(ko, en))}</h3>", _pre(a["formula"])]
    if not a["applicable"]:
        reason = t(a["reason_ko"], a["reason_en"])
        label = t("대체", "Fallback") if a["details"].get("basis") == "fallback" else None
        label = label or t("적용 안 함", "Not applicable")
        parts.append(f'<p class="muted">{escape(label)}: {escape(reason)}</p>')
        return "".join(parts)
    parts.append(_pre(a["substituted"]))
    if a["name"] == "cost":
        parts.append(_cost_table(a["details"]["items"], t))
    if a["name"] == "market":
        comps = a["details"]["comparables"]
        parts.append(
            _table(
                [
                    t("제품", "Product"),
                    t("출처", "Source"),
                    t("가격 (원)", "Price (KRW)"),
                    t("등급", "Grade"),
                    t("라이선스", "Licence"),
                    t("행 × 열", "Rows × columns"),
                    t("크기 계수", "Size factor"),
                    t("경과일", "Age (days)"),
                    t("가중치", "Weight"),
                    t("조정 가격 (원)", "Adjusted (KRW)"),
                ],
                [
                    [
                        c["title"],
                        c.get("source", "folder"),
                        won(c["price_krw"]),
                        c["grade"],
                        c["licence"],
                        f"{c['rows']:,} × {c['columns']:,}",
                        f"{c['size_factor']:.4g}",
                        c["age_days"],
                        f"{c['weight']:.4g}",
                        won(c["adjusted_krw"]),
                    ]
                    for c in comps
                ],
                {2, 6, 7, 8, 9},
            )
        )
    parts.append(f"<p><b>= {escape(won(a['price_krw']))} KRW</b></p>")
    return "".join(parts)


def _html(doc: Mapping[str, Any], t: Callable[[str, str], str]) -> str:
    final, api = doc["final"], doc["api"]
    summary = _table(
        [t("항목", "Item"), t("금액 (원)", "Amount (KRW)")],
        [
            [t("판매가 (부가세 별도)", "Price (excl. VAT)"), f"{doc['price_krw']:,}"],
            [
                t(f"부가가치세 {final['vat_rate']:.0%}", f"VAT {final['vat_rate']:.0%}"),
                f"{doc['vat_krw']:,}",
            ],
            [t("합계", "Total"), f"{doc['total_krw']:,}"],
        ],
        {1},
    )
    product = doc["product"]
    facts = t(
        f"등급 {product['grade']} ({product['grade_source']}), 라이선스 {doc['licence']}, "
        f"제공 방식 {doc['access_mode']}, 크기 {product['rows']:,}행 × {product['columns']}열",
        f"grade {product['grade']} ({product['grade_source']}), licence {doc['licence']}, "
        f"access {doc['access_mode']}, "
        f"size {product['rows']:,} rows × {product['columns']} columns",
    )
    inputs = _table(
        [t("입력", "Input"), t("값", "Value"), t("단위", "Unit"), t("출처", "Source")],
        [
            [k, _value(v["value"]), v.get("unit", ""), t(*SOURCES[v["source"]])]
            for k, v in sorted(doc["inputs"].items())
        ],
        set(),
    )
    work = _work_table(doc.get("work"), t)
    approaches = "".join(_approach(doc["approaches"][k], t) for k in ("cost", "market", "value"))
    rule = t(final["rule_ko"], final["rule_en"])
    tiers = _table(
        [t("시작 행", "From row"), t("끝 행", "To row"), t("행당 (원)", "KRW per row")],
        [
            [
                f"{x['from_row']:,}",
                "∞" if x["to_row"] is None else f"{x['to_row']:,}",
                won(x["krw_per_row"]),
            ]
            for x in api["tiers"]
        ],
        {0, 1, 2},
    )
    examples = _table(
        [
            t("행 수", "Rows"),
            t("호출 가격 (원)", "Price per call (KRW)"),
            t("행당 (원)", "KRW per row"),
        ],
        [[f"{e['rows']:,}", won(e["price_krw"]), won(e["krw_per_row"])] for e in api["examples"]],
        {0, 1, 2},
    )
    return "".join(
        [
            summary,
            f'<p class="muted">{escape(facts)}</p>',
            f"<h3>{escape(t('측정한 작업량', 'Measured work of this build'))}</h3>",
            work,
            f"<h3>{escape(t('입력값과 출처', 'Inputs and where they come from'))}</h3>",
            inputs,
            approaches,
            f"<h3>{escape(t('최종 가격 규칙', 'Final price rule'))}</h3>",
            _pre(rule),
            _pre(final["lines"]),
            f"<h3>{escape(t('Open API 가격표', 'Open API price list'))}</h3>",
            _pre(api["price_formula"]),
            f"<p>{escape(t('호출당 기본요금', 'Fee per call'))}: "
            f"{escape(won(api['call_fee_krw']))} "
            f"{escape(t('원', 'KRW'))}; {escape(t('상한 (전체 표)', 'cap (whole table)'))}: "
            f"{escape(won(api['cap_krw']))} {escape(t('원', 'KRW'))}</p>",
            tiers,
            examples,
            f'<div class="chart" data-chart="{CHART_ID}"></div>',
            f'<p class="small">{escape(t(api["proof_ko"], api["proof_en"]))}</p>',
            f'<p class="small muted">{escape(t(api["billing_ko"], api["billing_en"]))}</p>',
        ]
    )


def _work_table(work: Mapping[str, Any] | None, t: Callable[[str, str], str]) -> str:
    if not work:
        return f'<p class="muted">{escape(t("측정값 없음", "not measured"))}</p>'
    rows = []
    for key, w in work.items():
        value = w["value"]
        shown = (
            ", ".join(f"{k} {won(float(x))}" for k, x in value.items())
            if isinstance(value, dict)
            else won(float(value))
        )
        rows.append([t(w["label_ko"], w["label_en"]), shown, w["unit"], w["source"], key])
    return _table(
        [t("항목", "Item"), t("값", "Value"), t("단위", "Unit"), t("출처", "Source"), "key"],
        rows,
        {1},
    )


def _cost_table(items: Sequence[Mapping[str, Any]], t: Callable[[str, str], str]) -> str:
    rows = []
    for item in items:
        label = t(item["label_ko"], item["label_en"])
        if not item["lines"]:
            rows.append([label, item.get("basis", ""), "", "", "", won(item["krw"])])
        for line in item["lines"]:
            rows.append(
                [
                    label,
                    line["source"],
                    f"{won(line['quantity'])} {line['unit']}",
                    line["unit_cost_key"],
                    won(line["unit_cost_krw"])
                    + (f" / {won(line['per'])}" if line["per"] != 1 else ""),
                    won(line["krw"]),
                ]
            )
    return _table(
        [
            t("비용", "Cost"),
            t("출처", "Source"),
            t("수량", "Quantity"),
            t("단가 항목", "Unit cost"),
            t("단가 (원)", "KRW per unit"),
            t("금액 (원)", "KRW"),
        ],
        rows,
        {2, 4, 5},
    )


def api_chart(examples: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Vega-Lite: price per call against rows (log axes), data inline."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [dict(e) for e in examples]},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "rows",
                "type": "quantitative",
                "scale": {"type": "log"},
                "title": "rows / 행 수",
            },
            "y": {
                "field": "price_krw",
                "type": "quantitative",
                "scale": {"type": "log"},
                "title": "KRW per call / 호출 가격 (원)",
            },
            "tooltip": [
                {"field": "rows", "type": "quantitative"},
                {"field": "price_krw", "type": "quantitative"},
                {"field": "krw_per_row", "type": "quantitative"},
            ],
        },
        "width": "container",
        "height": 220,
    }


def pricing_section(doc: Mapping[str, Any]) -> ReportSection:
    """Render pricing.json as the report section (key "price", order 70)."""
    return ReportSection(
        key="price",
        title_ko="가격 산정",
        title_en="Pricing",
        html_ko=_html(doc, lambda ko, en: ko),
        html_en=_html(doc, lambda ko, en: en),
        charts={CHART_ID: api_chart(doc["api"]["examples"])},
        order=70,
    )
