"""Monthly statements per buyer and per seller: API calls metered per token and plan (amount by
the plan's tiers, rounded once), approved download orders, VAT; the seller's own use is not
billed; the XLSX holds the same figures."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.catalog.metering import record_usage, version_price_list
from mfgdata.catalog.orders import decide_order, place_order
from mfgdata.catalog.register import register_product
from mfgdata.catalog.statements import month_start, monthly_statement, statement_xlsx
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import utcnow


def test_buyer_and_seller_statements(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner, licence="commercial")
    plan = place_order(session=db_session, buyer=buyer, version=v, plan="api", accept=True)
    download = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    decide_order(session=db_session, order=plan, actor=owner, approve=True)
    decide_order(session=db_session, order=download, actor=owner, approve=True)
    token = create_token(session=db_session, user=buyer, name="etl", scopes=["api"]).token
    own = create_token(session=db_session, user=owner, name="own", scopes=["api"]).token
    start = month_start(utcnow())
    calls = [(10, 2_000), (100, 15_000), (5, 900)]
    for i, (rows, nbytes) in enumerate(calls):
        record_usage(
            session=db_session,
            version=v,
            rows=rows,
            bytes_out=nbytes,
            token=token,
            at=start + timedelta(hours=i + 1),
        )
    record_usage(  # last month: not on this statement
        session=db_session,
        version=v,
        rows=50,
        bytes_out=1,
        token=token,
        at=start - timedelta(hours=1),
    )
    record_usage(session=db_session, version=v, rows=7, bytes_out=1, token=own, at=start)
    db_session.commit()
    prices = version_price_list(v)
    assert prices is not None
    metered = sum((prices.price(r) for r, _ in calls), start=Decimal(0))
    api_amount = metered.quantize(Decimal(1), rounding=ROUND_HALF_UP)

    bill = monthly_statement(session=db_session, org_id=buyer.org_id, side="buyer", month=start)
    api_lines = [line for line in bill.lines if line.plan == "api"]
    assert len(api_lines) == 1
    line = api_lines[0]
    assert (line.calls, line.rows, line.bytes) == (3, 115, 17_900)
    assert line.token == "etl" and line.order_id == plan.id and line.amount_krw == api_amount
    dl = [line for line in bill.lines if line.plan == "download"]
    assert [d.amount_krw for d in dl] == [download.price_krw]
    assert bill.subtotal_krw == api_amount + download.price_krw
    assert bill.vat_krw == (bill.subtotal_krw / 10).quantize(Decimal(1), rounding="ROUND_FLOOR")
    assert bill.total_krw == bill.subtotal_krw + bill.vat_krw

    sales = monthly_statement(session=db_session, org_id=owner.org_id, side="seller", month=start)
    assert sales.subtotal_krw == bill.subtotal_krw  # the owner's own calls are not billed
    assert {line.counterparty for line in sales.lines} == {"Buyer Co"}
    assert (
        monthly_statement(
            session=db_session, org_id=buyer.org_id, side="buyer", month=start - timedelta(days=1)
        )
        .lines[0]
        .rows
        == 50
    )

    book = openpyxl.load_workbook(io.BytesIO(statement_xlsx(bill)))
    sheet = book.active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row]
    assert 115 in flat and 17_900 in flat and float(bill.total_krw) in flat
    assert any(isinstance(v, str) and "부가가치세" in v for v in flat)
