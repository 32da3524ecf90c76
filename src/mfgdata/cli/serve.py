"""``mfgdata serve``: the web API with uvicorn (the embedded database is migrated first)."""

from __future__ import annotations

from typing import Annotated

import typer

from mfgdata.cli.console import handle_errors


@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="주소 / bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="포트 / port")] = 8000,
    workers: Annotated[int, typer.Option(help="작업 프로세스 수 / worker processes")] = 1,
    log_level: Annotated[str, typer.Option(help="로그 수준 / log level")] = "info",
    access_log: Annotated[bool, typer.Option(help="접근 로그 / access log")] = True,
) -> None:
    """웹 API를 시작합니다 / Start the web API server."""
    import uvicorn

    from mfgdata.db.migrate import ensure_schema
    from mfgdata.settings import get_settings

    ensure_schema(get_settings())
    uvicorn.run(
        "mfgdata.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        proxy_headers=False,  # X-Forwarded-For only from Settings.trusted_proxies (create_app)
    )
