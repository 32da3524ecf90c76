"""Reading the experts, requests and accepted-pairs files (UTF-8 CSV; lists separated by ``;``).

``E.csv``: ``expert,fields,regions,capacity,conflicts`` (conflicts name companies, may be empty).
``R.csv``: ``company,field,region``.
accepted pairs: ``company,expert`` CSV, or the JSON a previous ``consult assign`` printed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from mfgdata.consulting.errors import ConsultingFileError
from mfgdata.consulting.models import ConsultRequest, Expert, Pair, norm


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConsultingFileError(
            f"파일을 읽을 수 없습니다: {e.strerror}",
            f"cannot read the file: {e.strerror}",
            file=path,
        ) from e
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConsultingFileError(
            "UTF-8 파일이 아닙니다: UTF-8(CSV UTF-8)로 다시 저장하세요",
            "not a UTF-8 file: save it again as UTF-8 (CSV UTF-8)",
            file=path,
        ) from e


def _rows(
    path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(_text(path)))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header and c not in optional]
    if missing:
        raise ConsultingFileError(
            f"필요한 열이 없습니다: {', '.join(missing)} (필요: {','.join(columns)})",
            f"missing columns: {', '.join(missing)} (expected: {','.join(columns)})",
            file=path,
            line=1,
        )
    reader.fieldnames = header
    out = []
    for row in reader:
        values = {c: norm(row.get(c) or "") for c in columns}
        if not any(values.values()):
            continue
        empty = [c for c, v in values.items() if not v and c not in optional]
        if empty:
            raise ConsultingFileError(
                f"빈 칸이 있습니다: {', '.join(empty)}",
                f"empty cell: {', '.join(empty)}",
                file=path,
                line=reader.line_num,
                column=empty[0],
            )
        out.append((reader.line_num, values))
    if not out:
        raise ConsultingFileError("행이 없습니다", "the file has no rows", file=path)
    return out


def _split(text: str) -> frozenset[str]:
    return frozenset(norm(p) for p in text.split(";") if norm(p))


def read_experts(path: Path) -> list[Expert]:
    experts = []
    for line, v in _rows(
        path, ("expert", "fields", "regions", "capacity", "conflicts"), ("conflicts",)
    ):
        try:
            capacity = int(v["capacity"])
        except ValueError:
            capacity = -1
        if capacity < 0:
            raise ConsultingFileError(
                f"수용 인원은 0 이상의 정수여야 합니다: '{v['capacity']}'",
                f"capacity must be a whole number of companies, 0 or more: '{v['capacity']}'",
                file=path,
                line=line,
                column="capacity",
            )
        fields = _split(v["fields"])
        if not fields:
            raise ConsultingFileError(
                "분야가 비어 있습니다", "no field given", file=path, line=line, column="fields"
            )
        experts.append(
            Expert(v["expert"], fields, _split(v["regions"]), capacity, _split(v["conflicts"]))
        )
    return experts


def read_requests(path: Path) -> list[ConsultRequest]:
    return [
        ConsultRequest(v["company"], v["field"], v["region"])
        for _, v in _rows(path, ("company", "field", "region"))
    ]


def read_accepted(path: Path) -> list[Pair]:
    """Accepted pairs from ``company,expert`` CSV or a previous run's JSON (its ``pairs``)."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(_text(path))
            return [Pair(norm(p["company"]), norm(p["expert"]), 0, True) for p in data["pairs"]]
        except (ValueError, KeyError, TypeError) as e:
            raise ConsultingFileError(
                "이전 배정 결과 JSON이 아닙니다 (pairs 목록 필요)",
                "not the JSON of a previous assignment (a 'pairs' list is needed)",
                file=path,
            ) from e
    return [Pair(v["company"], v["expert"], 0, True) for _, v in _rows(path, ("company", "expert"))]
