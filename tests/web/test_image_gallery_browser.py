"""An image product in a real browser (issue 15): the owner opens the product page, sees the
gallery (images served by the image API, one heading per class) and gets a prediction for an
uploaded image. Real uvicorn server, Debian chromium via Playwright."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.images.conftest import inspection_set

from mfgdata.catalog.register import register_product
from mfgdata.db.engine import make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.db.tables import Organisation
from mfgdata.flow import build, image_steps
from mfgdata.pipeline.context import build_options
from mfgdata.settings import Settings
from mfgdata.steps.vision_model import ImageModelStep
from web.browser import ARGS, CHROMIUM, NEEDS_CHROMIUM, PASSWORD, serve, shot

PRODUCT = "vision-cells"
pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
pytest.importorskip("torch")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A server on a fresh home, and a small built image product (3 epochs, no noise search)."""
    src = tmp_path / "gen"
    inspection_set(src, n_good=30, n_defect=30, noise=0.0)
    product = tmp_path / "product"
    steps = image_steps()
    steps[1] = ImageModelStep(epochs=3, noise_max_images=0)
    build(build_options([src / "images"], product, {"labels": src / "labels.csv"}), steps=steps)
    home = tmp_path / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    with serve(home, url, tmp_path) as base:
        yield base, product, home


def test_gallery_and_prediction_in_the_browser(
    site: tuple[str, Path, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    base, product, home = site
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(locale="en-US")
        page.goto(f"{base}/signup")
        page.fill("#organisation", "Cells Inc")
        page.select_option("#kind", "manufacturer")
        page.fill("#name", "Cells Inc")
        page.fill("#email", "qa@cells.kr")
        page.fill("#password", PASSWORD)
        page.click("form[action='/signup'] button[type=submit]")
        page.wait_for_load_state()
        url = f"sqlite:///{home / 'mfgdata.db'}"
        settings = Settings(home=home, database_url=url)  # type: ignore[call-arg]
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            org = session.query(Organisation).filter_by(name="Cells Inc").one()
            register_product(
                product, session=session, owner_org=org, product_id=PRODUCT, settings=settings
            )
        engine.dispose()

        page.goto(f"{base}/products/{PRODUCT}/v/1")
        gallery = page.locator("#gallery")
        gallery.wait_for()
        headings = gallery.locator("h3.gallery-class").all_inner_texts()
        assert any(h.startswith("ok") for h in headings), headings
        assert any(h.startswith("crack") for h in headings), headings
        images = gallery.locator("img.gallery-image")
        assert images.count() >= 10
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.gallery-image')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        # a prediction for an uploaded image: one of the defect images of the set
        page.set_input_files(
            "#predict-image-file", str(tmp_path / "gen" / "images" / "cell0031.png")
        )
        page.click("#predict-image-submit")
        result = page.locator("#predict-image-result")
        page.wait_for_function(
            "() => document.getElementById('predict-image-result').dataset.predicted"
        )
        text = result.inner_text()
        assert "cell0031.png" in text and ("P(defect)" in text or "P(불량)" in text), text
        assert result.get_attribute("data-predicted") in {"good", "defect"}
        shot(page, "image-gallery")
        # through the API a text file is refused with a clear 422 (never a 500)
        csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "mfgdata_csrf")
        bad = page.request.post(
            f"{base}/api/v1/products/{PRODUCT}/versions/1/predict",
            multipart={"file": {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"x"}},
            headers={"X-CSRF-Token": csrf},
        )
        assert bad.status == 422, bad.text()
        assert "not an image file" in bad.text()
        browser.close()
