"""``mfgdata kamp``: a KAMP-ready bundle of a product (a thin shell over ``mfgdata.kamp``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from mfgdata.cli.console import console, handle_errors
from mfgdata.errors import ConfigError
from mfgdata.kamp.bundle import BundleInfo, make_bundle, parse_participants
from mfgdata.kamp.guide import GuideText

kamp_app = typer.Typer(
    help="KAMP 공유 / Sharing to KAMP (Korea AI Manufacturing Platform)",
    no_args_is_help=True,
    add_completion=False,
)


def _text(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(
            "글 파일을 읽을 수 없습니다 (UTF-8 텍스트 필요)",
            "cannot read the text file (UTF-8 text needed)",
            file=path,
        ) from e


@kamp_app.command("bundle")
@handle_errors
def bundle(
    product_dir: Annotated[Path, typer.Argument(help="제품 폴더 / product folder")],
    out: Annotated[Path, typer.Option(help="만들 폴더 / bundle folder to create")],
    provider: Annotated[str, typer.Option(help="제공기관 / providing organisation")],
    participant: Annotated[
        list[str] | None, typer.Option(help="참여기관 / participating organisations")
    ] = None,
    dataset: Annotated[str | None, typer.Option(help="데이터셋 이름 / dataset name")] = None,
    date: Annotated[
        str | None, typer.Option(help="공개일 YYYY-MM-DD (기본: 제품 생성일, KST)")
    ] = None,
    background: Annotated[
        Path | None, typer.Option(help="분석 배경 글 / background text file (UTF-8)")
    ] = None,
    usage: Annotated[Path | None, typer.Option(help="활용 방안 글 / how-to-use text file")] = None,
    process: Annotated[str, typer.Option(help="공정 / process, e.g. 사출성형")] = "",
) -> None:
    """KAMP에 올릴 묶음을 만듭니다 / Make the KAMP-ready bundle of a product."""
    day = None
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise ConfigError(
                f"날짜는 YYYY-MM-DD 형식이어야 합니다: {date}",
                f"the date must be YYYY-MM-DD: {date}",
            ) from None
    made = make_bundle(
        product_dir,
        out,
        BundleInfo(
            provider=provider,
            participants=parse_participants(participant or []),
            dataset=dataset,
            day=day,
            text=GuideText(background=_text(background), usage=_text(usage), process=process),
        ),
    )
    console.print(f"KAMP 묶음 / bundle: {made.out} ({len(made.files)} files)", highlight=False)
    console.print(made.citation, highlight=False, soft_wrap=True)
