"""Retention and versions: re-registering an unchanged folder returns its version; retire hides a
version from search; delete is refused (ko/en, audited) within 365 days of publication, from the
library and from the CLI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dbfixtures import make_user
from mfgdata.catalog.errors import WorkflowError
from mfgdata.catalog.register import register_product, version_folder
from mfgdata.catalog.search import search_products
from mfgdata.catalog.workflow import delete_version, publish, retire, verify
from mfgdata.cli.app import app as cli_app
from mfgdata.db.tables import AuditLog, ProductVersion, utcnow
from mfgdata.pipeline.manifest import read_manifest, write_manifest


def _audits(session: Session, action: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action)).all())


def changed(folder: Path) -> Path:
    """The same product with one file changed (and its manifest rewritten to match)."""
    report = folder / "report.html"
    report.write_text(report.read_text(encoding="utf-8") + "<!-- v2 -->", encoding="utf-8")
    write_manifest(folder, {k: v for k, v in read_manifest(folder).items() if k != "files"})
    return folder


def test_unchanged_folder_returns_the_existing_version(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme")
    first = register_product(product_dir, session=db_session, owner_org=owner.org_id, actor=owner)
    # a rebuild writes a new manifest header (created time) over the same files: still unchanged
    header = {k: v for k, v in read_manifest(product_dir).items() if k != "files"}
    write_manifest(product_dir, {**header, "created": "2030-01-01T00:00:00Z"})
    again = register_product(product_dir, session=db_session, owner_org=owner.org_id, actor=owner)
    assert again.id == first.id and again.version == 1
    assert db_session.scalar(select(func.count()).select_from(ProductVersion)) == 1
    unchanged = _audits(db_session, "product.register.unchanged")
    assert len(unchanged) == 1 and unchanged[0].target == "product:injection-line-1@1"
    second = register_product(changed(product_dir), session=db_session, owner_org=owner.org_id)
    assert second.version == 2 and version_folder(second).is_dir()


def test_delete_is_refused_within_a_year_and_audited(
    db_session: Session, product_dir: Path
) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner)
    db_session.commit()
    retire(session=db_session, version=v, actor=owner)
    db_session.commit()
    assert search_products(session=db_session, q="사출").total == 0  # hidden from search
    with pytest.raises(WorkflowError) as info:
        delete_version(session=db_session, version=v, actor=owner)
    assert "1년" in info.value.ko and "one year" in info.value.en
    refused = _audits(db_session, "product.delete.refused")
    assert len(refused) == 1 and refused[0].actor_id == owner.id
    assert refused[0].detail["reason"] == "retention"
    assert version_folder(v).is_dir()
    later = utcnow() + timedelta(days=366)
    delete_version(session=db_session, version=v, actor=owner, now=later)
    assert not version_folder(v).exists() and len(_audits(db_session, "product.delete")) == 1


def test_retire_and_delete_from_the_cli(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner)
    db_session.commit()
    runner = CliRunner()
    refused = runner.invoke(cli_app, ["delete", "injection-line-1", "--version", "1"])
    assert refused.exit_code == 2
    assert "retire" in refused.output  # published: retire first
    retired = runner.invoke(cli_app, ["retire", "injection-line-1", "--version", "1"])
    assert retired.exit_code == 0, retired.output
    assert "retired" in retired.output
    kept = runner.invoke(cli_app, ["delete", "injection-line-1", "--version", "1"])
    assert kept.exit_code == 2 and "one year" in kept.output
    db_session.expire_all()
    assert db_session.get(ProductVersion, v.id) is not None
    assert len(_audits(db_session, "product.delete.refused")) == 2
    assert len(_audits(db_session, "product.retire")) == 1
