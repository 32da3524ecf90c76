"""A programme world for the workflow tests: staff, two applicant companies, three evaluators
and a fourth for a replacement, a productization call closing on 2026-12-20."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import User

PASSWORD = "correct horse battery"
SEOUL = dt.timezone(dt.timedelta(hours=9))
DEADLINE = dt.date(2026, 12, 20)
BEFORE = dt.datetime(2026, 12, 20, 16, 59, 59, tzinfo=SEOUL)
AT_CLOSE = dt.datetime(2026, 12, 20, 17, 0, 0, tzinfo=SEOUL)
EARLY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SEOUL)
LATER = dt.datetime(2026, 12, 28, 10, 0, tzinfo=SEOUL)

#: key → (organisation, kind, role)
PEOPLE = {
    "staff": ("대구센터", "center", "center_staff"),
    "alpha": ("알파정밀", "manufacturer", "member"),
    "beta": ("베타사출", "manufacturer", "member"),
    "ev1": ("평가위원1", "supplier", "member"),
    "ev2": ("평가위원2", "supplier", "member"),
    "ev3": ("평가위원3", "supplier", "member"),
    "ev4": ("평가위원4", "supplier", "member"),
}


@dataclass
class People:
    ids: dict[str, int] = field(default_factory=dict)

    def user(self, session: Session, key: str) -> User:
        found = session.get(User, self.ids[key])
        assert found is not None
        return found


def make_people(session: Session, suffix: str = "") -> People:
    people = People()
    for key, (org_name, kind, role) in PEOPLE.items():
        org = get_or_create_organisation(session=session, name=org_name + suffix, kind=kind)
        user = create_user(
            session=session,
            data=UserCreate(
                email=f"{key}{suffix}@prog.kr", name=key, org_id=org.id, role=role,
                password=PASSWORD,
            ),
        )  # fmt: skip
        people.ids[key] = user.id
    session.commit()
    return people


def form(name: str, *, alone: bool = False, **company: Any) -> dict[str, Any]:
    """A valid productization form (50 M KRW: 40 M grant, 5 M cash, 5 M in kind)."""
    members = [{"name": name, "role": "lead"}]
    if not alone:
        members.append({"name": f"{name} 수요기업", "role": "demand"})
    return {
        "title": f"{name} 사출 데이터 상품화",
        "summary": "사출 공정 로그를 상품으로",
        "company": {"name": name, "founded": "2015-03-01", **company},
        "members": members,
        "budget": {
            "track": "productization",
            "government": 40_000_000,
            "cash": 5_000_000 if not alone else 10_000_000,
            "in_kind": 5_000_000 if not alone else 0,
            "applying_alone": alone,
        },
    }


DOCS = {
    "business_registration": dt.date(2026, 12, 10),
    "national_tax_clearance": dt.date(2026, 12, 10),
    "local_tax_clearance": dt.date(2026, 12, 10),
    "corporate_register": dt.date(2026, 10, 1),
}

#: the productization call's categories, in the call's order (weights 20, 30, 30, 20)
CATS = (
    "사업 이해 및 필요성",
    "사업 수행 공정 및 수행 방안",
    "수행 결과물 및 상품화",
    "프로젝트 수행능력",
)
