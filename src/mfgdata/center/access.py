"""Who sees what in the center's records.

- ``admin``: everything.
- ``center_staff``: manages surveys and companies, but sees only the companies (and their
  answers and projects) of the regions assigned to them (``center_staff_regions``); a staff
  member with no region sees no company.
- a company's members (``member``): only the company records tied to their organisation
  (``org_id``), read-only.
- anyone else (buyers, other organisations, anonymous): nothing; an id they may not see answers
  404 as if it did not exist, so ids cannot be probed.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog.errors import NotFound
from mfgdata.center.errors import CompanyError
from mfgdata.db.tables import REGIONS, CenterCompany, CenterStaffRegion, User

MANAGERS = ("admin", "center_staff")


def is_manager(user: User) -> bool:
    return user.role in MANAGERS


def require_manager(user: User) -> User:
    if not is_manager(user):
        raise PermissionDenied("센터 담당자만 할 수 있습니다", "only center staff may do this")
    return user


def staff_regions(*, session: Session, user: User) -> set[str] | None:
    """The regions ``user`` may see; None means every region (admin)."""
    if user.role == "admin":
        return None
    if user.role != "center_staff":
        return set()
    rows = session.scalars(
        select(CenterStaffRegion.region).where(CenterStaffRegion.user_id == user.id)
    ).all()
    return set(rows)


def set_staff_regions(*, session: Session, user: User, regions: list[str]) -> None:
    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise CompanyError(f"알 수 없는 지역: {unknown[0]}", f"unknown region: {unknown[0]}")
    session.execute(delete(CenterStaffRegion).where(CenterStaffRegion.user_id == user.id))
    for region in dict.fromkeys(regions):
        session.add(CenterStaffRegion(user_id=user.id, region=region))
    session.flush()


def require_region(*, session: Session, user: User, region: str) -> None:
    """Staff may register and import companies only in their own regions (admin: any)."""
    regions = staff_regions(session=session, user=user)
    if regions is not None and region not in regions:
        raise PermissionDenied(
            f"담당 지역이 아닌 기업입니다: {region}",
            f"the company is outside your regions: {region}",
        )


def can_see_company(*, session: Session, user: User, company: CenterCompany) -> bool:
    if user.role == "admin":
        return True
    if user.role == "center_staff":
        regions = staff_regions(session=session, user=user)
        return regions is None or company.region in regions
    return company.org_id is not None and company.org_id == user.org_id


def visible_company(*, session: Session, user: User, company_id: int) -> CenterCompany:
    """The company if ``user`` may see it, else 404 (the same answer as a missing id)."""
    company = session.get(CenterCompany, company_id)
    if company is None or not can_see_company(session=session, user=user, company=company):
        raise NotFound(f"기업이 없습니다: {company_id}", f"no such company: {company_id}")
    return company


def company_scope(*, session: Session, user: User) -> tuple[set[str] | None, int | None]:
    """(regions, org_id) filters for listing companies as ``user``: staff by region, members
    by their organisation; (set(), None) sees nothing."""
    if user.role == "admin":
        return None, None
    if user.role == "center_staff":
        return staff_regions(session=session, user=user), None
    if user.role == "member":
        return None, user.org_id
    return set(), None


def list_visible_companies(*, session: Session, user: User) -> list[CenterCompany]:
    regions, org_id = company_scope(session=session, user=user)
    query = select(CenterCompany).order_by(CenterCompany.name, CenterCompany.id)
    if regions is not None:
        if not regions:
            return []
        query = query.where(CenterCompany.region.in_(sorted(regions)))
    if org_id is not None:
        query = query.where(CenterCompany.org_id == org_id)
    return list(session.scalars(query).all())


def dashboard_region(*, session: Session, user: User, region: str | None) -> str | None:
    """The region ``user`` may see the dashboard of: admin any (None = all); staff one of
    theirs (default: the first); anyone else is refused."""
    require_manager(user)
    regions = staff_regions(session=session, user=user)
    if regions is None:
        return region
    if region is None and regions:
        return sorted(regions)[0]
    if region not in regions:
        raise PermissionDenied(
            f"담당 지역이 아닙니다: {region}", f"the region is not one of yours: {region}"
        )
    return region
