"""Monthly statements of the library per organisation, as buyer or as seller.

- Open API use: the metered calls (``usage`` rows, priced per call by the product's API tiers
  when metered) grouped per product, buyer organisation and token; the plan is the buyer's
  approved API order of that product (``grant`` when access came from a grant without an order).
  A line's amount is the exact sum of its calls, rounded half-up to 1 KRW once.
- Downloads: the download orders approved in the month, at the price they were ordered at.
- A seller's own calls on its own products are not billed.
- VAT: ⌊subtotal × 10 %⌋, shown separately.

Months are calendar months in UTC: ``[month_start, next month)``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

from openpyxl import Workbook
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from mfgdata.catalog.errors import InvalidQuery
from mfgdata.db.tables import ApiToken, Order, Organisation, Product, Usage, User

Side = Literal["buyer", "seller"]
VAT_RATE = Decimal("0.10")


@dataclass(frozen=True)
class StatementLine:
    product_id: str
    plan: str  # api | grant | download
    counterparty: str
    token: str
    calls: int
    rows: int
    bytes: int
    amount_krw: Decimal
    order_id: int | None = None


@dataclass(frozen=True)
class Statement:
    org_id: int
    org_name: str
    side: Side
    month: datetime
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def subtotal_krw(self) -> Decimal:
        return sum((line.amount_krw for line in self.lines), start=Decimal(0))

    @property
    def vat_krw(self) -> Decimal:
        return (self.subtotal_krw * VAT_RATE).quantize(Decimal(1), rounding=ROUND_FLOOR)

    @property
    def total_krw(self) -> Decimal:
        return self.subtotal_krw + self.vat_krw


def month_start(when: datetime) -> datetime:
    return datetime(when.year, when.month, 1, tzinfo=UTC)


def parse_month(month: str) -> datetime:
    """``YYYY-MM`` → the month's first instant (UTC); InvalidQuery otherwise."""
    try:
        return datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    except ValueError as e:
        raise InvalidQuery(
            f"월은 YYYY-MM 형식입니다: {month}", f"a month is YYYY-MM: {month!r}"
        ) from e


def next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def _api_lines(
    session: Session, org_id: int, side: Side, start: datetime, end: datetime
) -> list[StatementLine]:
    user_org = User.org_id
    mine = user_org == org_id if side == "buyer" else Product.owner_org_id == org_id
    other = Product.owner_org_id != org_id if side == "buyer" else user_org != org_id
    stmt = (
        select(
            Usage.product_id,
            user_org,
            Product.owner_org_id,
            func.coalesce(ApiToken.name, ""),
            func.sum(Usage.calls),
            func.sum(Usage.rows),
            func.sum(Usage.bytes),
            func.sum(Usage.price_krw),
        )
        .join(User, User.id == Usage.user_id)
        .join(Product, Product.id == Usage.product_id)
        .outerjoin(ApiToken, ApiToken.id == Usage.token_id)
        .where(mine, other, Usage.at >= start, Usage.at < end)
        .group_by(Usage.product_id, user_org, Product.owner_org_id, ApiToken.name)
        .order_by(Usage.product_id, user_org, ApiToken.name)
    )
    names = {int(i): str(n) for i, n in session.execute(select(Organisation.id, Organisation.name))}
    out = []
    for pid, buyer_org, seller_org, token, calls, rows, nbytes, amount in session.execute(stmt):
        order = session.scalars(
            select(Order.id)
            .where(
                Order.product_id == pid,
                Order.buyer_org_id == buyer_org,
                Order.plan == "api",
                Order.status == "approved",
            )
            .order_by(Order.id.desc())
        ).first()
        out.append(
            StatementLine(
                product_id=str(pid),
                plan="api" if order is not None else "grant",
                counterparty=names.get(seller_org if side == "buyer" else buyer_org, ""),
                token=str(token),
                calls=int(calls or 0),
                rows=int(rows or 0),
                bytes=int(nbytes or 0),
                amount_krw=Decimal(str(amount or 0)).quantize(Decimal(1), rounding=ROUND_HALF_UP),
                order_id=order,
            )
        )
    return out


def _download_lines(
    session: Session, org_id: int, side: Side, start: datetime, end: datetime
) -> list[StatementLine]:
    column = Order.buyer_org_id if side == "buyer" else Order.seller_org_id
    other = aliased(Organisation)
    counter = Order.seller_org_id if side == "buyer" else Order.buyer_org_id
    stmt = (
        select(Order, other.name)
        .join(other, other.id == counter)
        .where(
            and_(
                column == org_id,
                Order.plan == "download",
                Order.status == "approved",
                Order.decided_at >= start,
                Order.decided_at < end,
            )
        )
        .order_by(Order.id)
    )
    return [
        StatementLine(
            product_id=o.product_id,
            plan="download",
            counterparty=str(name),
            token="",
            calls=0,
            rows=0,
            bytes=0,
            amount_krw=o.price_krw,
            order_id=o.id,
        )
        for o, name in session.execute(stmt)
    ]


def monthly_statement(*, session: Session, org_id: int, side: Side, month: datetime) -> Statement:
    """The statement of organisation ``org_id`` as ``side`` for the month holding ``month``."""
    start = month_start(month)
    end = next_month(start)
    org = session.get(Organisation, org_id)
    lines = _api_lines(session, org_id, side, start, end)
    lines += _download_lines(session, org_id, side, start, end)
    return Statement(org_id, org.name if org else "", side, start, lines)


HEADERS = (
    ("제품 / Product", "product_id"),
    ("제공 방식 / Plan", "plan"),
    ("상대 조직 / Counterparty", "counterparty"),
    ("토큰 / Token", "token"),
    ("호출 / Calls", "calls"),
    ("행 / Rows", "rows"),
    ("바이트 / Bytes", "bytes"),
    ("금액 / Amount (KRW)", "amount_krw"),
    ("주문 / Order", "order_id"),
)


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as an XLSX workbook (one sheet; numbers as numbers)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{statement.month:%Y-%m}"
    role = "구매 / buyer" if statement.side == "buyer" else "판매 / seller"
    sheet.append([f"월별 명세서 / Monthly statement {statement.month:%Y-%m}"])
    sheet.append(["조직 / Organisation", statement.org_name, role])
    sheet.append([])
    sheet.append([h for h, _ in HEADERS])
    for line in statement.lines:
        values = [getattr(line, attr) for _, attr in HEADERS]
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    sheet.append([])
    sheet.append(["공급가액 / Subtotal", float(statement.subtotal_krw)])
    sheet.append(["부가가치세 / VAT (10 %)", float(statement.vat_krw)])
    sheet.append(["합계 / Total", float(statement.total_krw)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
