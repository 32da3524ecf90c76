"""The package step's own report section: the files of the product and how to load them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from mfgdata.report.render import fmt_bytes
from mfgdata.report.section import ReportSection

#: What a person finds in each well-known product file (ko, en).
FILE_NOTES: dict[str, tuple[str, str]] = {
    "data/table.parquet": (
        "정제된 표 (Parquet, zstd 압축, 통계 포함)",
        "clean table (Parquet, zstd, statistics)",
    ),
    "data/table.csv": (
        "정제된 표 (CSV, UTF-8, 머리글 포함)",
        "clean table (CSV, UTF-8, header row)",
    ),
    "datapackage.json": (
        "Frictionless Data Package v2: 열 형식, 단위, 해시",
        "Frictionless Data Package v2: types, units, hashes",
    ),
    "lineage.json": (
        "계보: 입력 SHA-256, 단계별 건수, 소프트웨어 버전",
        "lineage: input SHA-256, step counts, software versions",
    ),
    "report.html": ("이 보고서", "this report"),
    "manifest.json": ("모든 파일의 SHA-256 (변조 확인용)", "SHA-256 of every file (tamper check)"),
    "profile.json": ("열별 통계 프로파일", "per-column statistics profile"),
    "recipe.yaml": ("전처리 레시피 (재현용)", "preprocessing recipe (to reproduce)"),
}

LOAD_SNIPPET = """import polars as pl

df = pl.read_parquet("data/table.parquet")   # or pl.scan_parquet(...) for large tables

import pandas as pd

df = pd.read_parquet("data/table.parquet")   # needs pyarrow
df = pd.read_csv("data/table.csv", encoding="utf-8")"""

NOTES_KO = (
    "CSV 값은 원래 값 그대로입니다. 스프레드시트 수식 주입 방지(=, +, -, @ 앞 이스케이프)는 "
    "제품 파일이 아니라 웹 내보내기에서 적용합니다.",
    "CSV에서는 빈 칸이 결측값입니다 (빈 문자열과 결측을 구분하지 않습니다). "
    "날짜·시간은 ISO 8601입니다.",
    "Excel에서 열 때: 데이터 → 텍스트/CSV에서 → 파일 원본 '65001: 유니코드(UTF-8)'을 고르세요 "
    "(더블클릭으로 열면 한글이 깨질 수 있습니다).",
)
NOTES_EN = (
    "CSV values are exact. Spreadsheet formula-injection escaping (=, +, -, @) is applied by the "
    "web export, not in the product file.",
    "In the CSV an empty cell is a missing value (empty text and missing are not told apart). "
    "Dates and times are ISO 8601.",
    "To open in Excel: Data → From Text/CSV → File origin '65001: Unicode (UTF-8)' "
    "(double-clicking may garble Korean text).",
)


def _files_table(files: Sequence[str], sizes: Mapping[str, int], lang: int) -> str:
    head = ("파일", "내용", "크기") if lang == 0 else ("File", "Contents", "Size")
    rows = []
    for rel in files:
        note = FILE_NOTES.get(rel, ("", ""))[lang]
        size = fmt_bytes(sizes[rel]) if rel in sizes else "–"
        rows.append(
            f"<tr><td class='mono'>{escape(rel)}</td><td>{escape(note)}</td>"
            f"<td class='num'>{escape(size)}</td></tr>"
        )
    return (
        f"<div class='tablewrap'><table><thead><tr><th>{head[0]}</th><th>{head[1]}</th>"
        f"<th class='num'>{head[2]}</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _fields_table(schema: Mapping[str, Any], lang: int) -> str:
    head = (
        ("열", "원본 이름", "형식", "단위", "필수")
        if lang == 0
        else ("Column", "Raw name", "Type", "Unit", "Required")
    )
    key = set(schema.get("primaryKey", []))
    rows = []
    for f in schema.get("fields", []):
        name = escape(f["name"]) + (" <span class='pk'>PK</span>" if f["name"] in key else "")
        req = "✓" if f.get("constraints", {}).get("required") else ""
        rows.append(
            f"<tr><td class='mono'>{name}</td><td>{escape(str(f.get('rawName', '')))}</td>"
            f"<td>{escape(f['type'])}</td><td>{escape(str(f.get('unit', '')))}</td>"
            f"<td>{req}</td></tr>"
        )
    cells = "".join(f"<th>{h}</th>" for h in head)
    return (
        f"<div class='tablewrap'><table><thead><tr>{cells}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def package_section(
    *, files: Sequence[str], sizes: Mapping[str, int], schema: Mapping[str, Any], order: int = 1000
) -> ReportSection:
    """Files (with sizes where known), the column schema, loading snippets and notes."""
    snippet = f"<pre><code>{escape(LOAD_SNIPPET)}</code></pre>"
    key = schema.get("primaryKey")
    pk_ko = (
        f"기본 키: {escape(', '.join(key))}" if key else "기본 키 없음 (시간 열이 고유하지 않음)"
    )
    pk_en = f"Primary key: {escape(', '.join(key))}" if key else "No primary key (time not unique)"
    html = []
    for lang, (h_files, h_cols, h_load, pk, notes) in enumerate(
        (
            ("제품 파일", "열 구성", "불러오기", pk_ko, NOTES_KO),
            ("Files in the product", "Columns", "How to load", pk_en, NOTES_EN),
        )
    ):
        items = "".join(f"<li>{escape(n)}</li>" for n in notes)
        html.append(
            f"<h3>{h_files}</h3>{_files_table(files, sizes, lang)}"
            f"<h3>{h_cols}</h3><p class='muted small'>{pk}</p>{_fields_table(schema, lang)}"
            f"<h3>{h_load}</h3>{snippet}<ul class='small'>{items}</ul>"
        )
    return ReportSection(
        key="package",
        title_ko="제품 파일과 사용법",
        title_en="Product files and how to use them",
        html_ko=html[0],
        html_en=html[1],
        order=order,
    )
