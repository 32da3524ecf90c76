"""Run the package's Alembic migrations programmatically (no alembic.ini needed).

``ensure_schema`` is what ``mfgdata serve`` and ``mfgdata worker`` call on start: the embedded
SQLite database is created and migrated (under a file lock, so a server and a worker starting
together do not race); a server database (PostgreSQL) is never migrated behind the operator's
back: when it is behind, the start is refused with the command to run.
"""

from __future__ import annotations

import fcntl
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from mfgdata.db.engine import database_url, make_engine
from mfgdata.errors import ConfigError
from mfgdata.settings import Settings


class SchemaBehind(ConfigError):
    """The server database is not at the package's newest migration."""

    code = "database_behind"
    status_code = 503

    def __init__(self, current: str | None, head: str | None) -> None:
        super().__init__(
            f"데이터베이스 스키마가 최신이 아닙니다 (현재 {current or '없음'}, 최신 {head}): "
            "먼저 'mfgdata db upgrade'를 실행하세요",
            f"the database schema is behind (at {current or 'none'}, newest {head}): "
            "run 'mfgdata db upgrade' first",
        )


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("mfgdata.db").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """``alembic upgrade head`` on ``url`` (default: the configured database); the new revision."""
    url = url or database_url()
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def ensure_schema(settings: Settings) -> str | None:
    """Create/migrate the embedded SQLite database; refuse a server database that is behind."""
    url = database_url(settings)
    if url.startswith("sqlite"):
        settings.home.mkdir(parents=True, exist_ok=True)
        with (settings.home / ".migrate.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return upgrade(url)
    engine = make_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if current != head:
        raise SchemaBehind(current, head)
    return current
