"""Shared fixtures: an isolated MFGDATA_HOME for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mfgdata.settings import get_settings


@pytest.fixture(autouse=True)
def mfgdata_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("mfgdata-home")
    monkeypatch.setenv("MFGDATA_HOME", str(home))
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


from dbfixtures import built_product, db_engine, db_session, db_url, product_dir  # noqa: E402, F401
