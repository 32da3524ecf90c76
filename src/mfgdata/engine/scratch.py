"""Where the Spark engine writes its scratch files (issue 19).

Every file Spark writes during a build (the recipe's stages, the materialised table, the part
files of ``data/table.parquet`` and ``data/flags.parquet``, an Excel sheet converted for Spark)
goes to the build's scratch folder:

- by default the build's local work folder (``RunContext.work_dir``): right in local mode and
  on a cluster whose workers all run on the driver's machine;
- with ``spark_scratch`` (``MFGDATA_SPARK_SCRATCH``, ``--spark-scratch``) set to a Hadoop URI
  that the workers *and* the driver reach (``hdfs://``, ``s3a://``, ``file:///shared/nfs``),
  the folder ``<scratch>/mfgdata-<run id>``: on a cluster of several machines each worker writes
  its part files where the others and the driver find them. The folder is proved writable when
  the build starts (an unwritable or unreachable URI stops it with a ko/en error naming the URI
  and Hadoop's reason) and removed when the build ends, succeeded or failed.

The driver reads Spark's part files back through Hadoop's ``FileSystem``: listed, copied one by
one to the local work folder (streamed), then joined by the Polars writer as before: the same
files, so the same product bytes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mfgdata.engine import hadoop

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mfgdata.pipeline.context import RunContext


@dataclass(frozen=True)
class Scratch:
    """The build's scratch folder: ``root`` as Spark and Hadoop name it, and the driver's local
    work folder (``work``); ``shared`` when ``root`` is not that work folder."""

    root: str
    work: Path
    shared: bool

    def uri(self, name: str) -> str:
        """The Hadoop path of ``name`` in the scratch folder."""
        return f"{self.root}/{name}"

    def put(self, spark: SparkSession, local: Path) -> str:
        """A file the driver wrote in its work folder, where Spark's workers read it: the file
        itself in local mode, else a copy in the scratch folder (streamed by Hadoop)."""
        if not self.shared:
            return hadoop.hadoop_path(local)
        return hadoop.copy_from_local(spark, local, self.uri(local.name))

    def fetch(self, spark: SparkSession, name: str) -> tuple[list[Path], Path | None]:
        """The part files (``part-*.parquet``) Spark wrote into the folder ``name``, as files
        on the driver: the files themselves in local mode, else copies in the work folder (one
        by one, streamed), and that copies' folder (to remove once read)."""
        if not self.shared:
            return sorted((self.work / name).glob("part-*.parquet")), None
        folder = self.work / "fetched" / name
        folder.mkdir(parents=True, exist_ok=True)
        names = [n for n in hadoop.list_names(spark, self.uri(name)) if _is_part(n)]
        parts = [hadoop.copy_to_local(spark, f"{self.uri(name)}/{n}", folder / n) for n in names]
        return parts, folder

    @staticmethod
    def drop(folder: Path | None) -> None:
        """Remove the driver's copies made by :meth:`fetch` (nothing in local mode)."""
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _is_part(name: str) -> bool:
    return name.startswith("part-") and name.endswith(".parquet")


def for_build(ctx: RunContext, spark: SparkSession) -> Scratch:
    """The scratch folder of the build ``ctx``, set up on first use: with ``spark_scratch``,
    ``<scratch>/mfgdata-<run id>`` made, proved writable (else a :class:`ConfigError`) and
    removed when the build ends (``ctx.closers``)."""
    if isinstance(ctx.spark_scratch, Scratch):
        return ctx.spark_scratch
    base = ctx.options.spark_scratch or ctx.settings.spark_scratch
    if not base:
        scratch = Scratch(hadoop.hadoop_path(ctx.work_dir), ctx.work_dir, shared=False)
    else:
        root = (base if base.endswith("/") else base + "/") + f"mfgdata-{ctx.run_id}"
        hadoop.make_folder(spark, root)
        ctx.closers.append(lambda: hadoop.remove(spark, root))
        scratch = Scratch(root, ctx.work_dir, shared=True)
    ctx.spark_scratch = scratch
    return scratch
