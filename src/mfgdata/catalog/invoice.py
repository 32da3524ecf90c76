"""The invoice document of an order in Korean and English: a self-contained HTML page, and the
same content as a PDF (``invoice_pdf``, fpdf2 with a Korean TrueType font found at run time).

Amounts are the order's own record (price before VAT, VAT, total as quoted when placed), never
recomputed from a price list that may have changed since.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from sqlalchemy.orm import Session

from mfgdata.catalog.licences import LICENCES
from mfgdata.db.tables import Order, Organisation
from mfgdata.errors import ConfigError

STATUS = {
    "pending": ("판매자 승인 대기", "awaiting the seller's approval"),
    "approved": ("승인됨", "approved"),
    "denied": ("거절됨", "denied"),
    "cancelled": ("취소됨", "cancelled"),
}
PLAN = {"download": ("다운로드", "download"), "api": ("Open API 요금제", "Open API plan")}

TEMPLATE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>청구서 / Invoice {{ number }}</title>
<style>
body{font-family:system-ui,'Noto Sans KR',sans-serif;max-width:760px;margin:32px auto;color:#1d2733}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;padding:6px 8px;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#64748b}
</style></head><body>
<h1>청구서 / Invoice <span id="invoice-number">{{ number }}</span></h1>
<p class="muted">발행 / Issued {{ order.created.strftime("%Y-%m-%d %H:%M UTC") }} ·
상태 / Status: <strong id="invoice-status">{{ status[0] }} / {{ status[1] }}</strong></p>
<table>
<tr><th>판매자 / Seller</th><td>{{ seller }}</td></tr>
<tr><th>구매자 / Buyer</th><td>{{ buyer }}</td></tr>
<tr><th>제품 / Product</th><td>{{ order.product.title_ko }} / {{ order.product.title_en }}
 ({{ order.product_id }} v{{ order.version }})</td></tr>
<tr><th>제공 방식 / Plan</th><td>{{ plan[0] }} / {{ plan[1] }}</td></tr>
<tr><th>라이선스 / Licence</th><td>{{ licence_title }} ({{ order.licence }}),
 SHA-256 <code>{{ order.licence_sha256[:16] }}…</code>,
 동의 / accepted {{ order.licence_accepted_at.strftime("%Y-%m-%d %H:%M UTC") }}</td></tr>
</table>
<h2>금액 / Amount (KRW)</h2>
<table id="invoice-amounts">
<tr><th>공급가액 / Price before VAT</th><td class="n">₩{{ won(order.price_krw) }}</td></tr>
<tr><th>부가가치세 / VAT ({{ rate }} %)</th><td class="n">₩{{ won(order.vat_krw) }}</td></tr>
<tr><th>합계 / Total</th><td class="n"><strong>₩{{ won(order.total_krw) }}</strong></td></tr>
</table>
{% if api %}
<h2>Open API 요금 / API price list (per call)</h2>
<p>{{ api.get("billing_ko", "") }}<br>{{ api.get("billing_en", "") }}</p>
<p>호출 요금 / call fee ₩{{ api.get("call_fee_krw") }}; 상한 / cap ₩{{ api.get("cap_krw") }}</p>
<table><tr><th>행 / rows from</th><th>to</th><th class="n">₩ / row</th></tr>
{% for t in api.get("tiers", []) %}<tr><td>{{ t.from_row }}</td><td>{{ t.to_row or "∞" }}</td>
<td class="n">{{ t.krw_per_row }}</td></tr>{% endfor %}</table>
<p class="muted">월별 사용 명세서로 청구합니다 / billed by the monthly usage statement.</p>
{% endif %}
{% if lines %}<h2>가격 산정 / How the price was set</h2>
<ul>{% for line in lines %}<li><code>{{ line }}</code></li>{% endfor %}</ul>{% endif %}
<p class="muted">결제 대행 없음: 이 문서는 주문 기록입니다 /
no payment gateway: this document is the order's record.</p>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def _won(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _context(order: Order, session: Session) -> dict[str, Any]:
    seller = session.get(Organisation, order.seller_org_id)
    buyer = session.get(Organisation, order.buyer_org_id)
    lic = LICENCES.get(order.licence)
    return {
        "order": order,
        "number": f"MFG-{order.created:%Y%m}-{order.id:06d}",
        "status": STATUS.get(order.status, (order.status, order.status)),
        "plan": PLAN.get(order.plan, (order.plan, order.plan)),
        "seller": seller.name if seller else "",
        "buyer": buyer.name if buyer else "",
        "licence_title": f"{lic.title_ko} / {lic.title_en}" if lic else order.licence,
        "rate": f"{(Decimal(order.vat_rate) * 100).normalize():f}",
        "won": _won,
        "api": order.terms.get("api"),
        "lines": order.terms.get("price_lines", []),
    }


def render_invoice(order: Order, session: Session) -> str:
    return _ENV.from_string(TEMPLATE).render(**_context(order, session))


#: Where a Korean TrueType font is looked for (Debian fonts-nanum first); ``MFGDATA_PDF_FONT``
#: (a .ttf path) wins. A bold face next to it (``...Bold.ttf``) is used for headings if present.
FONT_ENV = "MFGDATA_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
    "/usr/share/fonts/nanum/NanumGothic.ttf",
    "/usr/local/share/fonts/NanumGothic.ttf",
    "/Library/Fonts/NanumGothic.ttf",
    "C:/Windows/Fonts/malgun.ttf",
)


def korean_font() -> Path:
    """The Korean .ttf the PDF embeds; ConfigError (ko/en, with the fix) when none is installed."""
    configured = os.environ.get(FONT_ENV)
    candidates = [configured] if configured else list(FONT_CANDIDATES)
    for name in candidates:
        path = Path(name)
        if path.is_file() and path.suffix.lower() == ".ttf":
            return path
    where = configured or ", ".join(FONT_CANDIDATES[:2])
    raise ConfigError(
        f"PDF 청구서에 쓸 한글 글꼴(.ttf)이 없습니다 ({where}). 'make system-deps' 또는 "
        f"'apt-get install fonts-nanum'으로 설치하거나 {FONT_ENV}에 .ttf 경로를 지정하세요",
        f"no Korean font (.ttf) for the PDF invoice ({where}); install it with 'make "
        f"system-deps' or 'apt-get install fonts-nanum', or set {FONT_ENV} to a .ttf path",
    )


#: Characters of the price formulas that Korean fonts lack, written in words instead.
_NO_GLYPH = str.maketrans({"⌊": "floor(", "⌋": ")", "⌈": "ceil(", "⌉": ")"})


def invoice_pdf(order: Order, session: Session) -> bytes:
    """The invoice as a PDF (A4, Korean and English, the font embedded as a subset)."""
    from fpdf import FPDF  # imported here: only the PDF needs it

    c = _context(order, session)
    font = korean_font()
    bold = font.with_name(font.stem + "Bold" + font.suffix)
    pdf = FPDF(format="A4")
    pdf.set_title(f"청구서 / Invoice {c['number']}")
    pdf.set_creator("mfgdata")
    pdf.add_font("kr", "", str(font))
    pdf.add_font("kr", "B", str(bold if bold.is_file() else font))
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font("kr", "B", size)
        pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("kr", "", 10)

    def rows(pairs: list[tuple[str, str]], right: bool = False) -> None:
        with pdf.table(
            col_widths=(45, 95),
            text_align=("LEFT", "RIGHT" if right else "LEFT"),
            first_row_as_headings=False,
            line_height=6,
        ) as table:
            for key, value in pairs:
                row = table.row()
                row.cell(key)
                row.cell(value)

    o: Order = c["order"]
    won = c["won"]
    heading(f"청구서 / Invoice {c['number']}", 16)
    pdf.multi_cell(
        width,
        6,
        f"발행 / Issued {o.created:%Y-%m-%d %H:%M} UTC · "
        f"상태 / Status: {c['status'][0]} / {c['status'][1]}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    accepted = f"{o.licence_accepted_at:%Y-%m-%d %H:%M} UTC"
    rows(
        [
            ("판매자 / Seller", c["seller"]),
            ("구매자 / Buyer", c["buyer"]),
            (
                "제품 / Product",
                f"{o.product.title_ko} / {o.product.title_en} ({o.product_id} v{o.version})",
            ),
            ("제공 방식 / Plan", f"{c['plan'][0]} / {c['plan'][1]}"),
            (
                "라이선스 / Licence",
                f"{c['licence_title']} ({o.licence}), SHA-256 {o.licence_sha256[:16]}…, "
                f"동의 / accepted {accepted}",
            ),
        ]
    )
    heading("금액 / Amount (KRW)")
    rows(
        [
            ("공급가액 / Price before VAT", f"₩{won(o.price_krw)} KRW"),
            (f"부가가치세 / VAT ({c['rate']} %)", f"₩{won(o.vat_krw)} KRW"),
            ("합계 / Total", f"₩{won(o.total_krw)} KRW"),
        ],
        right=True,
    )
    api = c["api"]
    if api:
        heading("Open API 요금 / API price list (per call)")
        for line in (api.get("billing_ko", ""), api.get("billing_en", "")):
            if line:
                pdf.multi_cell(width, 6, str(line), new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(
            width,
            6,
            f"호출 요금 / call fee ₩{api.get('call_fee_krw')} KRW; "
            f"상한 / cap ₩{api.get('cap_krw')} KRW",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        with pdf.table(col_widths=(40, 40, 60), text_align=("LEFT", "LEFT", "RIGHT")) as table:
            head = table.row()
            for text in ("행 / rows from", "to", "₩ / row (KRW)"):
                head.cell(text)
            for tier in api.get("tiers", []):
                row = table.row()
                row.cell(str(tier.get("from_row")))
                row.cell(str(tier.get("to_row") or "∞"))
                row.cell(str(tier.get("krw_per_row")))
        pdf.multi_cell(
            width,
            6,
            "월별 사용 명세서로 청구합니다 / billed by the monthly usage statement.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if c["lines"]:
        heading("가격 산정 / How the price was set")
        for line in c["lines"]:
            text = str(line).translate(_NO_GLYPH)
            pdf.multi_cell(width, 5, f"· {text}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("kr", "", 8)
    pdf.multi_cell(
        width,
        5,
        "결제 대행 없음: 이 문서는 주문 기록입니다 / "
        "no payment gateway: this document is the order's record.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
