"""Company registry: business number checksum, KSIC and region codes, CSV/XLSX import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.center.codes import (
    business_number_check_digit,
    business_number_valid,
    ksic_code,
    region_code,
)
from mfgdata.center.companies import company_dict, list_companies, parse_company
from mfgdata.center.companyimport import import_companies
from mfgdata.center.errors import CompanyError
from mfgdata.db.tables import AuditLog, CenterCompany
from mfgdata.errors import InputError

# published business numbers (Samsung Electronics, Naver) and one made with the check digit
VALID = ["124-81-00998", "220-81-62517", "513-86-00121"]


@pytest.mark.parametrize("number", VALID)
def test_known_business_numbers_pass(number: str) -> None:
    assert business_number_valid(number)
    assert business_number_valid(number.replace("-", ""))


@pytest.mark.parametrize("number", ["124-81-00997", "2148100998", "12-81-00998", "abc"])
def test_wrong_business_numbers_fail(number: str) -> None:
    assert not business_number_valid(number)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_exactly_one_check_digit_is_valid(first_nine: str, shift: int) -> None:
    check = business_number_check_digit(first_nine)
    assert business_number_valid(first_nine + str(check))
    assert not business_number_valid(first_nine + str((check + shift) % 10))


def test_ksic_and_region_codes() -> None:
    assert ksic_code("C29") == "29" and ksic_code("22211") == "22211"
    assert ksic_code("47") is None  # retail is not manufacturing
    assert ksic_code("2") is None and ksic_code("292999") is None
    assert region_code("대구") == "daegu" == region_code("대구광역시") == region_code("Daegu")
    assert region_code("충북") == "chungbuk" and region_code("Atlantis") is None


ROW = {
    "사업자등록번호": "124-81-00998",
    "회사명": "대구정밀(주)",
    "업종코드": "C29",
    "지역": "대구",
    "기업규모": "중기업",
    "주요제품": "기어; 샤프트",
    "공정": "사출성형, CNC",
    "수준": "L3",
    "동의범위": "survey; testbed",
    "동의일": "2026.03.02",
    "담당자": "김민수",
    "이메일": "ms.kim@example.kr",
}


def test_parse_company_from_korean_columns() -> None:
    c = parse_company(ROW)
    assert c.business_number == "1248100998" and c.region == "daegu" and c.size_class == "medium"
    assert c.process_families == ("injection_molding", "cnc") and c.maturity == 3
    assert c.consent_scopes == ("survey", "testbed") and str(c.consent_date) == "2026-03-02"
    assert c.products == ("기어", "샤프트") and c.contacts[0].email == "ms.kim@example.kr"


@pytest.mark.parametrize(
    ("change", "column", "en"),
    [
        ({"사업자등록번호": "124-81-00997"}, "business_number", "check digit"),
        ({"사업자등록번호": "12481"}, "business_number", "10 digits"),
        ({"업종코드": "47"}, "ksic_code", "manufacturing"),
        ({"지역": "서울시청"}, "region", "unknown region"),
        ({"수준": "7"}, "maturity", "1–5"),
        ({"동의일": ""}, "consent_date", "needs the date"),
        ({"동의범위": "", "동의일": "2026-01-01"}, "consent_scopes", "needs its scope"),
        ({"동의범위": "marketing"}, "consent_scopes", "unknown consent scope"),
        ({"동의일": "2026-13-40"}, "consent_date", "not a date"),
        ({"회사명": " "}, "name", "empty"),
        ({"이메일": "nope"}, "contact_email", "not an e-mail"),
    ],
)
def test_parse_company_errors(change: dict[str, str], column: str, en: str) -> None:
    with pytest.raises(CompanyError) as e:
        parse_company(ROW | change)
    assert e.value.where.column == column and en in e.value.en and e.value.ko


HEADER = "사업자등록번호,회사명,업종코드,지역,기업규모,주요제품,수준,동의범위,동의일\n"
GOOD = [
    '124-81-00998,대구정밀(주),C29,대구,중기업,"기어;샤프트",3,survey,2026-03-02\n',
    "220-81-62517,울산오토(주),30,울산광역시,중견기업,브래킷,2,,\n",
]


def _csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes((HEADER + "".join(lines)).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_import_csv_dry_run_then_write(db_session: Session, tmp_path: Path, encoding: str) -> None:
    path = _csv(tmp_path / "companies.csv", GOOD, encoding)
    dry = import_companies(session=db_session, path=path, dry_run=True)
    assert (dry.rows, dry.to_create, dry.to_update, dry.written) == (2, 2, 0, False)
    assert dry.encoding == ("cp949" if encoding == "cp949" else "utf-8")
    assert list_companies(session=db_session) == []
    done = import_companies(session=db_session, path=path, dry_run=False)
    db_session.commit()
    assert done.written and done.to_create == 2
    names = [c.name for c in list_companies(session=db_session)]
    assert names == ["대구정밀(주)", "울산오토(주)"]  # the Korean decoded right
    assert [c.name for c in list_companies(session=db_session, region="ulsan")] == ["울산오토(주)"]
    again = import_companies(session=db_session, path=path, dry_run=False)
    db_session.commit()
    assert (again.to_create, again.to_update) == (0, 2)
    assert len(list_companies(session=db_session)) == 2
    actions = db_session.scalars(select(AuditLog.action)).all()
    assert actions.count("company.create") == 2 and actions.count("company.update") == 2


def test_import_reports_every_bad_row_and_writes_nothing(
    db_session: Session, tmp_path: Path
) -> None:
    bad = [
        *GOOD,
        "124-81-00997,나쁜번호,29,대구,소기업,,,,\n",
        "513-86-00121,서울상사,47,서울,대기업,,,,\n",
        "124-81-00998,중복,29,대구,소기업,,,,\n",
    ]
    path = _csv(tmp_path / "bad.csv", bad, "utf-8")
    report = import_companies(session=db_session, path=path, dry_run=False)
    assert not report.written
    assert [(e.line, e.column) for e in report.errors] == [
        (4, "business_number"),
        (5, "ksic_code"),
        (6, "business_number"),
    ]
    assert "line 2" in report.errors[2].en
    assert "nothing was written" in report.summary()[1]
    assert db_session.scalars(select(CenterCompany)).all() == []


def test_import_xlsx(db_session: Session, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["business_number", "name", "ksic_code", "region", "size_class", "maturity"])
    sheet.append(["1248100998", "Daegu Precision", 29, "daegu", "small", 2])
    sheet.append([None, None, None, None, None, None])
    sheet.append([2208162517, "Ulsan Auto", "C30", "Ulsan", "midsize", None])
    path = tmp_path / "companies.xlsx"
    book.save(path)
    report = import_companies(session=db_session, path=path, dry_run=False)
    assert report.errors == [] and report.to_create == 2 and report.encoding == "xlsx"
    db_session.commit()
    shown = [company_dict(c) for c in list_companies(session=db_session)]
    assert shown[0]["business_number"] == "124-81-00998" and shown[0]["maturity"] == 2
    assert shown[1]["ksic_code"] == "30"


def test_import_refuses_missing_columns_and_binary(db_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("회사명,지역\nA,대구\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing columns: business_number"):
        import_companies(session=db_session, path=path)
    path.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(InputError, match="binary"):
        import_companies(session=db_session, path=path)
