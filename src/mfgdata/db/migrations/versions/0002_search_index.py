"""full-text search index on product_versions.search_text

SQLite: an FTS5 table with the trigram tokenizer (Korean substrings), kept in step by triggers.
PostgreSQL: a GIN index on to_tsvector('simple', search_text), and a trigram GIN index when the
pg_trgm extension is available (it speeds up the ILIKE substring match).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:20:00
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE product_search USING fts5(body, tokenize='trigram')",
    "INSERT INTO product_search(rowid, body) SELECT id, search_text FROM product_versions",
    "CREATE TRIGGER product_search_ai AFTER INSERT ON product_versions BEGIN "
    "INSERT INTO product_search(rowid, body) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER product_search_ad AFTER DELETE ON product_versions BEGIN "
    "DELETE FROM product_search WHERE rowid = old.id; END",
    "CREATE TRIGGER product_search_au AFTER UPDATE OF search_text ON product_versions BEGIN "
    "UPDATE product_search SET body = new.search_text WHERE rowid = new.id; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS product_search_au",
    "DROP TRIGGER IF EXISTS product_search_ad",
    "DROP TRIGGER IF EXISTS product_search_ai",
    "DROP TABLE IF EXISTS product_search",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_UP:
            op.execute(sql)
        return
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_product_versions_search_tsv ON product_versions "
        "USING gin (to_tsvector('simple', search_text))"
    )
    available = bind.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    if available is None:
        return
    with bind.begin_nested() as savepoint:
        try:
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            bind.execute(
                text(
                    "CREATE INDEX ix_product_versions_search_trgm ON product_versions "
                    "USING gin (search_text gin_trgm_ops)"
                )
            )
        except Exception:  # no privilege to create the extension: ILIKE without index
            savepoint.rollback()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DOWN:
            op.execute(sql)
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_product_versions_search_trgm")
        op.execute("DROP INDEX IF EXISTS ix_product_versions_search_tsv")
