"""Security fixtures: product sources built once per session, a SQLite world per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mfgdata.db.engine import dispose_engines
from mfgdata.db.migrate import upgrade
from security.world import SecWorld, build_sources, make_world


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_sources(tmp_path_factory.mktemp("sec-sources"))


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, sources: dict[str, Path], built_product: Path
) -> Iterator[SecWorld]:
    home = tmp_path_factory.mktemp("sec-home")
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    yield make_world(home, url, sources, built_product)
    dispose_engines()
