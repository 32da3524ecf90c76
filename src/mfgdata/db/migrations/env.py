"""Alembic environment: the package's own metadata; the URL comes from the config or settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from mfgdata.db.engine import database_url, make_engine
from mfgdata.db.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url") or database_url())
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
