"""A labels file: one image per line, its path then its label (and any extra columns).

Accepted: CSV, TSV or whitespace-separated text, with or without a header, UTF-8 or CP949.
The second column is the label; when it is a number (the ELPV solar-cell ``labels.csv`` gives
a defect probability 0, 1/3, 2/3, 1) it is kept as ``probability`` too. Further columns (e.g. the
module type) are kept by their header name, or ``col3``, ``col4`` ... without a header. Lines that
cannot be read are findings with their line numbers, never a crash.
"""

from __future__ import annotations

import csv
import io
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mfgdata.errors import InputError
from mfgdata.images.sources import IMAGE_SUFFIXES
from mfgdata.quality.findings import Finding


@dataclass(frozen=True)
class LabelRow:
    path: str
    label: str
    line: int
    probability: float | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class LabelsFile:
    rows: list[LabelRow]
    columns: list[str]
    header: bool
    findings: list[Finding]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _split(lines: list[str]) -> list[list[str]]:
    sample = "\n".join(lines[:20])
    if "\t" in sample:
        return [next(csv.reader([ln], delimiter="\t"), []) for ln in lines]
    if "," in sample or ";" in sample:
        delim = "," if sample.count(",") >= sample.count(";") else ";"
        return [next(csv.reader([ln], delimiter=delim), []) for ln in lines]
    return [ln.split() for ln in lines]


def _is_header(cells: list[str]) -> bool:
    first = cells[0].strip() if cells else ""
    if PurePosixPath(first.replace("\\", "/")).suffix.lower() in IMAGE_SUFFIXES:
        return False
    return len(cells) < 2 or _number(cells[1]) is None


def normalise(path: str) -> str:
    p = posixpath.normpath(path.strip().replace("\\", "/"))
    return p[2:] if p.startswith("./") else p


def _finding(code: str, ko: str, en: str, lines: list[int], examples: list[str]) -> Finding:
    return Finding(
        code=code,
        severity="error" if code == "images.labels_unreadable" else "warning",
        message_ko=ko,
        message_en=en,
        count=len(lines) or 1,
        examples=tuple(f"line {n}: {t}" for n, t in zip(lines, examples, strict=False))
        or tuple(examples),
        step="images",
    )


def read_labels(path: Path) -> LabelsFile:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(
            "레이블 파일을 열 수 없습니다", "the labels file cannot be opened", file=str(path)
        ) from e
    text: str | None = None
    if b"\x00" not in raw[:4096]:
        for enc in ("utf-8-sig", "cp949"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        f = _finding(
            "images.labels_unreadable",
            f"레이블 파일을 읽을 수 없습니다 (텍스트가 아님): {path.name}",
            f"the labels file cannot be read (not text): {path.name}",
            [],
            [path.name],
        )
        return LabelsFile([], [], False, [f])
    numbered = [(i + 1, ln) for i, ln in enumerate(io.StringIO(text).read().splitlines())]
    numbered = [(n, ln) for n, ln in numbered if ln.strip() and not ln.lstrip().startswith("#")]
    cells = _split([ln for _, ln in numbered])
    header = bool(cells) and _is_header(cells[0])
    names = [c.strip() for c in cells[0]] if header else []
    body = list(zip(numbered, cells, strict=True))[1 if header else 0 :]
    width = max((len(c) for _, c in body), default=2)
    columns = names or ["path", "label", *[f"col{i + 1}" for i in range(2, width)]]
    rows: list[LabelRow] = []
    bad_lines: list[int] = []
    bad_text: list[str] = []
    for (line, raw_line), c in body:
        c = [x.strip() for x in c]
        if len(c) < 2 or not c[0] or not c[1]:
            bad_lines.append(line)
            bad_text.append(raw_line[:120])
            continue
        extra = {columns[i] if i < len(columns) else f"col{i + 1}": v for i, v in enumerate(c)}
        for k in list(extra)[:2]:
            del extra[k]
        rows.append(LabelRow(normalise(c[0]), c[1], line, _number(c[1]), extra))
    findings: list[Finding] = []
    if bad_lines:
        findings.append(
            _finding(
                "images.labels_unreadable",
                f"레이블 파일에서 읽을 수 없는 줄 {len(bad_lines)}개 (경로와 레이블이 필요)",
                f"{len(bad_lines)} line(s) of the labels file cannot be read (need path and label)",
                bad_lines,
                bad_text,
            )
        )
    return LabelsFile(rows, columns, header, findings)
