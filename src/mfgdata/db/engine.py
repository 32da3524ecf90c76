"""Engine and session factory from settings.

Default: ``sqlite:///{MFGDATA_HOME}/mfgdata.db`` with WAL, foreign keys and a busy timeout.
Deployment: ``MFGDATA_DATABASE_URL=postgresql+psycopg://user@host/db``.

SQLAlchemy is imported where an engine or a session is made: ``database_url`` and ``objects_dir``
are read by a build (the price step's library lookup), which should not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgdata.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


def database_url(settings: Settings | None = None) -> str:
    """The configured URL, or the SQLite file under ``MFGDATA_HOME``."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{settings.home / 'mfgdata.db'}"


def objects_dir(settings: Settings | None = None) -> Path:
    """The object store: registered products live in ``objects/products/<id>/<version>/``."""
    return (settings or get_settings()).home / "objects"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys on and a busy timeout."""
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


_ENGINES: dict[str, Engine] = {}


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured URL (one per URL)."""
    url = database_url(settings)
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engines() -> None:
    """Close pooled connections of every cached engine (tests, process shutdown)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()
