"""``mfgdata verify PRODUCT_DIR [--contract FILE]``: checksums and quality, exit 1 on failure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.quality.verify import verify_product


@handle_errors
def verify(
    product_dir: Annotated[Path, typer.Argument(help="제품 폴더 / product folder")],
    contract: Annotated[
        Path | None, typer.Option("--contract", help="수정한 계약서 / an edited contract.yaml")
    ] = None,
) -> None:
    """제품의 체크섬과 품질을 다시 검증합니다 / Re-verify a product's checksums and quality."""
    rep = verify_product(product_dir, contract)
    for p in rep.problems:
        console.print(
            f"[bold red]변조 / tampered:[/] {p['file']} ({p['problem']})", highlight=False
        )
    q = rep.quality
    if q is not None:
        t = Table(title="품질 / quality")
        for col in ("measure", "value", "threshold", "result"):
            t.add_column(col)
        for m in q.measures:
            label = m.id + (f" ({m.column})" if m.column else "")
            t.add_row(label, f"{m.value:.4f}", f"{m.threshold:g}", "pass" if m.passed else "FAIL")
        console.print(t)
        for r in q.reasons:
            console.print(f"- {r.ko} / {r.en}", highlight=False, markup=False)
        console.print(f"점수 / score {q.score:.4f}, 등급 / grade {q.grade}", highlight=False)
    if rep.tampered:
        console.print(
            "[bold red]변조된 폴더는 등록할 수 없습니다 / a tampered folder is never registrable[/]"
        )
    console.print(f"등록 가능 / registrable: {rep.registrable}", highlight=False)
    if not rep.ok:
        raise typer.Exit(1)
    console.print("[green]검증 통과 / verified[/]")
