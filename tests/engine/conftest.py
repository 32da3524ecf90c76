"""One SparkSession per test session (the JVM starts in ~6 s); Spark tests skip outside CI when
pyspark or java is missing, and fail in CI (``CI=true``), like the browser tests."""

from __future__ import annotations

import importlib.util
import os
import shutil
from typing import Any

import pytest

HAVE_SPARK = importlib.util.find_spec("pyspark") is not None and (
    shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))
)
needs_spark = pytest.mark.skipif(
    not HAVE_SPARK and not os.environ.get("CI"),
    reason="pyspark or java is missing (make install-dev system-deps); runs in CI",
)


@pytest.fixture(scope="session")
def spark() -> Any:
    from mfgdata.engine.session import get_session

    return get_session("local[2]")
