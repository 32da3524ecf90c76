"""Import companies from a CSV (UTF-8 or CP949, as Excel in Korea saves it) or XLSX file.

The first row names the columns, in Korean or English (see ``companies.COLUMNS``). Every row is
checked; each problem is reported with its line, column and a Korean and English message. A dry
run checks only. A real import is all or nothing: when any row has an error nothing is written,
so a half-imported file never has to be untangled. A company whose business number is already
registered is updated, not duplicated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.center.companies import (
    REQUIRED,
    CompanyInput,
    apply_company,
    canonical_column,
    parse_company,
)
from mfgdata.center.errors import CompanyError
from mfgdata.db.tables import CenterCompany, User, utcnow
from mfgdata.errors import InputError, MfgDataError
from mfgdata.frames.limits import Limits
from mfgdata.frames.workbook import broken, check_workbook

MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    ko: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "message_ko": self.ko,
            "message_en": self.en,
        }


@dataclass
class ImportReport:
    file: str
    encoding: str
    dry_run: bool
    rows: int = 0
    to_create: int = 0
    to_update: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "create": self.to_create,
            "update": self.to_update,
            "written": self.written,
            "errors": [e.to_dict() for e in self.errors],
        }

    def summary(self) -> tuple[str, str]:
        if self.errors:
            return (
                f"{self.rows}행 중 {len(self.errors)}건 오류: 아무것도 저장하지 않았습니다",
                f"{len(self.errors)} error(s) in {self.rows} rows: nothing was written",
            )
        verb_ko = "저장함" if self.written else "저장 예정(모의 실행)"
        verb_en = "written" if self.written else "would be written (dry run)"
        return (
            f"{self.rows}행: 신규 {self.to_create}, 갱신 {self.to_update} {verb_ko}",
            f"{self.rows} rows: {self.to_create} new, {self.to_update} updated {verb_en}",
        )


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise InputError(
        "UTF-8도 CP949(EUC-KR)도 아닌 파일입니다",
        "the file is neither UTF-8 nor CP949 (EUC-KR)",
        file=path,
    )


def read_rows(path: Path) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """(encoding, [(line, {header: value})]) of a CSV or XLSX file; blank rows skipped."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(
            f"파일을 읽을 수 없습니다: {e.strerror}",
            f"cannot read the file: {e.strerror}",
            file=path,
        ) from e
    if not raw.strip():
        raise InputError("빈 파일입니다", "the file is empty", file=path)
    if raw[:4] == b"PK\x03\x04":
        return "xlsx", _xlsx_rows(path)
    if b"\x00" in raw[:4096]:
        raise InputError(
            "CSV나 XLSX 파일이 아닙니다 (바이너리)", "not a CSV or XLSX file (binary)", file=path
        )
    text, encoding = _decode(path, raw)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    out: list[tuple[int, dict[str, Any]]] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(out) >= MAX_ROWS:
            raise InputError(
                f"행이 너무 많습니다 (최대 {MAX_ROWS:,}행)",
                f"too many rows (at most {MAX_ROWS:,})",
                file=path,
            )
        out.append((reader.line_num, dict(zip(header, values, strict=False))))
    return encoding, [(1, {h: h for h in header}), *out]


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    check_workbook(path, Limits.from_settings())
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a broken file
        raise broken(path, str(e) or type(e).__name__) from e
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = ["" if h is None else str(h) for h in next(rows, ())]
        out: list[tuple[int, dict[str, Any]]] = [(1, {h: h for h in header})]
        for line, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(out) > MAX_ROWS:
                raise InputError(
                    f"행이 너무 많습니다 (최대 {MAX_ROWS:,}행)",
                    f"too many rows (at most {MAX_ROWS:,})",
                    file=path,
                )
            out.append((line, dict(zip(header, values, strict=False))))
        return out
    finally:
        book.close()


def _existing(session: Session, numbers: list[str]) -> dict[str, CenterCompany]:
    """The registered companies among ``numbers``, in one query per 500 numbers."""
    found: dict[str, CenterCompany] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for c in session.scalars(
            select(CenterCompany).where(CenterCompany.business_number.in_(chunk))
        ):
            found[c.business_number] = c
    return found


def _write(
    session: Session,
    parsed: list[CompanyInput],
    existing: dict[str, CenterCompany],
    actor: User | None,
) -> None:
    """Create or update every row with one flush, then one audit row each."""
    made: list[tuple[CenterCompany, str]] = []
    now = utcnow()
    for data in parsed:
        company = existing.get(data.business_number)
        if company is None:
            company = CenterCompany(business_number=data.business_number, contacts=[])
            session.add(company)
            made.append((company, "company.create"))
        else:
            company.updated = now
            made.append((company, "company.update"))
        apply_company(company, data)
    session.flush()
    for company, action in made:
        audit.record(session=session, action=action, actor=actor, target=f"company:{company.id}")
    session.flush()


def import_companies(
    *,
    session: Session,
    path: Path,
    dry_run: bool = True,
    actor: User | None = None,
    regions: set[str] | None = None,
) -> ImportReport:
    """Check every row of ``path``; unless ``dry_run`` and when no row fails, write them all.
    ``regions``: the regions the importer may register companies in (None: any)."""
    encoding, rows = read_rows(path)
    header_row = rows[0][1]
    report = ImportReport(file=path.name, encoding=encoding, dry_run=dry_run)
    known = {canonical_column(h) for h in header_row}
    missing = [c for c in REQUIRED if c not in known]
    if missing:
        raise InputError(
            f"필요한 열이 없습니다: {', '.join(missing)}",
            f"missing columns: {', '.join(missing)}",
            file=path,
            line=1,
        )
    parsed: list[CompanyInput] = []
    seen: dict[str, int] = {}
    for line, values in rows[1:]:
        report.rows += 1
        try:
            data = parse_company(values)
        except CompanyError as e:
            report.errors.append(RowError(line, e.where.column, e.ko, e.en))
            continue
        if regions is not None and data.region not in regions:
            report.errors.append(
                RowError(
                    line,
                    "region",
                    f"담당 지역이 아닌 기업입니다: {data.region}",
                    f"the company is outside your regions: {data.region}",
                )
            )
            continue
        if data.business_number in seen:
            report.errors.append(
                RowError(
                    line,
                    "business_number",
                    f"같은 사업자등록번호가 {seen[data.business_number]}행에도 있습니다",
                    f"the same business number is on line {seen[data.business_number]} too",
                )
            )
            continue
        seen[data.business_number] = line
        parsed.append(data)
    existing = _existing(session, [d.business_number for d in parsed])
    for data in parsed:
        if data.business_number in existing:
            report.to_update += 1
        else:
            report.to_create += 1
    if dry_run or report.errors:
        return report
    try:
        _write(session, parsed, existing, actor)
    except MfgDataError:
        session.rollback()
        raise
    report.written = True
    return report
