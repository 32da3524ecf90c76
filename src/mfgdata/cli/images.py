"""``mfgdata images inspect``: ingest, profile and check an image dataset (nothing written)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.images.inspect import Inspection
from mfgdata.images.inspect import inspect as inspect_images

images_app = typer.Typer(help="이미지 데이터셋 / image datasets", no_args_is_help=True)


class Format(StrEnum):
    json = "json"
    table = "table"


def _tables(ins: Inspection) -> list[Table]:
    p = ins.profile
    summary = Table(title="이미지 / images", show_header=False)
    summary.add_column("item", style="bold")
    summary.add_column("value")
    for label, value in (
        ("이미지 / images", p.images),
        ("읽지 못함 / unreadable", p.unreadable),
        ("클래스 / classes", p.classes),
        ("형식 / formats", p.formats),
        ("크기 / sizes", p.sizes),
        ("비트 깊이 / bit depths", p.bit_depths),
        ("채널 / channels", p.channels),
        ("밝기 / brightness", p.brightness),
        ("대비 / contrast", p.contrast),
        ("선명도 / blur (Laplacian var.)", p.blur),
        ("과노출 / over-exposed", p.overexposed_share),
        ("저노출 / under-exposed", p.underexposed_share),
        ("흐림 / blurred", p.blurred_share),
        ("등급 / grade", f"{ins.quality.grade} ({ins.quality.score:.4f})"),
    ):
        summary.add_row(label, str(value))
    found = Table(title="발견 사항 / findings")
    for head in ("code", "severity", "count", "message", "examples"):
        found.add_column(head)
    for f in ins.findings:
        found.add_row(f.code, f.severity, str(f.count), f.message_en, "; ".join(f.examples[:3]))
    return [summary, found]


@images_app.command("inspect")
@handle_errors
def inspect(
    paths: Annotated[list[Path], typer.Argument(help="폴더, zip 또는 이미지 / folders, zips")],
    labels: Annotated[
        Path | None, typer.Option(help="레이블 파일 / labels file (CSV, TSV, whitespace)")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="json | table")] = Format.table,
) -> None:
    """이미지를 읽어 프로파일과 품질 발견 사항을 보여줍니다 / Profile and check images."""
    ins = inspect_images(paths, labels)
    if format is Format.json:
        typer.echo(json.dumps(ins.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
        return
    for t in _tables(ins):
        console.print(t)
