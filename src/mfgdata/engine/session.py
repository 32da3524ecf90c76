"""The Spark session: one per process, local mode by default."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import mfgdata
from mfgdata.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"
_lock = threading.Lock()
_sessions: dict[str, SparkSession] = {}

#: Settings every session gets: no web UI, few shuffle partitions (a 2-core machine), UTC session
#: zone (zoned columns are instants; their zone travels in the Polars schema), microsecond
#: Parquet timestamps (not INT96) so that Polars reads Spark's files with the right types.
CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "20000",
    # CP949/EUC-KR inputs: Spark 4 accepts only the UTF/ASCII charsets unless the JVM ones are on
    "spark.sql.legacy.javaCharsets": "true",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


def require_spark() -> None:
    """pyspark and java present, else a clear ko/en ConfigError."""
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        raise ConfigError(
            "Spark 엔진에는 pyspark가 필요합니다: pip install 'mfgdata[spark]'",
            "the Spark engine needs pyspark: pip install 'mfgdata[spark]'",
        ) from e
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ConfigError(
            "Spark 엔진에는 Java 17이 필요합니다 (make system-deps)",
            "the Spark engine needs Java 17 (make system-deps)",
        )


def get_session(master: str | None = None) -> SparkSession:
    """The process's session for ``master`` (``local[2]`` by default), created once."""
    master = master or DEFAULT_MASTER
    with _lock:
        if master in _sessions:
            return _sessions[master]
        require_spark()
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
        # executors run this interpreter and import this mfgdata (the Arrow UDFs call its code)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        src = str(Path(mfgdata.__file__).parent.parent)
        path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.master(master).appName("mfgdata")
        for k, v in CONF.items():
            builder = builder.config(k, v)
        builder = builder.config("spark.executorEnv.PYTHONPATH", path)
        builder = builder.config("spark.executorEnv.PYSPARK_PYTHON", sys.executable)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        _sessions.clear()  # one live session per process
        _sessions[master] = session
        return session
