"""``mfgdata db upgrade``: apply the Alembic migrations to the configured database."""

from __future__ import annotations

import typer

from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import database_url
from mfgdata.db.migrate import upgrade as run_upgrade

db_app = typer.Typer(
    help="메타데이터 데이터베이스 / Metadata database", no_args_is_help=True, add_completion=False
)


def _safe(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


@db_app.command("upgrade")
@handle_errors
def upgrade() -> None:
    """데이터베이스를 최신 스키마로 올립니다 / Migrate the database to the newest schema."""
    url = database_url()
    revision = run_upgrade(url)
    console.print(f"데이터베이스 / database: {_safe(url)}\n리비전 / revision: {revision}")
