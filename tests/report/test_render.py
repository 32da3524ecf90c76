"""report.html: self-contained, offline, bilingual, sections in order, charts that parse."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.render import (
    ReportInput,
    findings_from_results,
    fmt_bytes,
    fmt_num,
    render_report,
    script_json,
    sections_from_results,
)
from mfgdata.report.section import ReportSection

BAR = {
    "data": {"values": [{"k": "a", "v": 3}, {"k": "b", "v": 5}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "k", "type": "nominal"},
        "y": {"field": "v", "type": "quantitative"},
    },
    "width": 300,
}


def _section(key: str, order: int, chart: bool = False) -> ReportSection:
    div = '<div class="chart" data-chart="c"></div>' if chart else ""
    return ReportSection(
        key=key,
        title_ko=f"{key} 제목",
        title_en=f"{key} title",
        html_ko=f"<p>{key} 한국어</p>{div}",
        html_en=f"<p>{key} English</p>{div}",
        charts={"c": BAR} if chart else {},
        order=order,
    )


def _render(**kw: object) -> str:
    args: dict[str, object] = {
        "title": "제품 <A&B>",
        "product_id": "p-1",
        "rows": 1234567,
        "columns": 8,
        "inputs": [ReportInput(name="a.csv", bytes=2048, encoding="cp949", rows=10)],
        "sections": [
            _section("quality", 50),
            _section("profile", 10, chart=True),
            _section("package", 1000),
        ],
        "findings": [
            Finding(
                "junk",
                "error",
                "잘못된 값",
                "bad value",
                column="t",
                count=3,
                examples=("<b>x</b>",),
            )
        ],
    }
    args.update(kw)
    return render_report(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (1234567, None, "1,234,567"),
        (0, None, "0"),
        (2.0, None, "2"),
        (1234.5678, None, "1,234.6"),
        (0.000123456, None, "0.0001235"),
        (3.14159, 2, "3.14"),
        (None, None, "—"),
        (True, None, "True"),
        (float("nan"), None, "nan"),
        ("x", None, "x"),
    ],
)
def test_fmt_num(value: object, digits: int | None, text: str) -> None:
    assert fmt_num(value, digits) == text


@pytest.mark.parametrize(
    ("size", "text"), [(None, "—"), (512, "512 B"), (2048, "2.0 KB"), (5 * 1024**3, "5.0 GB")]
)
def test_fmt_bytes(size: int | None, text: str) -> None:
    assert fmt_bytes(size) == text


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
        max_leaves=20,
    )
)
def test_script_json_is_inert_and_round_trips(obj: object) -> None:
    text = script_json(obj)
    assert not set(text) & {"<", ">", "&"}
    assert json.loads(text) == obj


def test_layout_order_and_escaping() -> None:
    html = _render()
    assert html.startswith('<!DOCTYPE html>\n<html lang="ko">')
    assert '<body class="lang-ko">' in html and "Content-Security-Policy" in html
    assert "제품 &lt;A&amp;B&gt;" in html and "<b>x</b>" not in html
    positions = [
        html.index(f'id="{i}"')
        for i in ("summary", "sec-profile", "sec-quality", "findings", "sec-package")
    ]
    assert positions == sorted(positions)
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    assert [m for m in re.findall(r'href="#([^"]+)"', toc)] == [
        "summary",
        "sec-profile",
        "sec-quality",
        "findings",
        "sec-package",
    ]
    for key in ("profile", "quality", "package"):
        assert f'<span lang="ko">{key} 제목</span><span lang="en">{key} title</span>' in html
    assert "1,234,567" in html and "2.0 KB" in html


def test_charts_embedded_as_json_by_section() -> None:
    html = _render()
    raw = re.search(r'<script type="application/json" id="mfg-charts">(.*?)</script>', html, re.S)
    assert raw is not None
    assert json.loads(raw.group(1)) == {"profile/c": BAR}


def test_no_findings_and_no_sections() -> None:
    html = _render(findings=[], sections=[], inputs=[])
    assert "발견된 문제가 없습니다." in html and "No problems were found." in html
    assert "sec-" not in html


def test_sections_and_findings_from_results() -> None:
    f_info = Finding("a", "info", "정보", "info", count=100)
    f_err = Finding("b", "error", "오류", "error", count=1)
    f_warn = Finding("c", "warning", "경고", "warning", count=5)
    results = [
        StepResult(step="x", findings=(f_info, f_warn), report=_section("x", 30)),
        StepResult(step="y"),
        StepResult(step="z", findings=(f_err,), report=_section("z", 5)),
    ]
    assert [s.key for s in sections_from_results(results)] == ["z", "x"]
    assert [f.code for f in findings_from_results(results)] == ["b", "c", "a"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian chromium")
def test_charts_draw_offline_in_a_real_browser(tmp_path: Path) -> None:
    """Vega runs under the page's CSP with no network; container-width charts get a width."""
    wide = ReportSection(
        key="wide",
        title_ko="넓은",
        title_en="wide",
        order=20,
        html_ko='<div class="chart" data-chart="w"></div>',
        html_en="",
        charts={"w": {**BAR, "width": "container"}},
    )
    page = tmp_path / "report.html"
    page.write_text(_render(sections=[_section("profile", 10, chart=True), wide]), encoding="utf-8")
    dom = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--window-size=1200,900",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    widths = {}
    for chart in ("c", "w"):
        tail = dom[dom.index(f'data-chart="{chart}"') :]
        svg = re.search(r'<svg[^>]*class="marks" width="(\d+)"', tail[:3000])
        assert svg is not None and 'class="mark-rect' in tail, chart
        widths[chart] = int(svg.group(1))
    assert widths["c"] >= 300 and widths["w"] > 500
