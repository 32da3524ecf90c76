"""``mfgdata serve`` settles the garbage collector before the server runs (issue 12: the rows API's
p99), and still runs the same application with the same options."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

import mfgdata.db.migrate
from mfgdata.cli.serve import GC_THRESHOLDS, serve


@pytest.fixture
def collector() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_serve_freezes_start_up_objects_and_raises_the_young_threshold(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def run(app: str, **kwargs: Any) -> None:
        seen.update(app=app, frozen=gc.get_freeze_count(), threshold=gc.get_threshold(), **kwargs)

    monkeypatch.setattr(mfgdata.db.migrate, "ensure_schema", lambda settings: None)
    monkeypatch.setattr(uvicorn, "run", run)
    gc.unfreeze()
    serve(host="127.0.0.1", port=8765, workers=1, log_level="warning", access_log=False)
    # the app's modules were imported before the freeze: their objects are in the frozen set
    assert seen["frozen"] > 50_000
    assert seen["threshold"] == GC_THRESHOLDS
    assert seen["app"] == "mfgdata.api.app:create_app"
    assert seen["factory"] is True
    assert (seen["host"], seen["port"], seen["workers"]) == ("127.0.0.1", 8765, 1)
