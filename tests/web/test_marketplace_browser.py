"""The marketplace in a real browser (Debian chromium via Playwright) against a real uvicorn server
on a temporary MFGDATA_HOME and SQLite.

A chemical company's product has Korean columns (``반응기 온도``). The seller edits the proposed
title and description (saved, audited), then publishes it on the product page; a buyer searches
in English (``reactor``), reads the licence, orders the Open API plan under it (the product page
then shows the order, not a second order form); the seller approves on /orders; the buyer
downloads the zip (with the licence texts), makes an API token, calls the rows API twice with
it, and the monthly statement page shows those two calls, their rows and their amount by the
plan's tiers, with VAT and total.
"""

from __future__ import annotations

import shutil
import zipfile
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import polars as pl
import pytest
from sqlalchemy.orm import Session

from catalog.test_search_market import korean_reactor_folder
from mfgdata.catalog.licences import LICENCES
from mfgdata.catalog.metering import version_price_list
from mfgdata.catalog.register import register_product
from mfgdata.db.engine import make_engine
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import AuditLog, Organisation
from mfgdata.settings import Settings
from web.browser import ARGS, CHROMIUM, NEEDS_CHROMIUM
from web.browser import shot as _shot
from web.test_e2e_browser import _signup, site  # noqa: F401

PRODUCT = "reactor-log"
SELLER = "한국정밀화학"

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


def _register_draft(home: Path, built_product: Path) -> Settings:
    """The built product, its temperature column renamed '반응기 온도', registered as a draft
    of the seller's organisation in the server's home."""
    url = f"sqlite:///{home / 'mfgdata.db'}"
    settings = Settings(home=home, database_url=url)  # type: ignore[call-arg]
    folder = Path(shutil.copytree(built_product, home / "reactor-src"))
    for name in ("table.parquet", "flags.parquet"):  # the data itself, not only its description
        frame = pl.read_parquet(folder / "data" / name)
        frame.rename({"온도": "반응기 온도"}, strict=False).write_parquet(folder / "data" / name)
    csv = folder / "data" / "table.csv"
    head, rest = csv.read_text(encoding="utf-8").split("\n", 1)
    csv.write_text(head.replace("온도", "반응기 온도", 1) + "\n" + rest, encoding="utf-8")
    korean_reactor_folder(folder)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = session.query(Organisation).filter_by(name=SELLER).one()
        register_product(
            folder, session=session, owner_org=org, product_id=PRODUCT, settings=settings
        )
        session.commit()
    engine.dispose()
    return settings


def _expected_amount(settings: Settings, limits: tuple[int, ...]) -> Decimal:
    engine = make_engine(str(settings.database_url))
    with Session(engine) as session:
        row = get_version(session=session, product_id=PRODUCT, version=1, viewer=None)
        prices = version_price_list(row, settings)
        assert prices is not None
        total = sum((prices.price(n) for n in limits), start=Decimal(0))
    engine.dispose()
    return total.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _audited_edit(settings: Settings) -> set[str]:
    """The keys of the change recorded for the title edit (``product.edit``)."""
    engine = make_engine(str(settings.database_url))
    with Session(engine) as session:
        rows = session.query(AuditLog).filter_by(action="product.edit").all()
        assert len(rows) == 1 and rows[0].target == f"product:{PRODUCT}@1"
        change = rows[0].detail["title_ko"]
        assert change["new"] == "2공장 반응기 배치 기록"
    engine.dispose()
    return set(change)


def _krw(amount: Decimal) -> str:
    return f"₩{int(amount):,}"


def test_buyer_finds_orders_downloads_calls_and_sees_the_statement(
    site: str,  # noqa: F811
    tmp_path: Path,
    built_product: Path,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        seller = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        buyer = browser.new_context(
            locale="ko-KR", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        s = seller.new_page()
        _signup(s, site, SELLER, "manufacturer", "seller@kpchem.kr")
        b = buyer.new_page()
        _signup(b, site, "스마트바이어", "buyer", "buyer@smart.kr")

        # the seller's product, Korean columns, publishes it on the product page
        settings = _register_draft(tmp_path / "home", built_product)
        s.goto(f"{site}/products/{PRODUCT}/v/1")
        expect(s.locator("#schema")).to_contain_text("반응기 온도")
        # the proposed title and description, edited before publishing (saved and audited)
        expect(s.locator("#proposal")).to_be_visible()
        s.fill("#edit-title-ko", "2공장 반응기 배치 기록")
        s.fill("#edit-title-en", "Plant 2 reactor batch log")
        s.fill("#edit-description", "반응기 온도 배치 기록 / reactor temperature batch log")
        s.click("#save-details")
        expect(s.locator("#details-saved")).to_be_visible()
        expect(s.locator("#product-title")).to_have_text("2공장 반응기 배치 기록")
        expect(s.locator("#edit-title-en")).to_have_value("Plant 2 reactor batch log")
        _shot(s, "market-edit-details")
        expect(s.locator("#publish-licence")).to_have_value("internal-use")  # pricing.json's
        s.select_option("#publish-licence", "commercial")
        s.click("#btn-publish")
        expect(s.locator("#product-status")).to_have_text("게시됨")
        expect(s.locator("#edit-details")).to_have_count(0)  # fixed once published
        assert _audited_edit(settings) == {"old", "new"}

        # the buyer searches in English for the Korean column's word
        b.fill("input[name=q]", "reactor")
        b.press("input[name=q]", "Enter")
        hit = b.locator(f"#results a[href='/products/{PRODUCT}/v/1']")
        expect(hit).to_be_visible()
        expect(b.locator("#results")).to_contain_text("2공장 반응기 배치 기록")
        _shot(b, "market-search-reactor")
        hit.click()
        expect(b.locator("#schema")).to_contain_text("반응기 온도")
        expect(b.locator("#download")).to_have_count(0)

        # order the Open API plan: refused until the licence is accepted, then placed
        expect(b.locator("#licence-text")).to_be_visible()
        b.check("#order input[name=plan][value=api]")
        b.click("#place-order")
        expect(b.locator("body")).to_contain_text("라이선스")
        b.goto(f"{site}/products/{PRODUCT}/v/1")
        b.check("#order input[name=plan][value=api]")
        b.check("#accept-licence")
        b.click("#place-order")
        b.wait_for_url("**/orders")
        mine = b.locator("#orders-bought tr[data-order]")
        expect(mine).to_have_count(1)
        expect(mine).to_contain_text(SELLER)
        expect(mine.locator(".badge")).to_have_class("badge pending")
        order_id = mine.get_attribute("data-order")
        _shot(b, "market-order-pending")
        # the product page now shows the order, not a second request or order form
        b.goto(f"{site}/products/{PRODUCT}/v/1")
        expect(b.locator("#my-order-status")).to_have_class("badge pending")
        expect(b.locator("#request-access")).to_have_count(0)
        expect(b.locator("#order")).to_have_count(0)
        expect(b.locator("#my-order-download")).to_have_count(0)

        # the seller approves on /orders
        s.goto(f"{site}/orders")
        s.click(f"#approve-order-{order_id}")
        sold = s.locator(f"#orders-sold tr[data-order='{order_id}']")
        expect(sold.locator(".badge")).to_have_class("badge approved")
        expect(s.locator(f"#approve-order-{order_id}")).to_have_count(0)

        # the buyer downloads the zip
        b.goto(f"{site}/products/{PRODUCT}/v/1")
        expect(b.locator("#my-order-status")).to_have_class("badge approved")
        expect(b.locator("#my-order-api")).to_contain_text(
            f"/api/v1/products/{PRODUCT}/versions/1/rows"
        )
        _shot(b, "market-order-approved")
        with b.expect_download() as info:
            b.click("#my-order-download")
        saved = tmp_path / "reactor.zip"
        info.value.save_as(saved)
        with zipfile.ZipFile(saved) as zf:
            assert zf.testzip() is None
            assert f"{PRODUCT}-v1/manifest.json" in zf.namelist()
            licence = zf.read(f"{PRODUCT}-v1/LICENSE.ko.md").decode("utf-8")
            assert LICENCES["commercial"].text_ko in licence and SELLER in licence

        # an API token (read + api, the page's defaults) and two calls of the rows API
        b.goto(f"{site}/account/tokens")
        b.fill("#token-name", "plant-etl")
        b.click("form[action='/account/tokens'] button[type=submit]")
        secret = b.locator("#token-secret").inner_text().strip()
        assert secret.startswith("mfg_")
        limits = (5, 20)
        for limit in limits:
            resp = httpx.get(
                f"{site}/api/v1/products/{PRODUCT}/versions/1/rows",
                params={"limit": limit},
                headers={"Authorization": f"Bearer {secret}"},
                timeout=60,
            )
            assert resp.status_code == 200, resp.text
            rows = resp.json()["rows"]
            assert len(rows) == limit and "반응기 온도" in rows[0]

        # the buyer's statement: the two calls, their rows and amount, VAT and total
        b.goto(f"{site}/orders")
        b.click("#statements-link")
        b.wait_for_url("**/statements")
        line = b.locator("#statement tbody tr", has_text=PRODUCT)
        expect(line).to_have_count(1)
        expect(line.locator("td").nth(1)).to_have_text("api")
        expect(line.locator("td").nth(2)).to_have_text(SELLER)
        expect(line.locator("td").nth(3)).to_have_text("plant-etl")
        expect(line.locator(".calls")).to_have_text("2")
        expect(line.locator(".rows")).to_have_text(str(sum(limits)))
        amount = _expected_amount(settings, limits)
        assert amount > 0
        expect(line.locator(".amount")).to_have_text(_krw(amount))
        vat = (amount * Decimal("0.10")).quantize(Decimal(1), rounding=ROUND_FLOOR)
        expect(b.locator("#statement-total")).to_have_text(_krw(amount + vat))
        _shot(b, "market-statement")
        browser.close()
