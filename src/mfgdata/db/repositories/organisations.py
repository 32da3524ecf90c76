"""Organisations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.db.tables import ORG_KINDS, Organisation
from mfgdata.errors import ConfigError


@dataclass(frozen=True)
class OrganisationCreate:
    name: str
    kind: str


def create_organisation(*, session: Session, data: OrganisationCreate) -> Organisation:
    if data.kind not in ORG_KINDS:
        raise ConfigError(
            f"알 수 없는 조직 유형입니다: {data.kind} (가능: {', '.join(ORG_KINDS)})",
            f"unknown organisation kind {data.kind!r} (allowed: {', '.join(ORG_KINDS)})",
        )
    name = data.name.strip()
    if not name:
        raise ConfigError("조직 이름이 비어 있습니다", "the organisation name is empty")
    if get_organisation_by_name(session=session, name=name) is not None:
        raise ConfigError(
            f"같은 이름의 조직이 이미 있습니다: {name}",
            f"an organisation with this name exists: {name}",
        )
    org = Organisation(name=name, kind=data.kind)
    session.add(org)
    session.flush()
    return org


def get_organisation(*, session: Session, org_id: int) -> Organisation | None:
    return session.get(Organisation, org_id)


def get_organisation_by_name(*, session: Session, name: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.name == name)).first()


def get_or_create_organisation(*, session: Session, name: str, kind: str) -> Organisation:
    found = get_organisation_by_name(session=session, name=name)
    if found is not None:
        return found
    return create_organisation(session=session, data=OrganisationCreate(name=name, kind=kind))


def list_organisations(*, session: Session) -> Sequence[Organisation]:
    return session.scalars(select(Organisation).order_by(Organisation.name)).all()
