"""API fixtures: a real product (pipeline build, with AAS and an ONNX model), registered in a
migrated SQLite catalog under a session-wide MFGDATA_HOME, published; plus a draft product."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dbfixtures import write_sample_csv
from mfgdata.api.app import create_app
from mfgdata.api.deps import default_authorize, get_authorizer
from mfgdata.cli.app import app
from mfgdata.db.engine import dispose_engines, make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.pipeline.manifest import read_manifest, write_manifest
from mfgdata.settings import Settings
from modeling.plantfiles import plant_csv

PRODUCT = "api-injection"
DRAFT = "api-draft"
PLANT = "api-plant"


@dataclass(frozen=True)
class ApiWorld:
    settings: Settings
    folder: Path
    draft_folder: Path
    table: pl.DataFrame


def _build(base: Path, product_id: str) -> Path:
    from mfgdata.flow import build
    from mfgdata.pipeline import BuildOptions
    from mfgdata.steps import aas, ingest, package, preprocess, price, profile, quality

    options = BuildOptions(
        inputs=(write_sample_csv(base / f"{product_id}.csv", rows=240),),
        out=base / product_id,
        time_column="일시",
        target="불량여부",
        id_column="설비ID",
        title="사출 API 시험 / Injection API test",
        product_id=product_id,
    )
    steps = [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        quality.QualityStep(),
        price.PriceStep(),
        aas.AasStep(),
        package.PackageStep(),
    ]
    return build(options, steps=steps).out


def add_model(folder: Path) -> None:
    """A small ONNX classifier on the two sensors with its FeatureSpec (model/features.json)."""
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    from mfgdata.modeling.features import FeatureSpec

    df = pl.read_parquet(folder / "data" / "table.parquet")
    numeric = [c for c, t in df.schema.items() if t == pl.Float64][:2]
    spec = FeatureSpec(
        features=[{"name": c, "source": c, "kind": "numeric"} for c in numeric],
        target="불량여부",
        task="binary",
        group=None,
        time=None,
        classes=["False", "True"],
    )
    x = df.select(numeric).to_numpy().astype(np.float32)
    y = df.get_column("불량여부").cast(pl.Int64).to_numpy()
    clf = LogisticRegression(max_iter=200).fit(x, y)
    onx = to_onnx(clf, x[:1], options={id(clf): {"zipmap": False}}, target_opset=17)
    (folder / "model").mkdir(exist_ok=True)
    (folder / "model" / "model.onnx").write_bytes(onx.SerializeToString())
    (folder / "model" / "features.json").write_text(json.dumps(spec.to_dict()), encoding="utf-8")
    header = {k: v for k, v in read_manifest(folder).items() if k != "files"}
    write_manifest(folder, header)


def publish(session: Session, folder: Path, settings: Settings) -> Any:
    """Register ``folder`` for the organisation "API 시험", verify and publish it; commit."""
    from mfgdata.catalog import workflow
    from mfgdata.catalog.register import register_product

    org = get_or_create_organisation(session=session, name="API 시험", kind="manufacturer")
    row = register_product(folder, session=session, owner_org=org, settings=settings)
    workflow.verify(session=session, version=row, actor=None, settings=settings)
    workflow.publish(session=session, version=row, actor=None, settings=settings)
    session.commit()
    return org


@pytest.fixture(scope="session")
def api_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:

    from mfgdata.catalog.register import register_product

    base = tmp_path_factory.mktemp("api-build")
    home = tmp_path_factory.mktemp("api-home")
    folder = _build(base, PRODUCT)
    add_model(folder)
    draft = Path(shutil.copytree(folder, base / DRAFT))
    url = f"sqlite:///{home / 'mfgdata.db'}"
    settings = Settings(home=home, database_url=url)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = publish(session, folder, settings)
        register_product(draft, session=session, owner_org=org, product_id=DRAFT, settings=settings)
        stored = home / "objects" / "products" / PRODUCT / "1"
    engine.dispose()
    table = pl.read_parquet(stored / "data" / "table.parquet")
    yield ApiWorld(settings, stored, home / "objects" / "products" / DRAFT / "1", table)
    dispose_engines()


@pytest.fixture(scope="session")
def client(api_world: ApiWorld) -> Iterator[TestClient]:
    """The data plane on its own: published products are open to anyone here (the default
    authorizer); who may read what is tested with the real authorizer in test_auth.py."""
    app = create_app(api_world.settings)
    app.dependency_overrides[get_authorizer] = lambda: default_authorize
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def plant(api_world: ApiWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``api-plant``: a product built by the whole flow (model included, quality flags in
    data/flags.parquet) from a CP949 export, published in the API's catalog; yields its folder."""
    tmp = tmp_path_factory.mktemp("api-plant")
    raw = plant_csv(tmp / "사출_2024-03.csv")
    out = tmp / "product"
    args = ["build", str(raw), "--out", str(out), "--product-id", PLANT]
    built = CliRunner().invoke(app, [*args, "--target", "불량여부", "--id-column", "설비ID"])
    assert built.exit_code == 0, built.output
    settings = api_world.settings
    engine = make_engine(str(settings.database_url))
    with Session(engine, expire_on_commit=False) as session:
        publish(session, out, settings)
    engine.dispose()
    yield settings.home / "objects" / "products" / PLANT / "1"
