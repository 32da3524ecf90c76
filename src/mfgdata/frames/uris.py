"""Inputs named by a URI (``file:///…``, ``hdfs://…``, ``s3a://…``): issue 19.

A URI is kept as the text given (``pathlib.Path`` would fold ``//``) and read as Hadoop reads it:
the path part literally, not percent-decoded (``file:///data/a b.csv`` is the file ``a b.csv``;
``a%20b.csv`` is a file of that name). The Spark engine reads any scheme its cluster reaches
(``engine/hadoop.py``); the Polars engine reads local files and ``file://`` URIs, and refuses
other schemes with a clear error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from mfgdata.errors import InputError

#: ``scheme://…`` (two letters at least: ``C:\…`` is a Windows path, not a URI)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")

Input = Path | str


def is_uri(given: Input) -> bool:
    return isinstance(given, str) and bool(_URI.match(given))


def as_input(given: Input) -> Input:
    """A URI stays its text; anything else is a path."""
    return given if isinstance(given, str) and _URI.match(given) else Path(given)


def scheme(uri: str) -> str:
    return uri.split("://", 1)[0].lower()


def uri_name(uri: str) -> str:
    """The file name Hadoop gives the URI (its last path segment, as written)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def file_uri_path(uri: str) -> Path:
    """The local path of a ``file://`` URI (no host, or localhost), as Hadoop reads it."""
    rest = uri.split("://", 1)[1]
    authority, _, path = rest.partition("/")
    if authority not in ("", "localhost"):
        raise InputError(
            f"file:// URI의 호스트는 비어 있거나 localhost여야 합니다: {uri}",
            f"a file:// URI names no host (or localhost): {uri}",
            file=uri,
        )
    return Path("/" + path)


def local_inputs(given: Sequence[Input]) -> list[Path]:
    """The inputs as local paths for the Polars engine: ``file://`` URIs become their path;
    another scheme is refused (it needs the Spark engine and a cluster that reaches it)."""
    out = []
    for g in given:
        if not is_uri(g):
            out.append(Path(g))
        elif scheme(str(g)) == "file":
            out.append(file_uri_path(str(g)))
        else:
            raise InputError(
                f"Polars 엔진은 로컬 파일과 file:// URI만 읽습니다 ({scheme(str(g))}://: "
                "--engine spark로 클러스터에서 읽으세요)",
                f"the Polars engine reads local files and file:// URIs only "
                f"({scheme(str(g))}://: read it on a cluster with --engine spark)",
                file=str(g),
            )
    return out
