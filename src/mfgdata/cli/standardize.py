"""``mfgdata standardize PRODUCT_DIR``: review the proposed column -> property mapping.

A product folder is immutable, so the accepted mapping is written next to it, by default
``PRODUCT_DIR/../<name>.semantics.yaml`` (``--out`` to choose), and passed to the next build with
``mfgdata build ... --semantics FILE``. Interactive by default; ``--mapping FILE`` validates a
prepared mapping instead, ``--yes`` accepts the proposal as it is.
"""

from __future__ import annotations

import getpass
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.errors import OutputExistsError, ProductError
from mfgdata.semantics.dictionary import Dictionary, load_dictionary
from mfgdata.semantics.errors import SemanticsError
from mfgdata.semantics.mapping import MappingEntry, read_mapping, write_mapping


def proposal_table(entries: list[MappingEntry]) -> Table:
    table = Table(title="속성 매핑 제안 / proposed property mapping")
    for head in (
        "#",
        "열 / column",
        "속성 / property",
        "ID",
        "단위 / unit",
        "신뢰도 / conf.",
        "후보 / candidates",
    ):
        table.add_column(head)
    for i, e in enumerate(entries, 1):
        p = e.prop
        unit = f"{e.unit_original or '—'} → {e.unit_canonical or '—'}" if p else e.unit_original
        style = "yellow" if e.review or p is None else None
        cands = ", ".join(f"{n}) {cid} {c:.2f}" for n, (cid, c) in enumerate(e.candidates, 1))
        table.add_row(
            str(i),
            e.column,
            f"{p.name_ko} / {p.name_en}" if p else "—",
            p.id if p else "—",
            unit or "—",
            f"{e.confidence:.2f}" if e.confidence is not None else "—",
            cands,
            style=style,
        )
    return table


def _ask(e: MappingEntry, dictionary: Dictionary, user: str) -> MappingEntry:
    """Enter keeps, 1-3 picks a candidate, '-' unmaps, anything else is a property id."""
    current = e.prop.id if e.prop else "-"
    answer = typer.prompt(f"{e.column} [{current}]", default="", show_default=False).strip()
    if not answer:
        return replace(e, accepted_by=user)
    if answer == "-":
        return replace(e, prop=None, accepted_by=user, review=False)
    if answer.isdigit() and 1 <= int(answer) <= len(e.candidates):
        answer = e.candidates[int(answer) - 1][0]
    try:
        prop = dictionary.get(answer, column=e.column)
    except SemanticsError as err:
        console.print(f"[red]{err.message()}[/]")
        return _ask(e, dictionary, user)
    # the stored unit follows the new property (a standard flow stays a standard flow)
    return replace(e, prop=prop, accepted_by=user, review=False, unit_target=None).with_target(
        dictionary
    )


@handle_errors
def standardize(
    product_dir: Annotated[Path, typer.Argument(help="제품 폴더 / product folder")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="검증할 매핑 파일 / mapping file to check")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="제안 그대로 승인 / accept")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="승인된 매핑 / output file")] = None,
    dictionary_file: Annotated[
        Path | None, typer.Option("--dictionary", help="회사 용어 사전 / company terms YAML")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="기존 파일 덮어쓰기 / overwrite")] = False,
) -> None:
    """속성 매핑 검토·승인 / Review and accept the column -> property mapping."""
    proposal = product_dir / "semantics.yaml"
    if not proposal.is_file():
        raise ProductError(
            "제품 폴더에 semantics.yaml이 없습니다",
            "the product folder has no semantics.yaml",
            file=proposal,
        )
    target = out or product_dir.parent / f"{product_dir.name}.semantics.yaml"
    if target.exists() and not force:
        raise OutputExistsError(
            "출력 파일이 이미 있습니다 (--force로 덮어쓰기)",
            "the output file exists (use --force to overwrite)",
            file=target,
        )
    dictionary = load_dictionary([dictionary_file] if dictionary_file else [])
    entries = read_mapping(proposal, dictionary)
    if mapping is not None:
        entries = read_mapping(mapping, dictionary, columns=[e.column for e in entries])
    console.print(proposal_table(entries))
    if mapping is None and not yes:
        console.print(
            "Enter: 유지 / keep · 1-3: 후보 / candidate · '-': 매핑 없음 / none · "
            "ID: 다른 속성 / other property"
        )
        user = getpass.getuser() or "user"
        entries = [_ask(e, dictionary, user) for e in entries]
    write_mapping(target, entries, dictionary)
    console.print(f"승인된 매핑 / accepted mapping: {target}")
    console.print(f"다음 빌드 / next build: mfgdata build ... --semantics {target}")
