"""Report polish (issue #10, item 10): gaps in hours and minutes, evidence as tables (not raw JSON),
no ``None`` in a cell (an em dash instead)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.report.humanize import DASH, evidence_table, fmt_duration

runner = CliRunner()


def _line_log(path: Path) -> Path:
    """A CP949 line log: one sample a minute on two presses, the line stopped for 2 h 15 min, a
    code column the dictionary maps without a unit."""
    lines = ["측정시각,설비ID,금형온도[℃],사출압력[bar],비고"]
    t = datetime(2024, 3, 1, 20, 0)
    for i in range(300):
        if i == 150:
            t += timedelta(hours=2, minutes=15) - timedelta(minutes=1)
        note = "" if i % 11 else "점검"
        lines.append(
            f"{t:%Y-%m-%d %H:%M},P{1 + i % 2},{210 + (i % 7) * 0.4:.1f},{80 + (i % 5):.1f},{note}"
        )
        if i % 2:
            t += timedelta(minutes=1)
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("polish")
    src = _line_log(tmp / "사출라인_3월.csv")
    out = tmp / "product"
    args = ["build", str(src), "--out", str(out), "--id-column", "설비ID"]
    result = runner.invoke(app, [*args, "--timezone", "Asia/Seoul"])
    assert result.exit_code == 0, result.output
    return (out / "report.html").read_text(encoding="utf-8")


def _body(html: str) -> str:
    """The page without its scripts (the chart data and the vendored libraries)."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.S)


def test_no_cell_says_none(report: str) -> None:
    body = _body(report)
    assert ">None<" not in body
    assert not re.search(r"<td[^>]*>\s*None\s*</td>", body)
    assert f"<td>{DASH}</td>" in body


def test_gaps_are_shown_in_hours_and_minutes(report: str) -> None:
    body = _body(report)
    assert "2시간 15분" in body and "2 h 15 min" in body
    assert "8100" not in body  # the gap length in raw seconds


def test_evidence_is_a_table_not_json(report: str) -> None:
    body = _body(report)
    quality = body[body.index('id="sec-quality"') :]
    quality = quality[: quality.index("</section>")]
    assert '<table class="evidence">' in quality
    assert '{"' not in quality and "&#34;count&#34;" not in quality and "&quot;" not in quality
    # the gap's start, in the product's zone (may break after the date in a narrow cell)
    assert "2024-03-01T21:14:00+09:00" in quality.replace("<wbr>", "")


@pytest.mark.parametrize(
    ("seconds", "ko", "en"),
    [
        (8100, "2시간 15분", "2 h 15 min"),
        (8160, "2시간 16분", "2 h 16 min"),
        (7200, "2시간", "2 h"),
        (90, "1분 30초", "1 min 30 s"),
        (45, "45초", "45 s"),
        (0.25, "0.25초", "0.25 s"),
        (3 * 86400 + 4 * 3600 + 59, "3일 4시간", "3 d 4 h"),
        (None, DASH, DASH),
    ],
)
def test_fmt_duration(seconds: float | None, ko: str, en: str) -> None:
    assert fmt_duration(seconds, "ko") == ko
    assert fmt_duration(seconds, "en") == en


def test_evidence_table_nests_records_and_escapes() -> None:
    ev = {
        "count": 1,
        "longest_seconds": 8100.0,
        "ranges": [{"start": "<b>", "end": None, "seconds": 8100.0, "row": 150}],
    }
    html = evidence_table(ev, "ko")
    assert html.count('<table class="evidence">') == 2
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "2시간 15분" in html and f"<td>{DASH}</td>" in html and "None" not in html


CHROMIUM = Path("/usr/bin/chromium")
#: every table of a section, in the page as a 1280 px wide browser lays it out: how far its right
#: edge passes the section's inner right edge (positive: cut off or scrolled away)
OVERFLOW_JS = """() => [...document.querySelectorAll('section.block table')]
  .filter(t => t.offsetParent !== null)
  .map(t => {
    const s = t.closest('section.block');
    const inner = s.getBoundingClientRect().right - parseFloat(getComputedStyle(s).paddingRight);
    return [s.id, t.className, Math.round(t.getBoundingClientRect().right - inner)];
  })
  .filter(r => r[2] > 1)"""


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_tables_fit_a_1280_px_window(report: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "report.html"
    page_file.write_text(report, encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_file.as_uri())
            for lang in ("ko", "en"):
                page.evaluate(f"() => {{ document.body.className = 'lang-{lang}'; }}")
                assert page.evaluate(OVERFLOW_JS) == [], lang
        finally:
            browser.close()
