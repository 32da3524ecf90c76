"""Migrations up and down on SQLite and PostgreSQL; engine settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from mfgdata.db.engine import database_url, get_engine, make_engine, objects_dir
from mfgdata.db.migrate import current_revision, downgrade, head_revision, upgrade
from mfgdata.db.tables import Base
from mfgdata.settings import get_settings

TABLES = {t.name for t in Base.metadata.sorted_tables}


def test_migrated_schema_has_every_table_at_head(db_engine: Engine) -> None:
    names = set(inspect(db_engine).get_table_names())
    assert names >= TABLES
    assert current_revision(db_engine) == head_revision() == "0009"


def test_search_index_exists(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        if db_engine.dialect.name == "sqlite":
            found = conn.execute(
                text("SELECT name FROM sqlite_master WHERE name = 'product_search'")
            ).scalar()
            assert found == "product_search"
        else:
            indexes = {i["name"] for i in inspect(conn).get_indexes("product_versions")}
            assert "ix_product_versions_search_tsv" in indexes
            assert "ix_product_versions_search_trgm" in indexes  # pg_trgm is on the CI server


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    try:
        assert not (TABLES & set(inspect(engine).get_table_names()))
        assert upgrade(db_url) == "0009"
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_check_constraints_hold(db_engine: Engine) -> None:
    insert = text(
        "INSERT INTO organisations (name, kind, created) VALUES ('x', 'pirate', CURRENT_TIMESTAMP)"
    )
    with db_engine.connect() as conn, pytest.raises(IntegrityError, match=r"(?i)check"):
        conn.execute(insert)


def test_default_sqlite_lives_in_home_with_wal_and_foreign_keys(mfgdata_home: Path) -> None:
    settings = get_settings()
    assert database_url(settings) == f"sqlite:///{mfgdata_home / 'mfgdata.db'}"
    assert objects_dir(settings) == mfgdata_home / "objects"
    upgrade()
    engine = get_engine(settings)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (mfgdata_home / "mfgdata.db").is_file()


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFGDATA_DATABASE_URL", "postgresql+psycopg://u@db.example/mfg")
    get_settings.cache_clear()
    assert database_url() == "postgresql+psycopg://u@db.example/mfg"
