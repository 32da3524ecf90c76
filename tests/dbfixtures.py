"""Database fixtures shared by the db, accounts, catalog and web tests.

``db_url`` is parametrised over a temporary SQLite file and a real PostgreSQL server
(127.0.0.1:5432, user postgres, trust auth; override with MFGDATA_TEST_PG as a libpq conninfo).
Each test gets a fresh, uniquely named database with the Alembic migrations applied, dropped
afterwards. When PostgreSQL is unreachable its cases fail if the CI variable is set and are
skipped otherwise.

``built_product`` is a real product folder built once per session by the pipeline from a small
CSV (ingest, profile, preprocess, quality, price, package); ``product_dir`` is a fresh copy.
"""

from __future__ import annotations

import os
import random
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mfgdata.db.engine import dispose_engines, make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import User
from mfgdata.settings import get_settings

PG_ADMIN = os.environ.get(
    "MFGDATA_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)


def _pg_admin_connect() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)


def _pg_url(name: str) -> str:
    parts = dict(p.split("=", 1) for p in PG_ADMIN.split())
    host, port, user = parts.get("host", "127.0.0.1"), parts.get("port", "5432"), parts["user"]
    return f"postgresql+psycopg://{user}@{host}:{port}/{name}"


#: test databases made in this session, dropped together at the end: a drop costs a checkpoint
#: (about a second), so one batch at the end saves a second per test
_CREATED: list[str] = []


def _drop_stale(admin: psycopg.Connection[tuple[object, ...]]) -> None:
    """Drop test databases left by killed runs on this host (their process id is gone)."""
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE 'mfgdata\\_test\\_p%'"
    ).fetchall()
    for (name,) in rows:
        pid = str(name).split("_")[2][1:]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_created() -> None:
    dispose_engines()
    with _pg_admin_connect() as admin:
        while _CREATED:
            admin.execute(f'DROP DATABASE IF EXISTS "{_CREATED.pop()}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database on each backend; yields its SQLAlchemy URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mfgdata-test.db'}"
        upgrade(url)
        yield url
        dispose_engines()
        return
    try:
        admin = _pg_admin_connect()
    except Exception as e:  # server down or unreachable
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable ({PG_ADMIN}): {e}")
        pytest.skip(f"PostgreSQL is not reachable ({PG_ADMIN}): {e}")
    name = f"mfgdata_test_p{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with admin:
        if not _CREATED:
            _drop_stale(admin)
            request.config.add_cleanup(_drop_created)
        admin.execute(f'CREATE DATABASE "{name}"')
    _CREATED.append(name)
    url = _pg_url(name)
    upgrade(url)
    yield url
    dispose_engines()


@pytest.fixture
def db_engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An engine on ``db_url``; MFGDATA_DATABASE_URL points to it for code that reads settings."""
    monkeypatch.setenv("MFGDATA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    with Session(db_engine, expire_on_commit=False) as session:
        yield session


def write_sample_csv(path: Path, rows: int = 300, seed: int = 1) -> Path:
    """A small injection-moulding log: time, machine, two sensors with units, an OK/NG label."""
    rng = random.Random(seed)
    start = datetime(2024, 3, 1)
    lines = ["일시,설비ID,온도[℃],압력[bar],불량여부"]
    for i in range(rows):
        at = (start + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S")
        label = "NG" if rng.random() < 0.1 else "OK"
        lines.append(
            f"{at},M{i % 2 + 1},{200 + rng.random() * 5:.2f},{80 + rng.random() * 3:.2f},{label}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real product folder (built once per session); do not modify it, use ``product_dir``."""
    from mfgdata.flow import build
    from mfgdata.pipeline import BuildOptions
    from mfgdata.steps import ingest, package, preprocess, price, profile, quality

    base = tmp_path_factory.mktemp("built-product")
    options = BuildOptions(
        inputs=(write_sample_csv(base / "사출_로그.csv"),),
        out=base / "product",
        time_column="일시",
        target="불량여부",
        id_column="설비ID",
        title="사출성형 공정 데이터 / Injection moulding process data",
        product_id="injection-line-1",
    )
    steps = [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        quality.QualityStep(),
        price.PriceStep(),
        package.PackageStep(),
    ]
    return build(options, steps=steps).out


@pytest.fixture
def product_dir(built_product: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``built_product`` that a test may change."""
    return Path(shutil.copytree(built_product, tmp_path / "product"))


def make_user(
    session: Session,
    *,
    org: str,
    role: str = "member",
    kind: str = "manufacturer",
    email: str | None = None,
    password: str = "correct horse battery",
) -> User:
    """An organisation (created on first use) and a user in it."""
    organisation = get_or_create_organisation(session=session, name=org, kind=kind)
    user = create_user(
        session=session,
        data=UserCreate(
            email=email or f"{role}.{uuid.uuid4().hex[:6]}@{org.lower().replace(' ', '-')}.kr",
            name=f"{org} {role}",
            org_id=organisation.id,
            role=role,
            password=password,
        ),
    )
    session.commit()
    return user
