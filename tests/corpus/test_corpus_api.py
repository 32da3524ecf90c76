"""Every hostile case through the upload API and a build job (SQLite): the same outcome as the
CLI, a product or one ko/en refusal naming the same problem; never a 500 or a server path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus.api_run import judge_web, run_web
from corpus.case import Case
from corpus.cases import CASES
from mfgdata.db.engine import dispose_engines
from mfgdata.db.migrate import upgrade
from mfgdata.settings import Settings
from webapp import signup, web_app, web_settings

World = tuple[TestClient, Settings]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One migrated SQLite database and one signed-in organisation for every case."""
    home = tmp_path_factory.mktemp("corpus-web")
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    settings = web_settings(home / "home", url)
    with TestClient(web_app(settings), raise_server_exceptions=False) as client:
        signup(client, "Corpus")
        yield client, settings
    dispose_engines()


def _param(case: Case) -> object:
    if not case.api:
        reason = "a symlink or a directory cannot be uploaded"
        return pytest.param(case, id=case.name, marks=pytest.mark.skip(reason=reason))
    return pytest.param(case, id=case.name)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case_through_the_web(case: Case, web: World, tmp_path: Path) -> None:
    client, settings = web
    outcome = run_web(case, tmp_path, client, settings)
    problem = judge_web(case, outcome, settings)
    assert problem is None, problem
