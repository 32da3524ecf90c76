"""Usage metering: calls, rows, bytes per token, priced with the product's API price list."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.catalog.metering import price_list_from_dict, record_usage, usage_summary
from mfgdata.catalog.register import register_product


def test_usage_is_priced_with_the_products_price_list(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    version = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    api = json.loads((product_dir / "pricing.json").read_text(encoding="utf-8"))["api"]
    expected = price_list_from_dict(api)
    assert expected.to_dict() == {k: api[k] for k in ("call_fee_krw", "cap_krw", "tiers")}
    token = create_token(session=db_session, user=buyer, name="etl", scopes=["api"]).token
    other = create_token(session=db_session, user=buyer, name="other", scopes=["api"]).token
    calls = [(100, 5_000), (1, 80), (300, 12_000)]
    for rows, nbytes in calls:
        record_usage(session=db_session, version=version, rows=rows, bytes_out=nbytes, token=token)
    record_usage(session=db_session, version=version, rows=0, bytes_out=10, token=other)
    db_session.commit()
    total = usage_summary(session=db_session, token_id=token.id)
    assert (total.calls, total.rows, total.bytes) == (3, 401, 17_080)
    assert total.price_krw == sum((expected.price(r) for r, _ in calls), Decimal(0))
    assert total.price_krw > 0
    # one call for the whole table costs at most the cap; an empty answer costs nothing
    assert expected.price(300) <= expected.cap
    empty = usage_summary(session=db_session, token_id=other.id)
    assert (empty.calls, empty.price_krw) == (1, Decimal(0))
    assert usage_summary(session=db_session, user_id=buyer.id).calls == 4
    assert usage_summary(session=db_session, product_id="nothing").calls == 0
