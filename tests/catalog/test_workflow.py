"""The status workflow: draft → verified → published → retired; one-year retention."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.test_retention import changed
from dbfixtures import make_user
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog.errors import WorkflowError
from mfgdata.catalog.register import register_product, version_folder
from mfgdata.catalog.workflow import delete_version, publish, retire, verify
from mfgdata.db.tables import AuditLog, ProductVersion
from mfgdata.pipeline.manifest import read_manifest, write_manifest


def _with_grade(folder: Path, grade: str) -> Path:
    """A legitimate product whose quality step graded it ``grade`` (manifest rewritten)."""
    q = json.loads((folder / "quality.json").read_text(encoding="utf-8"))
    q["grade"] = grade
    (folder / "quality.json").write_text(json.dumps(q), encoding="utf-8")
    header = {k: v for k, v in read_manifest(folder).items() if k != "files"}
    write_manifest(folder, header)
    return folder


def test_full_lifecycle_is_audited(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id, actor=owner)
    with pytest.raises(WorkflowError, match="cannot publish"):
        publish(session=db_session, version=v, actor=owner)  # draft cannot be published
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner)
    db_session.commit()
    assert v.status == "published" and v.published_at is not None and v.verified_at is not None
    with pytest.raises(WorkflowError):
        verify(session=db_session, version=v, actor=owner)
    retire(session=db_session, version=v, actor=owner)
    db_session.commit()
    assert v.status == "retired" and v.retired_at is not None
    actions = db_session.scalars(
        select(AuditLog.action)
        .where(AuditLog.target == "product:injection-line-1@1")
        .order_by(AuditLog.id)
    ).all()
    assert list(actions) == [
        "product.register",
        "product.verify",
        "product.publish",
        "product.retire",
    ]


def test_publishing_below_registration_grade_is_refused(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(_with_grade(product_dir, "C"), session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    with pytest.raises(WorkflowError) as refused:
        publish(session=db_session, version=v, actor=owner)
    assert "below the registration grade B" in refused.value.en and "등록 기준" in refused.value.ko
    assert refused.value.status_code == 409 and v.status == "verified"


def test_verify_needs_an_intact_copy_and_a_grade(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    stored = version_folder(v)
    stored.chmod(0o755)
    (stored / "report.html").chmod(0o644)
    (stored / "report.html").write_text("<p>changed</p>", encoding="utf-8")
    with pytest.raises(WorkflowError, match="do not match"):
        verify(session=db_session, version=v, actor=owner)
    v2 = register_product(changed(product_dir), session=db_session, owner_org=owner.org_id)
    v2.grade = None
    with pytest.raises(WorkflowError, match="no quality assessment"):
        verify(session=db_session, version=v2, actor=owner)


def test_published_version_is_kept_a_year(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner)
    db_session.commit()
    with pytest.raises(WorkflowError, match="retire it first"):
        delete_version(session=db_session, version=v, actor=owner)
    retire(session=db_session, version=v, actor=owner)
    assert v.published_at is not None
    with pytest.raises(WorkflowError, match="kept for one year"):
        delete_version(
            session=db_session, version=v, actor=owner, now=v.published_at + timedelta(days=364)
        )
    folder = version_folder(v)
    delete_version(
        session=db_session, version=v, actor=owner, now=v.published_at + timedelta(days=365)
    )
    assert db_session.scalars(select(ProductVersion)).all() == [] and not folder.exists()


def test_draft_can_be_deleted(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    delete_version(session=db_session, version=v, actor=owner)
    assert db_session.scalars(select(ProductVersion)).all() == []


def test_other_orgs_and_buyers_cannot_move_the_workflow(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme")
    other = make_user(db_session, org="Beta")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    staff = make_user(db_session, org="Center", kind="center", role="center_staff")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    for actor in (other, buyer):
        with pytest.raises(PermissionDenied):
            verify(session=db_session, version=v, actor=actor)
    verify(session=db_session, version=v, actor=staff)
    with pytest.raises(PermissionDenied):
        publish(session=db_session, version=v, actor=other)
    publish(session=db_session, version=v, actor=staff)
    assert v.status == "published"
