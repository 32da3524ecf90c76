"""``mfgdata demo-server``: the demo as a running platform.

Builds the demo product (once), migrates the database, creates a demo organisation and account,
registers and publishes the demo product, starts a job worker (subprocess) and the web server,
and prints the URL with the demo login.
"""

from __future__ import annotations

import atexit
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from mfgdata.cli.console import console, handle_errors
from mfgdata.settings import Settings, get_settings

DEMO_ORG = "데모 사출공장 / Demo Injection Plant"
DEMO_EMAIL = "demo@mfgdata.local"
DEMO_PASSWORD = "demo-password-2024"
WORKER = "from mfgdata.cli.worker import worker; worker(workers=1, sweep=True)"


def ensure_demo_product(out: Path) -> Path:
    """The demo product folder, built unless a finished one is already there."""
    from mfgdata.flow import build
    from mfgdata.pipeline.manifest import MANIFEST
    from mfgdata.samples import demo_options

    if not (out / MANIFEST).is_file():
        console.print(f"데모 제품 빌드 중 / building the demo product → {out}")
        build(demo_options(out))
    return out


def prepare(settings: Settings, product: Path) -> str:
    """Migrate, create the demo account and publish the demo product; its product id."""
    from mfgdata.catalog import workflow
    from mfgdata.catalog.register import register_product
    from mfgdata.db.engine import database_url, get_engine, session_factory
    from mfgdata.db.migrate import upgrade
    from mfgdata.db.repositories.organisations import get_or_create_organisation
    from mfgdata.db.repositories.users import UserCreate, create_user, get_user_by_email
    from mfgdata.db.tables import ProductVersion
    from mfgdata.pipeline.manifest import MANIFEST

    upgrade(database_url(settings))
    digest = hashlib.sha256((product / MANIFEST).read_bytes()).hexdigest()
    with session_factory(get_engine(settings))() as session:
        org = get_or_create_organisation(session=session, name=DEMO_ORG, kind="manufacturer")
        user = get_user_by_email(session=session, email=DEMO_EMAIL)
        if user is None:
            user = create_user(
                session=session,
                data=UserCreate(
                    email=DEMO_EMAIL,
                    name="Demo",
                    org_id=org.id,
                    role="member",
                    password=DEMO_PASSWORD,
                ),
            )
        session.commit()
        stmt = select(ProductVersion).where(ProductVersion.manifest_sha256 == digest)
        version = session.scalars(stmt).first()
        if version is None:
            version = register_product(
                product, session=session, owner_org=org, actor=user, settings=settings
            )
        if version.status == "draft":
            workflow.verify(session=session, version=version, actor=user, settings=settings)
        if version.status == "verified":
            workflow.publish(session=session, version=version, actor=user, settings=settings)
        session.commit()
        return version.product_id


def start_worker() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", WORKER])

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()

    atexit.register(stop)
    return proc


@handle_errors
def demo_server(
    host: Annotated[str, typer.Option(help="주소 / bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="포트 / port")] = 8000,
    out: Annotated[Path, typer.Option(help="데모 제품 폴더 / demo product folder")] = Path(
        "demo-output/injection-molding"
    ),
    worker: Annotated[bool, typer.Option(help="작업자 함께 실행 / run a job worker")] = True,
) -> None:
    """데모 제품 등록 후 웹 서버 시작 / Register the demo product and start the server."""
    import uvicorn

    settings = get_settings()
    product_id = prepare(settings, ensure_demo_product(out))
    if worker:
        start_worker()
    url = f"http://{host}:{port}/"
    console.print(
        f"\n[bold green]mfgdata 데모 / demo[/]  {url}\n"
        f"  제품 폴더 / product folder: {out.absolute()}\n"
        f"  먼저 열어 볼 파일 / open first: {out.absolute() / 'report.html'}\n"
        f"  제품 페이지 / product page: {url}products/{product_id}\n"
        f"  로그인 / login: {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
        f"  MFGDATA_HOME: {settings.home}\n"
    )
    uvicorn.run(
        "mfgdata.api.pages.site:create_site",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,  # X-Forwarded-For only from Settings.trusted_proxies (create_app)
    )
