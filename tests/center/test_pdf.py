"""PDF printing by headless Chromium; a missing browser is a clear ko/en 503, not a crash."""

from __future__ import annotations

import pytest

from mfgdata.center.pdf import PdfUnavailable, chromium_path, html_to_pdf


def test_missing_chromium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFGDATA_CHROMIUM", "/nonexistent/chromium")
    assert chromium_path() is None
    with pytest.raises(PdfUnavailable) as e:
        html_to_pdf("<p>x</p>")
    assert e.value.status_code == 503 and "Chromium" in e.value.en and e.value.ko


@pytest.mark.skipif(chromium_path() is None, reason="needs chromium")
def test_korean_html_prints_to_pdf() -> None:
    pdf = html_to_pdf(
        "<!doctype html><meta charset='utf-8'><h1>실증 결과 보고서</h1><p>OEE +11.7 %p</p>"
    )
    assert pdf[:5] == b"%PDF-" and len(pdf) > 1000
