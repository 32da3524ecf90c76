"""Alembic migrations of the metadata database (``mfgdata db upgrade``)."""
