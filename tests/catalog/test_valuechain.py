"""Value-chain groups and group-only shares in the library, on SQLite and PostgreSQL: the share
opens a verified product to the group's members only while it is live; everyone else (and the
members after expiry or revocation) gets the NotFound of a missing product; onward transfer is
refused; every read through a share, each creation and revocation is audited; the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from catalog.library import Library, make_library
from mfgdata.accounts.audit import list_audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog import access, valuechain, workflow
from mfgdata.catalog.access import OnwardTransferRefused
from mfgdata.catalog.errors import NotFound, WorkflowError
from mfgdata.catalog.register import register_product
from mfgdata.catalog.search import search_products
from mfgdata.catalog.valuechain import ShareInputError
from mfgdata.cli.app import app
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import GroupShare, ProductVersion, User, utcnow

SHARED = "acme-verified"


@pytest.fixture
def lib(db_session: Session, product_dir: Path) -> Library:
    made = make_library(db_session, product_dir)
    row = register_product(
        product_dir, session=db_session, owner_org=made.owner.org_id, product_id=SHARED
    )
    workflow.verify(session=db_session, version=row, actor=made.owner)
    group = valuechain.create_group(session=db_session, name="Acme chain", purpose="품질 협업")
    valuechain.add_member(
        session=db_session, group=group, org=made.other.org_id, relation="supplier", of="Acme"
    )
    db_session.commit()
    return made


def _share(session: Session, lib: Library, days: float = 10, **kw: object) -> GroupShare:
    row = valuechain.share_product(
        session=session,
        product_id=SHARED,
        group=valuechain.get_group(session=session, ref="Acme chain"),
        purpose="불량 원인 분석 / defect analysis",
        expires_at=utcnow() + timedelta(days=days),
        actor=lib.owner,
        **kw,  # type: ignore[arg-type]
    )
    session.commit()
    return row


def _missing_like(session: Session, viewer: User) -> None:
    """``viewer`` gets for SHARED exactly the error of an id that does not exist."""
    with pytest.raises(NotFound) as got:
        get_version(session=session, product_id=SHARED, version=1, viewer=viewer)
    with pytest.raises(NotFound) as missing:
        get_version(session=session, product_id="no-such-id", version=1, viewer=viewer)
    assert got.value.to_dict() == {
        k: v.replace("no-such-id", SHARED) if isinstance(v, str) else v
        for k, v in missing.value.to_dict().items()
    }


def test_a_live_share_opens_the_product_to_members_only(db_session: Session, lib: Library) -> None:
    member, outsider = lib.other, lib.buyer
    _missing_like(db_session, member)
    share = _share(db_session, lib)
    row = get_version(session=db_session, product_id=SHARED, version=1, viewer=member)
    assert row.status == "verified"
    assert access.has_access(session=db_session, user=member, product=row.product)
    access.authorize(session=db_session, user=member, action="version.download", resource=row)
    access.authorize(session=db_session, user=member, action="version.api", resource=row)
    _missing_like(db_session, outsider)
    assert not access.has_access(session=db_session, user=outsider, product=row.product)
    with pytest.raises(PermissionDenied):
        access.authorize(session=db_session, user=outsider, action="version.download", resource=row)
    # search: the member finds it, marked; the outsider does not
    found = search_products(session=db_session, viewer=member)
    assert SHARED in {v.product_id for v in found.results}
    marks = valuechain.shares_reaching(session=db_session, viewer=member, product_ids=[SHARED])
    assert marks[SHARED].id == share.id
    assert SHARED not in {
        v.product_id for v in search_products(session=db_session, viewer=outsider).results
    }
    db_session.commit()
    reads = list_audit(session=db_session, action="valuechain.read", target=f"share:{share.id}")
    assert sorted(r.detail["use"] for r in reads) == ["version.api", "version.download"]
    assert {(r.detail["group"], r.detail["share_id"], r.org_id) for r in reads} == {
        ("Acme chain", share.id, member.org_id)
    }
    # the owner's own reads are not share reads
    access.authorize(session=db_session, user=lib.owner, action="version.download", resource=row)
    assert len(list_audit(session=db_session, action="valuechain.read")) == 2


def test_expiry_and_revocation_end_the_share(db_session: Session, lib: Library) -> None:
    share = _share(db_session, lib)
    get_version(session=db_session, product_id=SHARED, version=1, viewer=lib.other)
    share.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    _missing_like(db_session, lib.other)
    again = _share(db_session, lib)
    get_version(session=db_session, product_id=SHARED, version=1, viewer=lib.other)
    valuechain.revoke_share(session=db_session, share=again, actor=lib.owner)
    valuechain.revoke_share(session=db_session, share=again, actor=lib.owner)  # audited once
    db_session.commit()
    _missing_like(db_session, lib.other)
    assert valuechain.share_state(share) == "expired"
    assert valuechain.share_state(again) == "revoked"
    assert len(list_audit(session=db_session, action="share.revoke")) == 1
    assert len(list_audit(session=db_session, action="share.create")) == 2
    # a retired or a draft version is not reachable through a share
    db_session.add(
        ProductVersion(
            product_id=SHARED, version=2, folder="x", manifest_sha256="0" * 64, status="draft"
        )
    )
    _share(db_session, lib)
    with pytest.raises(NotFound):
        get_version(session=db_session, product_id=SHARED, version=2, viewer=lib.other)


def test_policy_is_checked_when_sharing(db_session: Session, lib: Library) -> None:
    group = valuechain.get_group(session=db_session, ref="Acme chain")
    kwargs = {"session": db_session, "product_id": SHARED, "group": group, "actor": lib.owner}
    with pytest.raises(ShareInputError):
        valuechain.share_product(**kwargs, purpose=" ", expires_at=utcnow() + timedelta(days=1))  # type: ignore[arg-type]
    with pytest.raises(ShareInputError):
        valuechain.share_product(**kwargs, purpose="x", expires_at=utcnow() - timedelta(days=1))  # type: ignore[arg-type]
    lonely = valuechain.create_group(session=db_session, name="No Acme here")
    with pytest.raises(WorkflowError, match="not a member"):
        valuechain.share_product(
            session=db_session,
            product_id=SHARED,
            group=lonely,
            purpose="x",
            expires_at=utcnow() + timedelta(days=1),
            actor=lib.owner,
        )
    with pytest.raises(PermissionDenied):  # only staff run the groups
        valuechain.create_group(session=db_session, name="mine", actor=lib.owner)
    with pytest.raises(NotFound):  # another org's product is not even named
        valuechain.share_product(
            session=db_session,
            product_id=SHARED,
            group=group,
            purpose="x",
            expires_at=utcnow() + timedelta(days=1),
            actor=lib.buyer,
        )


def test_onward_transfer_is_refused_unless_the_policy_allows_it(
    db_session: Session, lib: Library
) -> None:
    share = _share(db_session, lib, days=5)
    theirs = valuechain.create_group(session=db_session, name="Beta chain")
    valuechain.add_member(session=db_session, group=theirs, org=lib.other.org_id)
    valuechain.add_member(
        session=db_session, group=theirs, org=lib.buyer.org_id, relation="customer", of="Beta"
    )
    db_session.commit()
    far = utcnow() + timedelta(days=50)
    with pytest.raises(OnwardTransferRefused) as refused:
        valuechain.share_product(
            session=db_session,
            product_id=SHARED,
            group=theirs,
            purpose="pass on",
            expires_at=far,
            actor=lib.other,
        )
    assert "재전달" in refused.value.ko and "onward" in refused.value.en
    assert refused.value.status_code == 403
    version = get_version(session=db_session, product_id=SHARED, version=1, viewer=lib.other)
    with pytest.raises(OnwardTransferRefused):
        access.grant_access(
            session=db_session, product=version.product, org_id=lib.buyer.org_id, actor=lib.other
        )
    with pytest.raises(OnwardTransferRefused):
        workflow.publish(session=db_session, version=version, actor=lib.other)
    db_session.rollback()
    # a policy that allows onward transfer: within the member's own groups, never beyond expiry
    valuechain.revoke_share(session=db_session, share=share, actor=lib.owner)
    open_share = _share(db_session, lib, days=5, no_onward_transfer=False)
    passed = valuechain.share_product(
        session=db_session,
        product_id=SHARED,
        group=theirs,
        purpose="pass on",
        expires_at=far,
        actor=lib.other,
    )
    db_session.commit()
    assert passed.expires_at == open_share.expires_at
    assert get_version(session=db_session, product_id=SHARED, version=1, viewer=lib.buyer)


def test_cli_groups_members_shares_revoke_audit(db_session: Session, lib: Library) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["valuechain", *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("group", "create", "CLI chain", "--purpose", "협력사 품질")
    run("member", "add", "CLI chain", "Acme")
    run("member", "add", "CLI chain", "Buyer Co", "--relation", "customer", "--of", "Acme")
    out = run(
        "share", SHARED, "--group", "CLI chain", "--purpose", "납품 품질 확인",
        "--expires", "2099-06-30T18:00+09:00",
    )  # fmt: skip
    assert "CLI chain" in out
    listed = json.loads(run("list", "--format", "json"))
    group = next(g for g in listed["groups"] if g["name"] == "CLI chain")
    assert {"name": "Buyer Co", "links": [{"relation": "customer", "of": "Acme"}]} in group[
        "members"
    ]
    share = next(s for s in listed["shares"] if s["group"] == "CLI chain")
    assert share["state"] == "live" and share["no_onward_transfer"] is True
    assert share["expires_at"] == "2099-06-30T09:00:00+00:00"
    db_session.expire_all()
    assert get_version(session=db_session, product_id=SHARED, version=1, viewer=lib.buyer)
    run("revoke", str(share["id"]))
    db_session.expire_all()
    with pytest.raises(NotFound):
        get_version(session=db_session, product_id=SHARED, version=1, viewer=lib.buyer)
    lines = [json.loads(x) for x in run("audit").splitlines()]
    assert [x["action"] for x in lines if x["target"] == f"share:{share['id']}"] == [
        "share.revoke",
        "share.create",
    ]
    bad = runner.invoke(
        app,
        [
            "valuechain",
            "share",
            SHARED,
            "--group",
            "CLI chain",
            "--purpose",
            "p",
            "--expires",
            "soon",
        ],
    )
    assert bad.exit_code != 0 and "ISO 8601" in bad.output
