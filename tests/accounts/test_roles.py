"""The authorisation rules: every role against the main actions, with ownership and grants."""

from __future__ import annotations

import pytest

from mfgdata.accounts.roles import ACTIONS, RULES, can
from mfgdata.db.tables import AccessRequest, Job, Product, ProductVersion, User

OWN, OTHER = 1, 2


def _user(role: str, org: int = OWN, active: bool = True) -> User:
    return User(
        id=10, org_id=org, role=role, active=active, email="x@y.kr", name="x", password_hash=""
    )


def _version(status: str, owner: int = OWN) -> ProductVersion:
    product = Product(id="p", owner_org_id=owner, title_ko="p", title_en="p")
    return ProductVersion(product_id="p", version=1, status=status, product=product)


# (action, resource, granted) -> roles allowed, for a user of organisation OTHER
MATRIX = [
    ("version.view", _version("draft"), False, {"admin", "center_staff"}),
    ("version.view", _version("published"), False, {"admin", "center_staff", "member", "buyer"}),
    ("version.download", _version("published"), False, {"admin"}),
    ("version.download", _version("published"), True, {"admin", "center_staff", "member", "buyer"}),
    ("version.download", _version("draft"), True, {"admin"}),
    ("version.api", _version("retired"), True, {"admin", "center_staff", "member", "buyer"}),
    ("version.publish", _version("verified"), False, {"admin", "center_staff"}),
    ("version.delete", _version("draft"), False, {"admin"}),
    ("job.view", Job(org_id=OWN, kind="build"), False, {"admin"}),
    ("upload.create", None, False, {"admin", "center_staff", "member"}),
    ("user.create", None, False, {"admin"}),
    ("audit.view", None, False, {"admin"}),
    ("token.create", None, False, {"admin", "center_staff", "member", "buyer"}),
]


@pytest.mark.parametrize(("action", "resource", "granted", "allowed"), MATRIX)
def test_matrix_for_another_organisation(
    action: str, resource: object, granted: bool, allowed: set[str]
) -> None:
    got = {
        role
        for role in ("admin", "center_staff", "member", "buyer")
        if can(_user(role, org=OTHER), action, resource, granted=granted)  # type: ignore[arg-type]
    }
    assert got == allowed


def test_owner_organisation_rules() -> None:
    member = _user("member")
    assert can(member, "version.view", _version("draft"))
    assert can(member, "version.download", _version("draft"))
    assert can(member, "version.publish", _version("verified"))
    assert can(member, "job.view", Job(org_id=OWN, kind="build"))
    assert not can(_user("buyer"), "version.publish", _version("verified"))


def test_access_requests_owner_decides_requester_views() -> None:
    req = AccessRequest(
        product_id="p", requester_org_id=OTHER, product=_version("published").product
    )
    assert can(_user("member", org=OWN), "access.decide", req)
    assert not can(_user("buyer", org=OTHER), "access.decide", req)
    assert can(_user("buyer", org=OTHER), "access.view", req)
    assert not can(_user("member", org=3), "access.view", req)


def test_inactive_users_can_do_nothing() -> None:
    assert not any(can(_user("admin", active=False), a) for a in ACTIONS)


def test_unknown_action_is_an_error() -> None:
    with pytest.raises(ValueError):
        can(_user("admin"), "product.steal")
    assert set(ACTIONS) == set(RULES)
