"""The order commands and ``publish --licence``: list, approve, write the invoice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dbfixtures import make_user
from mfgdata.catalog.licences import LICENCES
from mfgdata.catalog.orders import place_order
from mfgdata.catalog.register import register_product, version_folder
from mfgdata.cli.app import app as cli_app
from mfgdata.cli.console import console
from mfgdata.db.tables import Order


def test_publish_with_licence_then_orders(
    db_session: Session, product_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    runner = CliRunner()
    bad = runner.invoke(cli_app, ["publish", v.product_id, "--licence", "whatever"])
    assert bad.exit_code == 2 and "standard licence" in bad.output
    assert "표준 라이선스가 아닙니다" in bad.output
    args = ["publish", v.product_id, "--licence", "commercial", "--approval"]
    ok = runner.invoke(cli_app, [*args, "--title-ko", "사출 1라인 데이터"])
    assert ok.exit_code == 0, ok.output
    db_session.expire_all()
    assert (v.product.licence, v.product.approval_required) == ("commercial", True)
    assert v.product.title_ko == "사출 1라인 데이터"
    stamped = (version_folder(v) / "LICENSE.ko.md").read_text(encoding="utf-8")
    assert LICENCES["commercial"].text_ko in stamped
    order = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    db_session.commit()
    monkeypatch.setattr(console, "width", 200)
    listed = runner.invoke(cli_app, ["orders", "list", "--status", "pending"])
    assert listed.exit_code == 0 and "Buyer Co" in listed.output and "pending" in listed.output
    decided = runner.invoke(cli_app, ["orders", "decide", str(order.id), "approve"])
    assert decided.exit_code == 0 and "approved" in decided.output, decided.output
    assert runner.invoke(cli_app, ["orders", "decide", str(order.id), "deny"]).exit_code == 2
    out = tmp_path / "invoice.html"
    made = runner.invoke(cli_app, ["orders", "invoice", str(order.id), "--out", str(out)])
    assert made.exit_code == 0 and f"{int(order.total_krw):,}" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "invoice.pdf"
    made = runner.invoke(cli_app, ["orders", "invoice", str(order.id), "--out", str(pdf)])
    assert made.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF-")
    db_session.expire_all()
    assert db_session.get(Order, order.id).status == "approved"  # type: ignore[union-attr]
