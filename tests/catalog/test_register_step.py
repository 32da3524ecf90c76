"""The register step in a real build, then registration of the finished folder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from dbfixtures import make_user, write_sample_csv
from mfgdata.catalog.register import version_folder
from mfgdata.flow import build
from mfgdata.pipeline import BuildOptions
from mfgdata.pipeline.manifest import check_manifest
from mfgdata.pipeline.results import QualityResult
from mfgdata.steps import ingest, package, preprocess, price, profile, quality
from mfgdata.steps.register import RegisterStep, register_product


def test_build_with_register_step_then_register(db_session: Session, tmp_path: Path) -> None:
    options = BuildOptions(
        inputs=(write_sample_csv(tmp_path / "weld.csv", rows=120, seed=7),),
        out=tmp_path / "product",
        time_column="일시",
        target="불량여부",
        title="용접 비드 데이터 / Weld bead data",
    )
    steps = [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        quality.QualityStep(),
        price.PriceStep(),
        package.PackageStep(),
        RegisterStep(),
    ]
    result = build(options, steps=steps)
    ready = result.results["register"]
    assert ready.data["ready"] is True and ready.data["missing"] == []
    assert ready.data["grade"] == result.results["quality"].of(QualityResult).grade
    assert ready.data["publishable"] is result.results["quality"].of(QualityResult).registrable
    owner = make_user(db_session, org="Weld Co")
    v = register_product(result.out, session=db_session, owner_org=owner.org_id, actor=owner)
    assert v.product_id == "product" and v.product.process_family == "welding"
    assert check_manifest(version_folder(v)) == []


def test_register_step_reports_missing_library_files(tmp_path: Path) -> None:
    options = BuildOptions(
        inputs=(write_sample_csv(tmp_path / "a.csv", rows=50),), out=tmp_path / "p"
    )
    result = build(options, steps=[ingest.IngestStep(), RegisterStep()])
    data = result.results["register"].data
    assert data["ready"] is False and data["grade"] is None and data["publishable"] is False
    assert data["missing"] == ["quality.json", "pricing.json", "datapackage.json"]
    codes = {f.code for f in result.results["register"].findings}
    assert codes == {"register.missing_file"}
