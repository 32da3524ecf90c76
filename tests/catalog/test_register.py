"""Registering a built product: rows, immutable copy, checksums; refusals leave nothing behind."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.test_retention import changed
from dbfixtures import make_user
from mfgdata.catalog.errors import RegistrationError
from mfgdata.catalog.metadata import ProductMeta
from mfgdata.catalog.register import products_root, register_product, sweep_orphans, version_folder
from mfgdata.db.tables import AuditLog, Product, ProductVersion
from mfgdata.pipeline.manifest import check_manifest


def _count(session: Session, table: type) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _store_entries() -> list[Path]:
    root = products_root()
    return sorted(root.rglob("*")) if root.exists() else []


def test_register_inserts_rows_and_copies_verified_files(
    db_session: Session, product_dir: Path
) -> None:
    user = make_user(db_session, org="Acme Injection")
    version = register_product(product_dir, session=db_session, owner_org=user.org_id, actor=user)
    quality = json.loads((product_dir / "quality.json").read_text(encoding="utf-8"))
    pricing = json.loads((product_dir / "pricing.json").read_text(encoding="utf-8"))
    product = db_session.get(Product, "injection-line-1")
    assert product is not None and product.owner_org_id == user.org_id
    assert (product.title_ko, product.title_en) == (
        "사출성형 공정 데이터",
        "Injection moulding process data",
    )
    assert product.process_family == "injection_molding"
    assert product.data_type == "timeseries"
    assert product.licence == pricing["licence"]
    assert (version.version, version.status) == (1, "draft")
    assert version.grade == quality["grade"] and version.score == pytest.approx(quality["score"])
    assert float(version.price_krw or 0) == pricing["price_krw"]
    assert version.rows == 300 and version.columns == pricing["columns"]
    stored = version_folder(version)
    assert stored == products_root() / "injection-line-1" / "1"
    assert check_manifest(stored) == []
    assert (
        version.manifest_sha256
        == hashlib.sha256((product_dir / "manifest.json").read_bytes()).hexdigest()
    )
    assert sorted(p.relative_to(stored) for p in stored.rglob("*")) == sorted(
        p.relative_to(product_dir) for p in product_dir.rglob("*")
    )
    # the copy is read-only (checked on the mode bits: root ignores them)
    assert all(not (p.stat().st_mode & 0o222) for p in [stored, *stored.rglob("*")])
    assert "사출성형" in version.search_text and "injection molding" in version.search_text
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "product.register")).one()
    assert audit.target == "product:injection-line-1@1" and audit.org_id == user.org_id


def test_second_registration_is_a_new_version(db_session: Session, product_dir: Path) -> None:
    user = make_user(db_session, org="Acme")
    register_product(product_dir, session=db_session, owner_org=user.org_id)
    second = register_product(changed(product_dir), session=db_session, owner_org=user.org_id)
    assert second.version == 2 and _count(db_session, Product) == 1


def test_meta_overrides_and_validation(db_session: Session, product_dir: Path) -> None:
    user = make_user(db_session, org="Acme")
    meta = ProductMeta(
        process_family="welding", problem_type="anomaly_detection", licence="CC-BY-4.0"
    )
    v = register_product(
        product_dir, session=db_session, owner_org=user.org_id, meta=meta, product_id="weld-1"
    )
    assert (v.product.process_family, v.product.problem_type, v.product.licence) == (
        "welding",
        "anomaly_detection",
        "CC-BY-4.0",
    )
    with pytest.raises(RegistrationError, match="process_family"):
        register_product(
            product_dir,
            session=db_session,
            owner_org=user.org_id,
            meta=ProductMeta(process_family="forging"),
        )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: (d / "quality.json").write_text('{"grade": "A", "score": 1.0}', encoding="utf-8"),
        lambda d: (d / "profile.json").unlink(),
        lambda d: (d / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8"),
        lambda d: (d / "manifest.json").unlink(),
    ],
    ids=["modified", "missing", "unlisted", "no-manifest"],
)
def test_tampered_product_is_refused_and_nothing_written(
    db_session: Session, product_dir: Path, tamper: object
) -> None:
    user = make_user(db_session, org="Acme")
    tamper(product_dir)  # type: ignore[operator]
    with pytest.raises(
        RegistrationError if (product_dir / "manifest.json").exists() else Exception
    ):
        register_product(product_dir, session=db_session, owner_org=user.org_id)
    assert _count(db_session, Product) == 0 and _count(db_session, ProductVersion) == 0
    assert [p for p in _store_entries() if p.is_file()] == []


def test_failure_between_copy_and_commit_leaves_nothing(
    db_session: Session, product_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(db_session, org="Acme")

    def crash() -> None:
        assert (products_root() / "injection-line-1" / "1" / "manifest.json").is_file()
        raise KeyboardInterrupt("killed between copy and commit")

    monkeypatch.setattr(db_session, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        register_product(product_dir, session=db_session, owner_org=user.org_id)
    monkeypatch.undo()
    assert _count(db_session, ProductVersion) == 0 and _count(db_session, Product) == 0
    assert not (products_root() / "injection-line-1" / "1").exists()
    assert [p for p in _store_entries() if p.is_file()] == []
    # the next attempt works
    assert register_product(product_dir, session=db_session, owner_org=user.org_id).version == 1


def test_copy_that_does_not_verify_is_removed(
    db_session: Session, product_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    user = make_user(db_session, org="Acme")
    real = shutil.copytree

    def corrupt_copy(src: Path, dst: Path, *args: object, **kwargs: object) -> object:
        out = real(src, dst, *args, **kwargs)  # type: ignore[arg-type]
        if Path(dst).name.startswith("."):  # the top-level temporary copy
            (Path(dst) / "profile.json").write_text("{}", encoding="utf-8")  # a bad disk
        return out

    monkeypatch.setattr("mfgdata.catalog.register.shutil.copytree", corrupt_copy)
    with pytest.raises(RegistrationError):
        register_product(product_dir, session=db_session, owner_org=user.org_id)
    assert _count(db_session, ProductVersion) == 0
    assert [p for p in _store_entries() if p.is_file()] == []


def test_orphan_from_a_crash_after_rename_is_swept(db_session: Session, product_dir: Path) -> None:
    user = make_user(db_session, org="Acme")
    orphan = products_root() / "injection-line-1" / "1"
    orphan.mkdir(parents=True)
    (orphan / "half.json").write_text("{}", encoding="utf-8")
    v = register_product(product_dir, session=db_session, owner_org=user.org_id)
    assert v.version == 1 and not (version_folder(v) / "half.json").exists()
    stray = products_root() / "injection-line-1" / "7"
    stray.mkdir()
    assert sweep_orphans(session=db_session) == [stray] and version_folder(v).is_dir()


def test_product_id_of_another_org_is_refused(db_session: Session, product_dir: Path) -> None:
    a = make_user(db_session, org="Acme")
    b = make_user(db_session, org="Beta")
    register_product(product_dir, session=db_session, owner_org=a.org_id)
    with pytest.raises(RegistrationError, match="another organisation"):
        register_product(product_dir, session=db_session, owner_org=b.org_id)
    assert _count(db_session, ProductVersion) == 1
