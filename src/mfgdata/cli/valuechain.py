"""``mfgdata valuechain``: value-chain groups and group-only shares (a thin shell, run as the
system operator: the library's rules on membership, expiry and onward transfer still apply)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from mfgdata.catalog import valuechain as vc
from mfgdata.catalog.valuechain import ShareInputError
from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import session_scope
from mfgdata.db.migrate import upgrade

valuechain_app = typer.Typer(
    help="가치사슬 그룹과 그룹 공유 / Value-chain groups and group-only product shares",
    no_args_is_help=True,
    add_completion=False,
)
group_app = typer.Typer(help="그룹 / groups", no_args_is_help=True, add_completion=False)
member_app = typer.Typer(help="구성원 / members", no_args_is_help=True, add_completion=False)
valuechain_app.add_typer(group_app, name="group")
valuechain_app.add_typer(member_app, name="member")


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"


class Relation(StrEnum):
    SUPPLIER = "supplier"
    CUSTOMER = "customer"


@group_app.command("create")
@handle_errors
def group_create(
    name: Annotated[str, typer.Argument(help="그룹 이름 / group name")],
    purpose: Annotated[str, typer.Option(help="그룹의 목적 / the group's purpose")] = "",
) -> None:
    """가치사슬 그룹을 만듭니다 / Create a value-chain group."""
    upgrade()
    with session_scope() as session:
        group = vc.create_group(session=session, name=name, purpose=purpose)
        console.print(f"그룹 / group {group.id}: {group.name}", highlight=False)


@member_app.command("add")
@handle_errors
def member_add(
    group: Annotated[str, typer.Argument(help="그룹 이름 또는 id / group name or id")],
    organisation: Annotated[str, typer.Argument(help="조직 이름 또는 id / organisation")],
    relation: Annotated[
        Relation | None, typer.Option(help="supplier | customer (--of 조직의 / of --of)")
    ] = None,
    of: Annotated[str | None, typer.Option(help="상대 조직 / the other organisation")] = None,
) -> None:
    """조직을 그룹에 넣습니다 (공급사/고객사 관계 포함) / Add an organisation (with its link)."""
    upgrade()
    with session_scope() as session:
        row = vc.get_group(session=session, ref=group)
        vc.add_member(
            session=session,
            group=row,
            org=organisation,
            relation=relation.value if relation else None,
            of=of,
        )
        names = ", ".join(m.name for m in vc.members(session=session, group=row))
        console.print(f"{row.name}: {names}", highlight=False)


def _expiry(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ShareInputError(
            f"만료 시각은 ISO 8601이어야 합니다 (예: 2027-06-30T18:00+09:00): {text}",
            f"the expiry must be ISO 8601 (e.g. 2027-06-30T18:00+09:00): {text}",
        ) from None
    return value


@valuechain_app.command("share")
@handle_errors
def share(
    product_id: Annotated[str, typer.Argument(help="제품 id / product id")],
    group: Annotated[str, typer.Option(help="그룹 이름 또는 id / group name or id")],
    purpose: Annotated[str, typer.Option(help="이용 목적 / purpose (usage policy)")],
    expires: Annotated[
        str, typer.Option(help="만료 (시간대 포함) / expiry, e.g. 2027-06-30T18:00+09:00")
    ],
    allow_onward: Annotated[
        bool, typer.Option("--allow-onward", help="구성원의 재전달 허용 / allow onward transfer")
    ] = False,
) -> None:
    """제품을 그룹 안에서만 공유합니다 / Share a product inside one group only."""
    upgrade()
    with session_scope() as session:
        row = vc.share_product(
            session=session,
            product_id=product_id,
            group=vc.get_group(session=session, ref=group),
            purpose=purpose,
            expires_at=_expiry(expires),
            no_onward_transfer=not allow_onward,
            actor=None,
        )
        console.print(
            f"공유 / share {row.id}: {product_id} → {row.group.name} "
            f"(~ {row.expires_at.isoformat()})",
            highlight=False,
        )


@valuechain_app.command("revoke")
@handle_errors
def revoke(share_id: Annotated[int, typer.Argument(help="공유 id / share id")]) -> None:
    """공유를 지금 철회합니다 / Revoke a share now."""
    upgrade()
    with session_scope() as session:
        row = vc.get_share(session=session, share_id=share_id, viewer=None)
        vc.revoke_share(session=session, share=row, actor=None)
        console.print(f"철회 / revoked: share {row.id}", highlight=False)


def _share_dict(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "product_id": s.product_id,
        "group": s.group.name,
        "purpose": s.purpose,
        "no_onward_transfer": s.no_onward_transfer,
        "expires_at": s.expires_at.isoformat(),
        "state": vc.share_state(s),
    }


@valuechain_app.command("list")
@handle_errors
def list_(
    fmt: Annotated[Format, typer.Option("--format", help="json | table")] = Format.TABLE,
) -> None:
    """그룹, 구성원, 공유 목록 / Groups with members and links, and the shares."""
    upgrade()
    with session_scope() as session:
        groups: list[dict[str, Any]] = [
            {
                "id": g.id,
                "name": g.name,
                "purpose": g.purpose,
                "members": [
                    {"name": m.name, "links": [{"relation": r, "of": o} for r, o in m.links]}
                    for m in vc.members(session=session, group=g)
                ],
            }
            for g in vc.list_groups(session=session, viewer=None)
        ]
        shares = [_share_dict(s) for s in vc.list_shares(session=session, viewer=None)]
    if fmt is Format.JSON:
        out = json.dumps({"groups": groups, "shares": shares}, ensure_ascii=False, indent=2)
        typer.echo(out)
        return
    table = Table(title="그룹 / groups")
    for head in ("id", "이름 / name", "구성원 / members"):
        table.add_column(head)
    for g in groups:
        members = "; ".join(
            m["name"] + "".join(f" ({k['relation']} of {k['of']})" for k in m["links"])
            for m in g["members"]
        )
        table.add_row(str(g["id"]), g["name"], members)
    console.print(table)
    shares_table = Table(title="공유 / shares")
    for head in ("id", "product", "group", "purpose", "expires", "state"):
        shares_table.add_column(head)
    for s in shares:
        shares_table.add_row(
            str(s["id"]), s["product_id"], s["group"], s["purpose"], s["expires_at"], s["state"]
        )
    console.print(shares_table)


@valuechain_app.command("audit")
@handle_errors
def audit_log(
    limit: Annotated[int, typer.Option(help="최대 행 수 / most rows")] = 100,
) -> None:
    """공유 생성·철회·조회 감사 기록 (JSON 줄) / Share audit: created, revoked, each read."""
    upgrade()
    with session_scope() as session:
        for r in vc.share_audit(session=session, viewer=None, limit=limit):
            line = {"at": r.at.isoformat(), "action": r.action, "target": r.target, **r.detail}
            typer.echo(json.dumps(line, ensure_ascii=False))
