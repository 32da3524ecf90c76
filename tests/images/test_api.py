"""The web side of an image product (issue 15): image records with URLs, one image per record,
predictions for an uploaded image (API) and for a folder (CLI)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session
from tests.images.conftest import inspection_set
from typer.testing import CliRunner

from mfgdata.catalog.register import register_product
from mfgdata.cli.app import app as cli
from mfgdata.db.engine import make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.db.tables import Organisation
from mfgdata.flow import build, image_steps
from mfgdata.pipeline.context import build_options
from mfgdata.settings import Settings
from mfgdata.steps.vision_model import ImageModelStep
from web.world import signup

pytest.importorskip("torch")
PID = "cells-api"
API = f"/api/v1/products/{PID}/versions/1"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str, Path]]:
    root = tmp_path_factory.mktemp("api")
    inspection_set(root / "gen", n_good=24, n_defect=24, noise=0.0)
    product = root / "product"
    steps = image_steps()
    steps[1] = ImageModelStep(epochs=2, noise_max_images=0)
    opts = {"labels": root / "gen" / "labels.csv"}
    build(build_options([root / "gen" / "images"], product, opts), steps=steps)
    home = root / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    settings = Settings(home=home, database_url=url)  # type: ignore[call-arg]
    from mfgdata.api.pages.site import create_site

    client = TestClient(create_site(settings), raise_server_exceptions=False)
    csrf = signup(client, "Cells", "manufacturer")
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = session.query(Organisation).filter_by(name="Cells").one()
        register_product(product, session=session, owner_org=org, product_id=PID, settings=settings)
    engine.dispose()
    yield client, csrf, root
    client.close()


def test_image_records_list_labels_sizes_and_urls(world: tuple[TestClient, str, Path]) -> None:
    client, _, _ = world
    r = client.get(f"{API}/images", params={"label": "crack", "limit": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 6 and len(body["images"]) == 3
    rec = body["images"][0]
    assert rec["label"] == "crack" and rec["width"] in (96, 112, 128)
    assert body["units"]["width"] == "px"
    img = client.get(rec["url"])
    assert img.status_code == 200 and img.headers["content-type"].startswith("image/")
    with Image.open(io.BytesIO(img.content)) as im:
        assert im.size == (rec["width"], rec["height"])


def test_image_download_refuses_paths_outside_the_images(
    world: tuple[TestClient, str, Path],
) -> None:
    client, _, _ = world
    for bad in ("../manifest.json", "nope.png", "..%2Fquality.json"):
        r = client.get(f"{API}/images/{bad}")
        assert r.status_code == 404, (bad, r.status_code)
        assert "error" in r.json()


def test_predict_an_uploaded_image(world: tuple[TestClient, str, Path]) -> None:
    client, csrf, root = world
    data = (root / "gen" / "images" / "cell0033.bmp").read_bytes()
    r = client.post(
        f"{API}/predict",
        files={"file": ("cell0033.bmp", data, "image/bmp")},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert 0.0 <= body["p_defect"] <= 1.0 and body["predicted"] in {"good", "defect"}
    assert "model_usable" in body and body["operating_points"]
    broken = client.post(
        f"{API}/predict",
        files={"file": ("broken.png", data[:100], "image/png")},
        headers={"X-CSRF-Token": csrf},
    )
    assert broken.status_code == 422 and "cannot be read" in broken.text


def test_cli_predicts_a_folder(world: tuple[TestClient, str, Path], tmp_path: Path) -> None:
    _, _, root = world
    out = tmp_path / "pred.csv"
    r = CliRunner().invoke(
        cli,
        ["predict", str(root / "product"), "--input", str(root / "gen" / "images"), "-o", str(out)],
    )
    assert r.exit_code == 0, r.output
    df = pl.read_csv(out)
    assert df.columns == ["image", "p_defect", "predicted", "error"]
    rows = {r["image"]: r for r in df.iter_rows(named=True)}
    assert rows["cell0000.png"]["predicted"] in {"good", "defect"}
    assert rows["broken.png"]["p_defect"] is None and rows["broken.png"]["error"]
    assert rows["fake.jpg"]["error"].startswith("not_image")


def test_product_page_shows_the_gallery_and_predict_form(
    world: tuple[TestClient, str, Path],
) -> None:
    client, _, _ = world
    r = client.get(f"/products/{PID}/v/1")
    assert r.status_code == 200, r.text[:2000]
    assert 'id="gallery"' in r.text and 'id="predict-image-form"' in r.text
    assert f"{API}/images/cell0000.png" in r.text


def test_previews_are_browser_safe_pngs(world: tuple[TestClient, str, Path]) -> None:
    """TIFF and 16-bit PNG records get an 8-bit PNG preview (browsers show no TIFF)."""
    client, _, _ = world
    for name in ("cell0004.tif", "cell0001.png"):
        r = client.get(f"{API}/images/{name}", params={"thumb": "true"})
        assert r.status_code == 200 and r.headers["content-type"] == "image/png", name
        with Image.open(io.BytesIO(r.content)) as im:
            assert im.mode in ("L", "RGB") and max(im.size) <= 160
            assert 20 < sum(im.convert("L").getdata()) / (im.width * im.height) < 235
