"""PDF from the center's self-contained HTML documents (PoC report, annual KPI report), printed
by a headless Chromium (the browser the tests already use; no PDF library to keep in step with
the HTML). ``MFGDATA_CHROMIUM`` names the binary, else ``chromium`` / ``chromium-browser`` /
``google-chrome`` on the PATH. Without one, a clear ko/en error (503) says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mfgdata.errors import MfgDataError

TIMEOUT_SECONDS = 60
_NAMES = ("chromium", "chromium-browser", "google-chrome")


class PdfUnavailable(MfgDataError):
    code = "pdf_unavailable"
    status_code = 503


def chromium_path() -> str | None:
    given = os.environ.get("MFGDATA_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str) -> bytes:
    """The document printed to PDF (A4, no browser header or footer)."""
    binary = chromium_path()
    if binary is None:
        raise PdfUnavailable(
            "PDF를 만들 Chromium이 없습니다: HTML 보고서를 쓰거나 chromium을 설치하세요",
            "no Chromium to print the PDF: use the HTML report or install chromium",
        )
    with tempfile.TemporaryDirectory(prefix="mfgdata-pdf-") as tmp:
        source, target = Path(tmp) / "doc.html", Path(tmp) / "doc.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, cwd=tmp
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PdfUnavailable(
                f"PDF 변환에 실패했습니다: {type(e).__name__}",
                f"printing the PDF failed: {type(e).__name__}",
            ) from e
        if not target.is_file() or target.read_bytes()[:5] != b"%PDF-":
            raise PdfUnavailable("PDF 변환에 실패했습니다", "printing the PDF failed")
        return target.read_bytes()
