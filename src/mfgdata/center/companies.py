"""The company registry: manufacturers the center supports.

A record holds the business number (checksum validated, stored as 10 digits), the name, the
KSIC manufacturing code, the region (시·도), the size class, main products and process families,
the smart-factory maturity level (1–5), contacts, and the consent to data use with its date and
scope. ``parse_company`` reads one record from loose fields (a form, a CSV row, JSON) with Korean
or English column names and values; every problem is a ``CompanyError`` naming the column.

Repository functions are keyword-only, flush and leave the commit to the caller; each change is
audited (``company.create``, ``company.update``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.center.codes import (
    CONSENT_SCOPES,
    MATURITY_LEVELS,
    business_number_digits,
    business_number_valid,
    consent_scope,
    format_business_number,
    ksic_code,
    process_family,
    region_code,
    size_code,
)
from mfgdata.center.errors import CompanyError
from mfgdata.db.tables import CenterCompany, CenterContact, User, utcnow

#: canonical field -> accepted column names (Korean and English, compared case-insensitively)
COLUMNS: dict[str, tuple[str, ...]] = {
    "business_number": ("business_number", "사업자등록번호", "사업자번호"),
    "name": ("name", "회사명", "기업명", "업체명"),
    "ksic_code": ("ksic_code", "ksic", "업종코드", "표준산업분류"),
    "region": ("region", "지역", "시도"),
    "size_class": ("size_class", "size", "기업규모", "규모"),
    "products": ("products", "주요제품", "제품"),
    "process_families": ("process_families", "공정", "주요공정"),
    "maturity": ("maturity", "스마트공장수준", "수준"),
    "consent_scopes": ("consent_scopes", "consent_scope", "동의범위"),
    "consent_date": ("consent_date", "동의일", "동의일자"),
    "contact_name": ("contact_name", "담당자", "담당자명"),
    "contact_role": ("contact_role", "직책", "담당자직책"),
    "contact_email": ("contact_email", "email", "이메일"),
    "contact_phone": ("contact_phone", "phone", "전화", "연락처"),
    "org_id": ("org_id",),
}
REQUIRED = ("business_number", "name", "ksic_code", "region", "size_class")
_LABELS = {
    "business_number": ("사업자등록번호", "business number"),
    "name": ("회사명", "company name"),
    "ksic_code": ("업종코드(KSIC)", "KSIC code"),
    "region": ("지역", "region"),
    "size_class": ("기업규모", "size class"),
}


def canonical_column(header: str) -> str | None:
    """The canonical field a column header names, or None."""
    h = unicodedata.normalize("NFC", header).strip().lower().replace(" ", "")
    for key, names in COLUMNS.items():
        if h in names:
            return key
    return None


@dataclass(frozen=True)
class ContactInput:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CompanyInput:
    """A validated company record (business number as 10 digits)."""

    business_number: str
    name: str
    ksic_code: str
    region: str
    size_class: str
    products: tuple[str, ...] = ()
    process_families: tuple[str, ...] = ()
    maturity: int | None = None
    consent_scopes: tuple[str, ...] = ()
    consent_date: date | None = None
    contacts: tuple[ContactInput, ...] = field(default_factory=tuple)
    org_id: int | None = None


def _split(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,/\n]", value) if p.strip()]


def _err(column: str, ko: str, en: str) -> CompanyError:
    return CompanyError(ko, en, column=column)


def _text(values: Mapping[str, Any], key: str) -> str:
    raw = values.get(key)
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        return ";".join(str(v) for v in raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).strip()


def parse_company(values: Mapping[str, Any]) -> CompanyInput:
    """One company from loose fields keyed by canonical or Korean/English column names."""
    canon: dict[str, Any] = {}
    for key, value in values.items():
        name = canonical_column(str(key))
        if name is not None:
            canon[name] = value
    for key in REQUIRED:
        if not _text(canon, key):
            ko, en = _LABELS[key]
            raise _err(key, f"{ko}이(가) 비어 있습니다", f"the {en} is empty")
    raw_bn = _text(canon, "business_number")
    digits = business_number_digits(raw_bn)
    if digits is None:
        raise _err(
            "business_number",
            f"사업자등록번호는 10자리 숫자여야 합니다: {raw_bn}",
            f"a business number has 10 digits (XXX-XX-XXXXX): {raw_bn}",
        )
    if not business_number_valid(digits):
        raise _err(
            "business_number",
            f"사업자등록번호의 검증번호가 맞지 않습니다: {format_business_number(digits)}",
            f"the business number's check digit is wrong: {format_business_number(digits)}",
        )
    raw_ksic = _text(canon, "ksic_code")
    ksic = ksic_code(raw_ksic)
    if ksic is None:
        raise _err(
            "ksic_code",
            f"제조업 KSIC 코드(C10–C34, 2–5자리)가 아닙니다: {raw_ksic}",
            f"not a manufacturing KSIC code (C10–C34, 2–5 digits): {raw_ksic}",
        )
    raw_region = _text(canon, "region")
    region = region_code(raw_region)
    if region is None:
        raise _err(
            "region",
            f"알 수 없는 지역입니다 (시·도 이름): {raw_region}",
            f"unknown region (a province or metropolitan city): {raw_region}",
        )
    raw_size = _text(canon, "size_class")
    size = size_code(raw_size)
    if size is None:
        raise _err(
            "size_class",
            f"알 수 없는 기업규모입니다 (소상공인/소기업/중기업/중견기업/대기업): {raw_size}",
            f"unknown size class (micro/small/medium/midsize/large): {raw_size}",
        )
    families = []
    for item in _split(_text(canon, "process_families")):
        fam = process_family(item)
        if fam is None:
            raise _err(
                "process_families", f"알 수 없는 공정입니다: {item}", f"unknown process: {item}"
            )
        families.append(fam)
    maturity = None
    raw_mat = _text(canon, "maturity").upper().removeprefix("L").removeprefix("LEVEL")
    if raw_mat:
        if not raw_mat.strip().isdigit() or int(raw_mat) not in MATURITY_LEVELS:
            raise _err(
                "maturity",
                f"스마트공장 수준은 1–5입니다: {raw_mat}",
                f"the smart-factory maturity level is 1–5: {raw_mat}",
            )
        maturity = int(raw_mat)
    scopes = []
    for item in _split(_text(canon, "consent_scopes")):
        scope = consent_scope(item)
        if scope is None:
            allowed = ", ".join(CONSENT_SCOPES)
            raise _err(
                "consent_scopes",
                f"알 수 없는 동의 범위입니다: {item} (가능: {allowed})",
                f"unknown consent scope: {item} (allowed: {allowed})",
            )
        scopes.append(scope)
    consent_on = _date(canon.get("consent_date"))
    if scopes and consent_on is None:
        raise _err(
            "consent_date",
            "동의 범위가 있으면 동의일(YYYY-MM-DD)이 필요합니다",
            "a consent scope needs the date of consent (YYYY-MM-DD)",
        )
    if consent_on is not None and not scopes:
        raise _err(
            "consent_scopes",
            "동의일이 있으면 동의 범위가 필요합니다",
            "a date of consent needs its scope",
        )
    if consent_on is not None and consent_on > date.today():
        raise _err("consent_date", "동의일이 미래입니다", "the date of consent is in the future")
    contacts: tuple[ContactInput, ...] = ()
    contact_name = _text(canon, "contact_name")
    email = _text(canon, "contact_email")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise _err("contact_email", f"이메일 형식이 아닙니다: {email}", f"not an e-mail: {email}")
    if contact_name or email:
        contacts = (
            ContactInput(
                name=contact_name or email,
                role=_text(canon, "contact_role"),
                email=email,
                phone=_text(canon, "contact_phone"),
            ),
        )
    org = _text(canon, "org_id")
    return CompanyInput(
        business_number=digits,
        name=_text(canon, "name")[:200],
        ksic_code=ksic,
        region=region,
        size_class=size,
        products=tuple(_split(_text(canon, "products"))),
        process_families=tuple(dict.fromkeys(families)),
        maturity=maturity,
        consent_scopes=tuple(dict.fromkeys(scopes)),
        consent_date=consent_on,
        contacts=contacts,
        org_id=int(org) if org.isdigit() else None,
    )


def _date(raw: object) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw if type(raw) is date else raw.date()  # type: ignore[attr-defined]
    text = str(raw).strip().replace(".", "-").replace("/", "-")
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        raise _err(
            "consent_date",
            f"날짜 형식(YYYY-MM-DD)이 아닙니다: {raw}",
            f"not a date (YYYY-MM-DD): {raw}",
        ) from None


# --- repository ------------------------------------------------------------------------------


def get_company(*, session: Session, company_id: int) -> CenterCompany | None:
    return session.get(CenterCompany, company_id)


def get_company_by_number(*, session: Session, business_number: str) -> CenterCompany | None:
    digits = business_number_digits(business_number) or business_number
    return session.scalars(
        select(CenterCompany).where(CenterCompany.business_number == digits)
    ).first()


def list_companies(
    *,
    session: Session,
    region: str | None = None,
    org_id: int | None = None,
    ksic_division: str | None = None,
) -> Sequence[CenterCompany]:
    query = select(CenterCompany).order_by(CenterCompany.name, CenterCompany.id)
    if region is not None:
        query = query.where(CenterCompany.region == region)
    if org_id is not None:
        query = query.where(CenterCompany.org_id == org_id)
    if ksic_division is not None:
        query = query.where(CenterCompany.ksic_code.startswith(ksic_division))
    return session.scalars(query).all()


def apply_company(company: CenterCompany, data: CompanyInput) -> None:
    """Copy a validated record onto a row (contacts are added, never dropped)."""
    company.name = data.name
    company.ksic_code = data.ksic_code
    company.region = data.region
    company.size_class = data.size_class
    company.products = list(data.products)
    company.process_families = list(data.process_families)
    company.maturity = data.maturity
    company.consent_scopes = list(data.consent_scopes)
    company.consent_date = data.consent_date
    if data.org_id is not None:
        company.org_id = data.org_id
    if data.contacts:
        known = {(c.name, c.email) for c in company.contacts}
        for c in data.contacts:
            if (c.name, c.email) not in known:
                company.contacts.append(
                    CenterContact(name=c.name, role=c.role, email=c.email, phone=c.phone)
                )


def create_company(
    *, session: Session, data: CompanyInput, actor: User | None = None
) -> CenterCompany:
    if get_company_by_number(session=session, business_number=data.business_number):
        shown = format_business_number(data.business_number)
        raise CompanyError(
            f"이미 등록된 사업자등록번호입니다: {shown}",
            f"a company with this business number exists: {shown}",
            column="business_number",
        )
    company = CenterCompany(business_number=data.business_number, contacts=[])
    apply_company(company, data)
    session.add(company)
    session.flush()
    audit.record(
        session=session, action="company.create", actor=actor, target=f"company:{company.id}"
    )
    return company


def upsert_company(
    *, session: Session, data: CompanyInput, actor: User | None = None
) -> tuple[CenterCompany, bool]:
    """Create the company, or update the one with the same business number; (row, created)."""
    found = get_company_by_number(session=session, business_number=data.business_number)
    if found is None:
        return create_company(session=session, data=data, actor=actor), True
    apply_company(found, data)
    found.updated = utcnow()
    session.flush()
    audit.record(
        session=session, action="company.update", actor=actor, target=f"company:{found.id}"
    )
    return found, False


def company_dict(company: CenterCompany) -> dict[str, Any]:
    """The public JSON shape of a company."""
    return {
        "id": company.id,
        "business_number": format_business_number(company.business_number),
        "name": company.name,
        "ksic_code": company.ksic_code,
        "region": company.region,
        "size_class": company.size_class,
        "products": list(company.products),
        "process_families": list(company.process_families),
        "maturity": company.maturity,
        "consent": {
            "scopes": list(company.consent_scopes),
            "date": company.consent_date.isoformat() if company.consent_date else None,
        },
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
            for c in company.contacts
        ],
        "org_id": company.org_id,
    }


def company_links(*, session: Session, company: CenterCompany) -> dict[str, list[Any]]:
    """What is linked to a company: its organisation's uploads and products, its testbeds and
    its survey responses (ids, so each can be opened)."""
    from mfgdata.db.tables import CenterSurveyResponse, CenterTestbed, Product, Upload

    org = company.org_id
    uploads = (
        session.scalars(select(Upload.id).where(Upload.org_id == org).order_by(Upload.id)).all()
        if org is not None
        else []
    )
    products = (
        session.scalars(
            select(Product.id).where(Product.owner_org_id == org).order_by(Product.id)
        ).all()
        if org is not None
        else []
    )
    testbeds = session.scalars(
        select(CenterTestbed.id)
        .where(CenterTestbed.company_id == company.id)
        .order_by(CenterTestbed.id)
    ).all()
    responses = session.scalars(
        select(CenterSurveyResponse.id)
        .where(
            CenterSurveyResponse.company_id == company.id,
            CenterSurveyResponse.submitted_at.is_not(None),
        )
        .order_by(CenterSurveyResponse.id)
    ).all()
    return {
        "uploads": list(uploads),
        "products": list(products),
        "testbeds": list(testbeds),
        "survey_responses": list(responses),
    }
