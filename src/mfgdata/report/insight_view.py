"""The insight section of report.html: windows and benefit sentences, one chart axis per feature."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from mfgdata.report.section import ReportSection

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
DIRECTION = {1: "higher → worse", -1: "higher → better", 0: "mixed"}


def _label(name: str, unit: str | None) -> str:
    return f"{name} ({unit})" if unit and unit != "1" else name


def windows_chart(wins: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Each feature in its own row with its own x axis (its unit in the title): the window found
    on the training rows over the range seen on them."""
    rows: list[dict[str, Any]] = []
    for name, w in wins.items():
        label = _label(name, w.get("unit"))
        rows.append({"feature": label, "kind": "window", "lo": w["lo"], "hi": w["hi"]})
        seen = w.get("observed_range")
        if seen:
            rows.append({"feature": label, "kind": "observed", "lo": seen[0], "hi": seen[1]})

    def layer(kind: str, mark: dict[str, Any]) -> dict[str, Any]:
        return {
            "transform": [{"filter": f"datum.kind == '{kind}'"}],
            "mark": {"type": "rule", **mark},
            "encoding": {
                "x": {
                    "field": "lo",
                    "type": "quantitative",
                    "title": None,
                    "scale": {"zero": False},
                },
                "x2": {"field": "hi"},
            },
        }

    return {
        "$schema": SCHEMA,
        "data": {"values": rows},
        "facet": {
            "row": {
                "field": "feature",
                "type": "nominal",
                "title": None,
                "header": {"labelAngle": 0, "labelAlign": "left"},
            }
        },
        "resolve": {"scale": {"x": "independent"}},
        "spec": {
            "width": 360,
            "height": 20,
            "layer": [
                layer("observed", {"color": "#bbbbbb", "strokeWidth": 2}),
                layer("window", {"color": "#2b7bba", "strokeWidth": 10}),
            ],
        },
    }


def drivers_chart(drivers: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "width": 360,
        "data": {
            "values": [
                {
                    "feature": d["feature"],
                    "importance": d["importance"],
                    "direction": DIRECTION[d["direction"]],
                }
                for d in drivers
            ]
        },
        "mark": "bar",
        "encoding": {
            "y": {"field": "feature", "type": "nominal", "sort": "-x"},
            "x": {"field": "importance", "type": "quantitative"},
            "color": {"field": "direction", "type": "nominal"},
        },
    }


def _supervised(ins: Mapping[str, Any], lang: str) -> str:
    wins = ins.get("operating_windows") or {}
    t = f"text_{lang}"
    parts = []
    if ins["task"] == "rul":
        parts.append(
            "<p>주요 인자는 남은 수명을 예측하는 신호(마모의 증상)이며 고장의 원인이 아닙니다.</p>"
            if lang == "ko"
            else "<p>The drivers are the signals that predict the remaining life (symptoms of "
            "wear), not causes of failure.</p>"
        )
    if ins.get("validation"):
        parts.append(f"<p>{escape(ins['validation'][t])}</p>")
    if wins:
        parts.append("<ul>" + "".join(f"<li>{escape(w[t])}</li>" for w in wins.values()) + "</ul>")
    ben = ins.get("expected_benefit") or {}
    if (ins.get("drivers_basis") or {}).get(t):
        parts.append(f"<p>{escape(ins['drivers_basis'][t])}</p>")
    if ben.get(t):
        parts.append(f"<p>{escape(ben[t])}</p>")
    if ins.get("no_windows"):
        parts.append(f"<p>{escape(ins['no_windows'][t])}</p>")
    hidden = ins.get("windows_not_shown") or []
    if hidden:
        head = "시험 행이 부족해 보이지 않는 범위" if lang == "ko" else "Windows not shown"
        items = "; ".join(f"{h['feature']}: {h[f'reason_{lang}']}" for h in hidden)
        parts.append(f"<p>{head}: {escape(items)}</p>")
    word = "가정" if lang == "ko" else "Assumptions"
    parts.append(f"<p>{word}: {escape(str(ben.get(f'assumptions_{lang}', '')))}</p>")
    return "".join(parts)


def section(ins: Mapping[str, Any]) -> ReportSection:
    ben = ins.get("expected_benefit", {})
    if ins["task"] == "anomaly":
        a = ins["alarm_thresholds"]
        ko = (
            f"<p>경보 한계: T² &gt; {a['t2_limit']:.4g} 또는 SPE &gt; {a['spe_limit']:.4g}."
            f" 학습 구간 오경보율 {ben['false_alarm_rate_train']:.1%}.</p>"
        )
        en = (
            f"<p>Alarm limits: T² &gt; {a['t2_limit']:.4g} or SPE &gt; {a['spe_limit']:.4g}."
            f" False-alarm rate on the training window {ben['false_alarm_rate_train']:.1%}.</p>"
        )
    else:
        ko, en = _supervised(ins, "ko"), _supervised(ins, "en")
    charts = {"insight-drivers": drivers_chart(ins["drivers"])}
    if ins.get("operating_windows"):
        charts["insight-windows"] = windows_chart(ins["operating_windows"])
    divs = "".join(f'<div class="chart" data-chart="{k}"></div>' for k in charts)
    return ReportSection(
        "insight", "활용 인사이트", "Usage insights", ko + divs, en + divs, charts, order=55
    )
