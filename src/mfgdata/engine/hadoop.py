"""Files the cluster reaches, read on the driver through Hadoop's FileSystem (issue 19).

The driver never opens a URI locally: the head of a CSV (for sniffing), a Parquet footer and the
SHA-256 of the input's bytes all go through the JVM's ``org.apache.hadoop.fs.FileSystem`` of the
Spark session, so ``hdfs://``, ``s3a://``, ``abfss://`` … work wherever the cluster's Hadoop
configuration reaches them (tests use ``file://``, the one filesystem every Hadoop has).

The SHA-256 is computed inside the JVM (``DigestInputStream`` streamed to a null sink in the
stream's own buffer-sized chunks): one call, constant memory, the bytes never cross into Python.
A local path is handed to Spark as ``file://`` + the absolute path, literally (Hadoop does not
percent-decode: ``Path.as_uri()`` would name another file when the path holds spaces or Korean).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgdata.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def hadoop_path(path: Path) -> str:
    """The Hadoop path string of a local file (not percent-encoded, see the module note)."""
    return "file://" + str(path.absolute())


@dataclass(frozen=True)
class Status:
    size: int
    modified: int  # ms since the epoch


def _jvm(spark: SparkSession) -> Any:
    return spark._jvm  # type: ignore[attr-defined]


def _fs(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    path = _jvm(spark).org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark._jsc.hadoopConfiguration()), path  # type: ignore[attr-defined]


def reason(e: Exception) -> str:
    """Hadoop's reason for a failed call, one line: the Java exception's class and message."""
    text = str(e)
    java = getattr(e, "java_exception", None)
    if java is not None:
        text = f"{java.getClass().getSimpleName()}: {java.getMessage()}"
    return text.splitlines()[0][:200] if text else type(e).__name__


def _unreadable(uri: str, e: Exception) -> InputError:
    detail = reason(e)
    if "FileNotFoundException" in detail:
        return InputError("파일이 없습니다", "the file does not exist", file=uri)
    return InputError(
        f"URI를 읽을 수 없습니다 ({detail})",
        f"cannot read the URI ({detail})",
        file=uri,
    )


def status(spark: SparkSession, uri: str) -> Status:
    """Size and modification time of the file at ``uri``; a clear error when it is missing, a
    directory, or on a filesystem the cluster does not reach."""
    try:
        fs, path = _fs(spark, uri)
        st = fs.getFileStatus(path)
        is_dir = bool(st.isDirectory())
        size, modified = int(st.getLen()), int(st.getModificationTime())
    except Exception as e:
        raise _unreadable(uri, e) from e
    if is_dir:
        raise InputError(
            "파일이 아니라 폴더입니다", "the path is a directory, not a file", file=uri
        )
    return Status(size, modified)


def read_range(spark: SparkSession, uri: str, start: int, size: int) -> bytes:
    """Up to ``size`` bytes from ``start`` (a head to sniff, a footer: small reads)."""
    try:
        fs, path = _fs(spark, uri)
        stream = fs.open(path)
        try:
            if start:
                stream.seek(start)
            return bytes(stream.readNBytes(size))
        finally:
            stream.close()
    except Exception as e:
        raise _unreadable(uri, e) from e


def sha256(spark: SparkSession, uri: str) -> tuple[str, int]:
    """(SHA-256, bytes) of the file at ``uri``, streamed inside the JVM (constant memory);
    refused when the file changed while it was read."""
    before = status(spark, uri)
    try:
        jvm = _jvm(spark)
        fs, path = _fs(spark, uri)
        digest = jvm.java.security.MessageDigest.getInstance("SHA-256")
        stream = jvm.java.security.DigestInputStream(fs.open(path), digest)
        try:
            read = int(stream.transferTo(jvm.java.io.OutputStream.nullOutputStream()))
        finally:
            stream.close()
        sha = bytes(digest.digest()).hex()
    except Exception as e:
        raise _unreadable(uri, e) from e
    if status(spark, uri) != before or read != before.size:
        raise InputError(
            "읽는 동안 파일이 바뀌었습니다", "the file changed while it was being read", file=uri
        )
    return sha, read


def copy_to_local(spark: SparkSession, uri: str, target: Path) -> Path:
    """The file at ``uri`` copied to the driver's ``target`` (a bounded input: a workbook)."""
    try:
        fs, path = _fs(spark, uri)
        jvm = _jvm(spark)
        fs.copyToLocalFile(False, path, jvm.org.apache.hadoop.fs.Path(hadoop_path(target)), True)
    except Exception as e:
        raise _unreadable(uri, e) from e
    return target


def make_folder(spark: SparkSession, uri: str) -> None:
    """Create the folder ``uri`` and prove it writable: a small file created and deleted in it.
    An unreachable or unwritable URI is a ko/en :class:`ConfigError` naming it and Hadoop's
    reason (the folder, if made, is removed again)."""
    made = False
    try:
        fs, path = _fs(spark, uri)
        if not fs.mkdirs(path):
            raise OSError(f"mkdirs failed to create {uri}")
        made = True
        probe = _jvm(spark).org.apache.hadoop.fs.Path(uri + "/.mfgdata-probe")
        out = fs.create(probe, True)
        try:
            out.write(b"ok")
        finally:
            out.close()
        if not fs.delete(probe, False):
            raise OSError(f"cannot delete {uri}/.mfgdata-probe")
    except Exception as e:
        if made:
            remove(spark, uri)
        raise _unwritable(uri, e) from e


def _unwritable(uri: str, e: Exception) -> ConfigError:
    detail = reason(e)
    return ConfigError(
        f"Spark 임시 폴더에 쓸 수 없습니다 ({detail})",
        f"cannot write to the Spark scratch folder ({detail})",
        file=uri,
    )


def remove(spark: SparkSession, uri: str) -> bool:
    """Remove the folder or file ``uri`` and everything in it (best effort: False when it could
    not be removed)."""
    try:
        fs, path = _fs(spark, uri)
        return bool(fs.delete(path, True))
    except Exception:
        return False


def list_names(spark: SparkSession, uri: str) -> list[str]:
    """The names of the files directly in the folder ``uri`` (no glob: the path is literal)."""
    try:
        fs, path = _fs(spark, uri)
        return sorted(str(st.getPath().getName()) for st in fs.listStatus(path) if st.isFile())
    except Exception as e:
        raise _unreadable(uri, e) from e


def copy_from_local(spark: SparkSession, source: Path, uri: str) -> str:
    """The driver's file ``source`` copied to ``uri`` (streamed by Hadoop): ``uri``."""
    try:
        fs, path = _fs(spark, uri)
        local = _jvm(spark).org.apache.hadoop.fs.Path(hadoop_path(source))
        fs.copyFromLocalFile(False, True, local, path)
    except Exception as e:
        raise _unwritable(uri, e) from e
    return uri
