"""Bounded work: the limits of one input (columns, header size, cell size, JSON nesting), each
with one clear refusal. The same functions guard the CLI, the build jobs and the upload checks,
with the values from :class:`~mfgdata.settings.Settings` (``MFGDATA_MAX_COLUMNS`` ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mfgdata.errors import InputError
from mfgdata.settings import Settings, get_settings


class LimitExceeded(InputError):
    """An input over one of the limits of :class:`Limits` (a setting names each)."""

    code = "limit_exceeded"
    status_code = 422  # the file is whole but over a limit (a too-large *request* is a 413)


@dataclass(frozen=True)
class Limits:
    max_columns: int = 2_000
    max_header_chars: int = 1_000
    max_cell_bytes: int = 1024**2
    max_decompressed_bytes: int = 2 * 1024**3
    max_compression_ratio: float = 100.0
    max_nesting: int = 64

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        s = settings or get_settings()
        return cls(
            max_columns=s.max_columns,
            max_header_chars=s.max_header_chars,
            max_cell_bytes=s.max_cell_bytes,
            max_decompressed_bytes=s.max_decompressed_bytes,
            max_compression_ratio=s.max_compression_ratio,
            max_nesting=s.max_json_depth,
        )


def _short(name: str, keep: int = 40) -> str:
    return name if len(name) <= keep else name[:keep] + "…"


def check_header(
    path: Path | str, names: Sequence[str], limits: Limits, line: int | None = None
) -> None:
    """Too many columns, or a column name longer than ``max_header_chars``."""
    if len(names) > limits.max_columns:
        raise LimitExceeded(
            f"열이 너무 많습니다 ({len(names)}개 열, 한도 {limits.max_columns}개; "
            "MFGDATA_MAX_COLUMNS)",
            f"too many columns ({len(names)} columns, limit {limits.max_columns}; "
            "MFGDATA_MAX_COLUMNS)",
            file=path,
            line=line,
        )
    for i, name in enumerate(names):
        if len(name) > limits.max_header_chars:
            raise LimitExceeded(
                f"{i + 1}번째 열 이름이 너무 깁니다 ({len(name):,}자, 한도 "
                f"{limits.max_header_chars:,}자; MFGDATA_MAX_HEADER_CHARS)",
                f"column name {i + 1} is too long ({len(name):,} characters, limit "
                f"{limits.max_header_chars:,}; MFGDATA_MAX_HEADER_CHARS)",
                file=path,
                line=line,
                column=_short(name),
            )


def cell_too_large(
    path: Path | str, size: int, limits: Limits, *, line: int | None, column: str | None
) -> LimitExceeded:
    return LimitExceeded(
        f"값 하나가 너무 큽니다 ({size:,} 바이트 이상, 한도 {limits.max_cell_bytes:,} 바이트; "
        "MFGDATA_MAX_CELL_BYTES)",
        f"one cell is too large ({size:,} bytes or more, limit {limits.max_cell_bytes:,} "
        "bytes; MFGDATA_MAX_CELL_BYTES)",
        file=path,
        line=line,
        column=column,
    )


def nesting_depth(path: Path, limit: int, chunk: int = 1 << 22) -> tuple[int, int] | None:
    """(1-based line, depth) of the first JSON Lines record nested deeper than ``limit``, or
    None. Brackets are counted outside strings (an escaped quote is skipped); numpy keeps it
    near disk speed."""
    import numpy as np

    depth, line, in_str, escaped = 0, 1, False, False
    with path.open("rb") as f:
        while block := f.read(chunk):
            data = np.frombuffer(block, np.uint8)
            quotes = np.flatnonzero(data == ord('"'))
            if quotes.size or in_str or escaped:
                mask, in_str, escaped = _outside_strings(block, in_str, escaped)
            else:
                mask = np.ones(len(block), bool)
            step = np.zeros(len(block), np.int64)
            step[(data == ord("{")) | (data == ord("["))] = 1
            step[(data == ord("}")) | (data == ord("]"))] = -1
            step[~mask] = 0
            level = depth + np.cumsum(step)
            over = np.flatnonzero(level > limit)
            if over.size:
                at = int(over[0])
                return line + int(np.count_nonzero(data[:at] == ord("\n"))), int(level[at])
            depth = int(level[-1]) if len(level) else depth
            line += int(np.count_nonzero(data == ord("\n")))
    return None


def _outside_strings(block: bytes, in_str: bool, escaped: bool) -> tuple[Any, bool, bool]:
    """Mask of the bytes of ``block`` outside JSON strings (a slow path: only blocks with
    quotes come here, and only their quote/backslash positions are visited)."""
    import numpy as np

    data = np.frombuffer(block, np.uint8)
    mask = np.ones(len(block), bool)
    marks = np.flatnonzero((data == ord('"')) | (data == ord("\\")))
    start = 0 if in_str else -1
    prev = -2
    for pos in marks.tolist():
        if escaped and pos == prev + 1:
            escaped = False
            prev = pos
            continue
        escaped = False
        if block[pos] == ord("\\"):
            escaped = in_str
            prev = pos
            continue
        if in_str:
            mask[start : pos + 1] = False
            in_str = False
        else:
            start, in_str = pos, True
        prev = pos
    if in_str:
        mask[max(start, 0) :] = False
    return mask, in_str, escaped


def check_nesting(path: Path, limits: Limits) -> None:
    found = nesting_depth(path, limits.max_nesting)
    if found is not None:
        line, depth = found
        raise LimitExceeded(
            f"JSON 중첩이 너무 깊습니다 (깊이 {depth} 이상, 한도 {limits.max_nesting}; "
            "MFGDATA_MAX_JSON_DEPTH)",
            f"JSON nested too deep (depth {depth} or more, limit {limits.max_nesting}; "
            "MFGDATA_MAX_JSON_DEPTH)",
            file=path,
            line=line,
        )
