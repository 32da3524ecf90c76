"""Run the package's Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from mfgdata.db.engine import database_url, make_engine


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
