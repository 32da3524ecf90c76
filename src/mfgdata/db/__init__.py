"""The metadata database: engine, tables, migrations and repositories (keyword-only functions)."""
