"""Publishing writes the chosen licence into the product package: LICENSE.ko.md, LICENSE.en.md
and datapackage.json ``licenses``, under a new manifest; a rollback puts the old copy back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.catalog.licences import LICENCES
from mfgdata.catalog.register import register_product, version_folder
from mfgdata.catalog.workflow import publish, verify
from mfgdata.pipeline.manifest import check_manifest, read_manifest


def test_publish_puts_the_licence_text_in_the_package(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme 화학")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id, actor=owner)
    folder = version_folder(v)
    registered = v.manifest_sha256
    data_before = (folder / "data" / "table.parquet").stat().st_ino
    assert not (folder / "LICENSE.ko.md").exists()
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner, licence="commercial")
    db_session.commit()

    lic = LICENCES["commercial"]
    ko = (folder / "LICENSE.ko.md").read_text(encoding="utf-8")
    en = (folder / "LICENSE.en.md").read_text(encoding="utf-8")
    assert lic.text_ko in ko and lic.title_ko in ko and "Acme 화학" in ko and lic.sha256 in ko
    assert lic.text_en in en and lic.title_en in en and f"`{v.product_id}` v1" in en
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [
        {"name": "commercial", "title": f"{lic.title_en} / {lic.title_ko}", "path": "LICENSE.en.md"}
    ]
    assert package["resources"]  # the rest of the descriptor is kept
    assert check_manifest(folder) == []
    manifest = read_manifest(folder)
    assert manifest["licence"] == "commercial" and "LICENSE.ko.md" in manifest["files"]
    assert v.manifest_sha256 != registered
    assert v.manifest_sha256 == hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    assert (folder / "data" / "table.parquet").stat().st_ino == data_before  # linked, not copied
    assert [p.name for p in folder.parent.iterdir()] == ["1"]  # the previous copy is gone

    again = register_product(product_dir, session=db_session, owner_org=owner.org_id, actor=owner)
    assert again.id == v.id  # the unchanged source still finds the published version


def test_a_rolled_back_publish_restores_the_registered_copy(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id, actor=owner)
    verify(session=db_session, version=v, actor=owner)
    db_session.commit()
    folder = version_folder(v)
    before = (folder / "manifest.json").read_bytes()
    publish(session=db_session, version=v, actor=owner, licence="CC-BY-4.0")
    assert (folder / "LICENSE.en.md").is_file()
    db_session.rollback()
    assert (folder / "manifest.json").read_bytes() == before
    assert not (folder / "LICENSE.en.md").exists() and check_manifest(folder) == []
    assert [p.name for p in folder.parent.iterdir()] == ["1"]
    assert v.status == "verified"

    publish(session=db_session, version=v, actor=owner, licence="CC-BY-4.0")
    db_session.commit()
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "deed.ko" in (folder / "LICENSE.ko.md").read_text(encoding="utf-8")
