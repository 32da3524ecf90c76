"""Access requests, grants, has_access; tenant isolation at the repository level."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.library import Library, make_library
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog.access import (
    authorize,
    decide_request,
    grant_access,
    has_access,
    list_grants,
    list_requests,
    request_access,
    revoke_grant,
)
from mfgdata.catalog.errors import NotFound, WorkflowError
from mfgdata.db.repositories.products import (
    get_product,
    get_version,
    get_version_by_id,
    list_versions,
)
from mfgdata.db.tables import AuditLog, utcnow


@pytest.fixture
def lib(db_session: Session, product_dir: Path) -> Library:
    return make_library(db_session, product_dir)


def _audit(session: Session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_request_approve_grant_revoke(db_session: Session, lib: Library) -> None:
    product = lib.versions["weld-seam"].product
    version = lib.versions["weld-seam"]
    assert not has_access(session=db_session, user=lib.buyer, product=product)
    with pytest.raises(PermissionDenied):
        authorize(session=db_session, user=lib.buyer, action="version.download", resource=version)
    authorize(session=db_session, user=lib.buyer, action="version.view", resource=version)
    req = request_access(
        session=db_session, product_id="weld-seam", requester=lib.buyer, message="R&D"
    )
    assert (
        request_access(session=db_session, product_id="weld-seam", requester=lib.buyer).id == req.id
    )
    with pytest.raises(PermissionDenied):  # only the owner decides
        decide_request(session=db_session, request=req, actor=lib.buyer, approve=True)
    with pytest.raises(PermissionDenied):
        decide_request(session=db_session, request=req, actor=lib.other, approve=True)
    grant = decide_request(session=db_session, request=req, actor=lib.owner, approve=True)
    db_session.commit()
    assert grant is not None and req.status == "approved" and req.decided_by_id == lib.owner.id
    assert has_access(session=db_session, user=lib.buyer, product=product)
    authorize(session=db_session, user=lib.buyer, action="version.download", resource=version)
    assert not has_access(
        session=db_session, user=lib.buyer, product=lib.versions["press-die"].product
    )
    with pytest.raises(WorkflowError):
        decide_request(session=db_session, request=req, actor=lib.owner, approve=False)
    with pytest.raises(PermissionDenied):
        revoke_grant(session=db_session, grant=grant, actor=lib.buyer)
    revoke_grant(session=db_session, grant=grant, actor=lib.owner)
    db_session.commit()
    assert not has_access(session=db_session, user=lib.buyer, product=product)
    assert _audit(db_session)[-4:] == [
        "access.request",
        "access.approve",
        "grant.create",
        "grant.revoke",
    ]


def test_deny_and_expiry(db_session: Session, lib: Library) -> None:
    product = lib.versions["press-die"].product
    req = request_access(session=db_session, product_id="press-die", requester=lib.buyer)
    assert decide_request(session=db_session, request=req, actor=lib.owner, approve=False) is None
    assert req.status == "denied" and "access.deny" in _audit(db_session)
    assert not has_access(session=db_session, user=lib.buyer, product=product)
    soon = utcnow() + timedelta(days=30)
    grant_access(
        session=db_session,
        product=product,
        org_id=lib.buyer.org_id,
        actor=lib.owner,
        expires_at=soon,
    )
    assert has_access(session=db_session, user=lib.buyer, product=product)
    assert not has_access(
        session=db_session, user=lib.buyer, product=product, now=soon + timedelta(seconds=1)
    )


def test_owner_and_admin_always_have_access(db_session: Session, lib: Library) -> None:
    product = lib.versions["weld-seam"].product
    assert has_access(session=db_session, user=lib.owner, product=product)
    assert has_access(session=db_session, user=lib.admin, product=product)
    assert not has_access(session=db_session, user=lib.other, product=product)
    with pytest.raises(WorkflowError):
        request_access(session=db_session, product_id="weld-seam", requester=lib.owner)


def test_cannot_request_an_invisible_draft(db_session: Session, lib: Library) -> None:
    with pytest.raises(NotFound):
        request_access(session=db_session, product_id="heat-draft", requester=lib.buyer)


def test_tenant_isolation_of_drafts(db_session: Session, lib: Library) -> None:
    draft = lib.versions["heat-draft"]
    # Beta sees its own draft; Acme and the buyer never do, also not by guessing ids
    assert get_version(session=db_session, product_id="heat-draft", viewer=lib.other).id == draft.id
    for viewer in (lib.owner, lib.buyer):
        with pytest.raises(NotFound):
            get_version(session=db_session, product_id="heat-draft", viewer=viewer)
        with pytest.raises(NotFound):
            get_version_by_id(session=db_session, version_id=draft.id, viewer=viewer)
        with pytest.raises(NotFound):
            get_product(session=db_session, product_id="heat-draft", viewer=viewer)
        assert draft.id not in {v.id for v in list_versions(session=db_session, viewer=viewer)}
        assert list_versions(session=db_session, viewer=viewer, org_id=lib.other.org_id) == []
    assert [v.id for v in list_versions(session=db_session, viewer=lib.other, status="draft")] == [
        draft.id
    ]
    # unknown and hidden ids give the same answer
    with pytest.raises(NotFound) as hidden:
        get_product(session=db_session, product_id="heat-draft", viewer=lib.buyer)
    with pytest.raises(NotFound) as unknown:
        get_product(session=db_session, product_id="no-such-product", viewer=lib.buyer)
    assert type(hidden.value) is type(unknown.value) and hidden.value.status_code == 404


def test_requests_and_grants_are_listed_per_tenant(db_session: Session, lib: Library) -> None:
    req = request_access(session=db_session, product_id="weld-seam", requester=lib.buyer)
    decide_request(session=db_session, request=req, actor=lib.owner, approve=True)
    assert [r.id for r in list_requests(session=db_session, viewer=lib.owner)] == [req.id]
    assert [r.id for r in list_requests(session=db_session, viewer=lib.buyer)] == [req.id]
    assert list_requests(session=db_session, viewer=lib.other) == []
    assert len(list_grants(session=db_session, viewer=lib.buyer)) == 1
    assert list_grants(session=db_session, viewer=lib.other) == []
