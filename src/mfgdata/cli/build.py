"""``mfgdata build`` and ``mfgdata demo``: run the product flow with a live progress display."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.flow import build as run_build
from mfgdata.pipeline import BuildOptions, BuildResult
from mfgdata.pipeline.context import build_options
from mfgdata.pipeline.results import (
    ImageIngestResult,
    IngestResult,
    ModelResult,
    PriceResult,
    ProfileResult,
    QualityResult,
)
from mfgdata.samples import demo_options


def _run_with_progress(options: BuildOptions) -> BuildResult:
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(step: str, fraction: float, message: str) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(f"{step}: {message}", total=1.0)
            bar.update(tasks[step], completed=fraction)

        return run_build(options, progress=progress)


def _summary(result: BuildResult) -> Table:
    table = Table(title="제품 요약 / Product summary", show_header=False)
    table.add_column("item", style="bold")
    table.add_column("value")
    table.add_row("제품 폴더 / product", str(result.out))
    ingest = result.maybe(IngestResult) or result.maybe(ImageIngestResult)
    if ingest is not None:
        table.add_row("입력 / inputs", str(len(ingest.inputs)))
        for i in ingest.inputs:
            if i.get("sheet_reason"):
                table.add_row("시트 / sheet", f"{i['name']} [{i['sheet']}]: {i['sheet_reason']}")
    if isinstance(ingest, ImageIngestResult):
        table.add_row(
            "이미지 / images",
            f"{ingest.images:,} (레이블 / labelled {ingest.labelled:,}, "
            f"읽지 못함 / unreadable {ingest.unreadable:,})",
        )
    model = result.maybe(ModelResult)
    if model is not None and model.usable is not None:
        usable = "예 / yes" if model.usable else "아니오 / no"
        table.add_row("사용 가능한 모델 / usable model", usable)
    profile = result.maybe(ProfileResult)
    if profile is not None:
        table.add_row("행 / rows", f"{profile.rows:,}")
        table.add_row("열 / columns", str(len(profile.columns)))
    severities: Counter[str] = Counter()
    for step_result in result.results.values():
        for finding in step_result.findings:
            severities[finding.severity] += 1
    if severities:
        table.add_row(
            "발견 사항 / findings",
            ", ".join(f"{k}: {v}" for k, v in sorted(severities.items())),
        )
    quality = result.maybe(QualityResult)
    if quality is not None:
        table.add_row("품질 등급 / grade", f"{quality.grade} ({quality.score:.3f})")
    price = result.maybe(PriceResult)
    if price is not None:
        table.add_row("가격 / price", f"₩{price.price_krw:,} (+VAT)")
    table.add_row("소요 시간 / seconds", f"{sum(result.seconds.values()):.1f}")
    table.add_row("먼저 열어 볼 파일 / open first", str(result.out / "report.html"))
    return table


@handle_errors
def build(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="원시 파일 또는 URI / raw input files or URIs (file://, hdfs://, s3a://)"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="제품 폴더 / product folder")],
    recipe: Annotated[
        Path | None, typer.Option(help="전처리 레시피 YAML / preprocessing recipe")
    ] = None,
    time_column: Annotated[str | None, typer.Option(help="시간 열 / time column")] = None,
    target: Annotated[str | None, typer.Option(help="목표(라벨) 열 / target column")] = None,
    id_column: Annotated[
        str | None, typer.Option(help="설비·로트 ID 열 / entity id column")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="엑셀 시트 / Excel sheet")] = None,
    timezone: Annotated[str | None, typer.Option(help="시간대 / time zone")] = None,
    title: Annotated[str | None, typer.Option(help="제품 이름 / product title")] = None,
    product_id: Annotated[
        str | None,
        typer.Option(help="제품 ID (기본: 출력 폴더 이름) / product id (default: folder name)"),
    ] = None,
    semantics: Annotated[
        Path | None, typer.Option(help="승인된 표준 매핑 / accepted semantics.yaml")
    ] = None,
    pricing: Annotated[Path | None, typer.Option(help="가격 입력 / pricing.yaml")] = None,
    task: Annotated[
        str | None,
        typer.Option(help="모델 과제 / model task: classification|regression|rul|anomaly"),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="CSV 인코딩 (기본: 자동 감지) / CSV text encoding (default: detected)"),
    ] = None,
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv",
            help="CSV의 수식 같은 값을 그대로 씀 / write formula-like CSV cells unescaped",
        ),
    ] = False,
    labels: Annotated[
        Path | None,
        typer.Option(help="이미지 레이블 파일 (CSV/TSV) / labels file of an image dataset"),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="데이터 엔진 polars|spark (기본: 설정) / data engine (default: settings)"
        ),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(help="Spark 마스터 URL (기본 local[2]) / Spark master URL"),
    ] = None,
    spark_scratch: Annotated[
        str | None,
        typer.Option(
            help="클러스터와 드라이버가 함께 닿는 임시 폴더 URI (hdfs://, s3a://, file://; 기본: "
            "로컬 작업 폴더) / scratch folder URI the cluster and the driver both reach "
            "(default: the local work folder)"
        ),
    ] = None,
    register: Annotated[
        bool, typer.Option("--register", help="라이브러리에 초안 등록 / register as a draft")
    ] = False,
    org: Annotated[str, typer.Option(help="등록 기관 / owner organisation")] = "local",
) -> None:
    """원시 파일로 데이터 상품을 만듭니다 / Build a data product from raw files."""
    options = build_options(
        inputs,
        out,
        {
            "recipe": recipe,
            "time_column": time_column,
            "target": target,
            "id_column": id_column,
            "sheet": sheet,
            "timezone": timezone,
            "title": title,
            "product_id": product_id,
            "semantics": semantics,
            "pricing": pricing,
            "task": task,
            "encoding": encoding,
            "raw_csv": raw_csv,
            "labels": labels,
            "engine": engine,
            "spark_master": spark_master,
            "spark_scratch": spark_scratch,
        },
    )
    result = _run_with_progress(options)
    console.print(_summary(result))
    if register:
        from mfgdata.cli.library import register_folder

        version = register_folder(result.out, org=org)
        console.print(
            f"등록됨 / registered: {version.product_id} v{version.version} ({version.status})"
        )


@handle_errors
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="제품 폴더 / product folder")] = Path(
        "demo-output/injection-molding"
    ),
) -> None:
    """번들된 사출성형 예제로 데모 상품을 만듭니다 / Build the demo product from bundled data."""
    result = _run_with_progress(demo_options(out))
    console.print(_summary(result))
    console.print(
        f"\n[bold green]완료 / done.[/] 브라우저로 여세요 / open in a browser: "
        f"[link=file://{result.out / 'report.html'}]{result.out / 'report.html'}[/link]"
    )
