# ruff: noqa: E501  (the matrix rows are a wide table on purpose)
"""Issue 17 item 5's part of the security world: value-chain groups and group shares. Each
request that changes state gets its own fresh group (with Owner in it), product and share."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from mfgdata.catalog import valuechain
from mfgdata.db.tables import utcnow

if TYPE_CHECKING:
    from security.world import SecWorld

VC = "/api/v1/valuechain"


def fresh_group(world: SecWorld) -> int:
    with world.session() as s:
        group = valuechain.create_group(session=s, name=f"chain-{uuid.uuid4().hex[:8]}")
        valuechain.add_member(session=s, group=group, org=world.orgs["owner"])
        s.commit()
        return group.id


def fresh_share(world: SecWorld) -> int:
    pid, gid = world.fresh_product("published"), fresh_group(world)
    with world.session() as s:
        share = valuechain.share_product(
            session=s,
            product_id=pid,
            group=valuechain.get_group(session=s, ref=gid),
            purpose="matrix",
            expires_at=utcnow() + timedelta(days=1),
            actor=None,
        )
        s.commit()
        return share.id


def share_body(world: SecWorld) -> dict[str, Any]:
    return {
        "product_id": world.fresh_product("published"),
        "group": str(fresh_group(world)),
        "purpose": "matrix",
        "expires_at": (utcnow() + timedelta(days=1)).isoformat(),
    }


# route                                               target  anon owner other supplier buyer staff admin t_read t_down t_api t_admin
ROWS = f"""
GET  {VC}/groups                                               -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST {VC}/groups                                               -       N    N     N     N        N     Y     Y     N      N      N     N
POST {VC}/groups/{{group_id}}/members                          -       N    N     N     N        N     Y     Y     N      N      N     N
GET  {VC}/shares                                               -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
POST {VC}/shares                                               -       N    Y     N     N        N     N     Y     N      N      Y     N
POST {VC}/shares/{{share_id}}/revoke                           -       N    Y     N     N        N     N     Y     N      N      Y     N
GET  {VC}/audit                                                -       N    Y     Y     Y        Y     Y     Y     Y      N      N     N
GET  /valuechain                                               -       L    Y     Y     Y        Y     Y     Y     L      L      L     L
POST /valuechain/groups                                        -       L    N     N     N        N     Y     Y     L      L      L     L
POST /valuechain/groups/{{group_id}}/members                   -       L    N     N     N        N     Y     Y     L      L      L     L
POST /valuechain/shares                                        -       L    Y     N     N        N     N     Y     L      L      L     L
POST /valuechain/shares/{{share_id}}/revoke                    -       L    Y     N     N        N     N     Y     L      L      L     L
"""


def _form(data: dict[str, str]) -> dict[str, Any]:
    return {"data": data}


BUILDERS: dict[str, Any] = {
    f"GET {VC}/groups": lambda w, t: ("GET", f"{VC}/groups", {}),
    f"POST {VC}/groups": lambda w, t: (
        "POST",
        f"{VC}/groups",
        {"json": {"name": f"g-{uuid.uuid4().hex[:8]}", "purpose": "p"}},
    ),
    f"POST {VC}/groups/{{group_id}}/members": lambda w, t: (
        "POST",
        f"{VC}/groups/{fresh_group(w)}/members",
        {"json": {"organisation": "Other", "relation": "supplier", "of": "Owner"}},
    ),
    f"GET {VC}/shares": lambda w, t: ("GET", f"{VC}/shares", {}),
    f"POST {VC}/shares": lambda w, t: ("POST", f"{VC}/shares", {"json": share_body(w)}),
    f"POST {VC}/shares/{{share_id}}/revoke": lambda w, t: (
        "POST",
        f"{VC}/shares/{fresh_share(w)}/revoke",
        {},
    ),
    f"GET {VC}/audit": lambda w, t: ("GET", f"{VC}/audit", {}),
    "GET /valuechain": lambda w, t: ("GET", "/valuechain", {}),
    "POST /valuechain/groups": lambda w, t: (
        "POST",
        "/valuechain/groups",
        _form({"name": f"g-{uuid.uuid4().hex[:8]}"}),
    ),
    "POST /valuechain/groups/{group_id}/members": lambda w, t: (
        "POST",
        f"/valuechain/groups/{fresh_group(w)}/members",
        _form({"organisation": "Other", "relation": "customer", "of": "Owner"}),
    ),
    "POST /valuechain/shares": lambda w, t: (
        "POST",
        "/valuechain/shares",
        _form(
            {
                **{k: v for k, v in share_body(w).items() if k != "expires_at"},
                "expires_on": "2099-01-01",
            }
        ),
    ),
    "POST /valuechain/shares/{share_id}/revoke": lambda w, t: (
        "POST",
        f"/valuechain/shares/{fresh_share(w)}/revoke",
        {},
    ),
}
