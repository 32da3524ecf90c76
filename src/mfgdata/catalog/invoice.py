"""The invoice document of an order: one self-contained HTML page in Korean and English.

Amounts are the order's own record (price before VAT, VAT, total as quoted when placed), never
recomputed from a price list that may have changed since.
"""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment, select_autoescape
from sqlalchemy.orm import Session

from mfgdata.catalog.licences import LICENCES
from mfgdata.db.tables import Order, Organisation

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


def render_invoice(order: Order, session: Session) -> str:
    seller = session.get(Organisation, order.seller_org_id)
    buyer = session.get(Organisation, order.buyer_org_id)
    lic = LICENCES.get(order.licence)
    return _ENV.from_string(TEMPLATE).render(
        order=order,
        number=f"MFG-{order.created:%Y%m}-{order.id:06d}",
        status=STATUS.get(order.status, (order.status, order.status)),
        plan=PLAN.get(order.plan, (order.plan, order.plan)),
        seller=seller.name if seller else "",
        buyer=buyer.name if buyer else "",
        licence_title=f"{lic.title_ko} / {lic.title_en}" if lic else order.licence,
        rate=f"{order.vat_rate * 100:g}",
        won=_won,
        api=order.terms.get("api"),
        lines=order.terms.get("price_lines", []),
    )
