"""The tables (SQLAlchemy 2 typed declarative). Migrations in ``db/migrations`` mirror them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import true

from mfgdata.db.vocabulary import DATA_TYPES as DATA_TYPES
from mfgdata.db.vocabulary import PROBLEM_TYPES as PROBLEM_TYPES
from mfgdata.db.vocabulary import PROCESS_FAMILIES as PROCESS_FAMILIES

ORG_KINDS = ("manufacturer", "supplier", "center", "buyer")
ROLES = ("admin", "center_staff", "member", "buyer")
LOCALES = ("ko", "en")
TOKEN_SCOPES = ("read", "download", "api", "admin")
VERSION_STATUSES = ("draft", "verified", "published", "retired")
REQUEST_STATUSES = ("pending", "approved", "denied")
JOB_STATUSES = ("queued", "running", "succeeded", "failed")
ORDER_STATUSES = ("pending", "approved", "denied", "cancelled")
ORDER_PLANS = ("download", "api")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(column: str, values: tuple[str, ...] | dict[str, str]) -> CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"{column}_valid")


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        Decimal: Numeric(18, 6),
    }


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (_one_of("kind", ORG_KINDS),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (_one_of("role", ROLES), _one_of("locale", LOCALES))
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(2), default="ko")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    last_used: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(300))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        _one_of("process_family", PROCESS_FAMILIES),
        _one_of("problem_type", PROBLEM_TYPES),
        _one_of("data_type", DATA_TYPES),
    )
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    title_ko: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    process_family: Mapped[str] = mapped_column(String(32), default="other")
    problem_type: Mapped[str] = mapped_column(String(32), default="quality_assurance")
    data_type: Mapped[str] = mapped_column(String(16), default="tabular")
    licence: Mapped[str] = mapped_column(String(100), default="")
    #: orders wait for the seller's approval (else they are approved when placed)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ProductVersion(Base):
    __tablename__ = "product_versions"
    __table_args__ = (
        UniqueConstraint("product_id", "version", name="uq_product_versions_product_version"),
        _one_of("status", VERSION_STATUSES),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    folder: Mapped[str] = mapped_column(String(500))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    grade: Mapped[str | None] = mapped_column(String(2))
    score: Mapped[float | None] = mapped_column(Float)
    price_krw: Mapped[Decimal | None]
    rows: Mapped[int | None] = mapped_column(BigInteger)
    columns: Mapped[int | None] = mapped_column(Integer)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    verified_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="")
    product: Mapped[Product] = relationship(lazy="joined")


class AccessRequest(Base):
    __tablename__ = "access_requests"
    __table_args__ = (_one_of("status", REQUEST_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    requester_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    requester_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    product: Mapped[Product] = relationship(lazy="joined")


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (Index("ix_grants_product_org", "product_id", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("access_requests.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    product: Mapped[Product] = relationship(lazy="joined")


class Usage(Base):
    __tablename__ = "usage"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    calls: Mapped[int] = mapped_column(Integer, default=1)
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    price_krw: Mapped[Decimal] = mapped_column(default=Decimal(0))


class Upload(Base):
    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(300))
    stored_path: Mapped[str] = mapped_column(String(500))
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (_one_of("status", JOB_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_versions.id", ondelete="SET NULL")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    started: Mapped[datetime | None]
    finished: Mapped[datetime | None]


class Order(Base):
    """A binding order of a product version under a licence (no payment gateway): the price
    before VAT, the VAT and the terms as quoted, the licence text's digest as accepted."""

    __tablename__ = "orders"
    __table_args__ = (
        _one_of("status", ORDER_STATUSES),
        _one_of("plan", ORDER_PLANS),
        Index("ix_orders_buyer_org_created", "buyer_org_id", "created"),
        Index("ix_orders_seller_org_created", "seller_org_id", "created"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_versions.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    buyer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    plan: Mapped[str] = mapped_column(String(16))
    licence: Mapped[str] = mapped_column(String(100))
    licence_sha256: Mapped[str] = mapped_column(String(64))
    licence_accepted_at: Mapped[datetime]
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    price_krw: Mapped[Decimal]
    vat_rate: Mapped[Decimal]
    vat_krw: Mapped[Decimal]
    total_krw: Mapped[Decimal]
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id", ondelete="SET NULL"))
    product: Mapped[Product] = relationship(lazy="joined")


# -- issue 17: suppliers and solutions, matching, 1:1 expert consulting -----------------------
SUPPLIER_STATUSES = ("pending", "approved", "rejected")
MATCH_STAGES = ("proposed", "introduced", "meeting", "poc", "contract")
CONSULT_REQUEST_STATUSES = ("open", "assigned", "completed", "withdrawn")


class Supplier(Base):
    """A supplier company; onboarding is reviewed by staff (only approved ones are matched)."""

    __tablename__ = "suppliers"
    __table_args__ = (_one_of("status", SUPPLIER_STATUSES),)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)
    solutions: Mapped[list[SupplierSolution]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="SupplierSolution.key"
    )


class SupplierSolution(Base):
    """A supplier's solution with its facets; prices in KRW without VAT."""

    __tablename__ = "supplier_solutions"
    __table_args__ = (
        UniqueConstraint("supplier_id", "key", name="uq_supplier_solutions_supplier_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    description_ko: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    problem_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    process_families: Mapped[list[str]] = mapped_column(JSON, default=list)
    product_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    deployment: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_min_krw: Mapped[int] = mapped_column(BigInteger, default=0)
    price_max_krw: Mapped[int | None] = mapped_column(BigInteger)
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[SolutionCertification]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="SolutionCertification.id"
    )


class SolutionCertification(Base):
    """A certification of a solution (GS 인증 ...) with its expiry day (none: does not expire)."""

    __tablename__ = "solution_certifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_solutions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    expires: Mapped[date | None] = mapped_column(Date)


class SupplierMatch(Base):
    """A solution proposed for a demand, with the score and reasons shown at the time."""

    __tablename__ = "supplier_matches"
    __table_args__ = (_one_of("stage", MATCH_STAGES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(200), index=True)
    demand: Mapped[dict[str, Any]] = mapped_column(default=dict)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.id", ondelete="RESTRICT"))
    solution_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stage: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    events: Mapped[list[MatchStageEvent]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="MatchStageEvent.id"
    )


class MatchStageEvent(Base):
    """The day a match reached a stage (the KPI dashboard counts these)."""

    __tablename__ = "match_stage_events"
    __table_args__ = (
        _one_of("stage", MATCH_STAGES),
        UniqueConstraint("match_id", "stage", name="uq_match_stage_events_match_stage"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("supplier_matches.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Expert(Base):
    """A consulting expert: fields, regions, capacity (companies) and conflicts (companies)."""

    __tablename__ = "experts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultingRequest(Base):
    """A company's application for 1:1 consulting (any time of the year)."""

    __tablename__ = "consulting_requests"
    __table_args__ = (_one_of("status", CONSULT_REQUEST_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(200), unique=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultingAssignment(Base):
    """An expert for a request: proposed by the optimiser, then accepted (then it never moves)."""

    __tablename__ = "consulting_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consulting_requests.id", ondelete="CASCADE"), unique=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="RESTRICT"))
    score: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)
    request: Mapped[ConsultingRequest] = relationship(lazy="joined")
    expert: Mapped[Expert] = relationship(lazy="joined")


class ConsultingSession(Base):
    """One consulting session: the day, the hours and what was done."""

    __tablename__ = "consulting_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("consulting_assignments.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    notes: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# -- issue 18: programme administration (calls, applications, evaluation, selection) ---------
PROG_CALL_STATUSES = ("open", "closed", "evaluating", "published")
PROG_APP_STATUSES = ("draft", "submitted", "eligible", "ineligible")
PROG_MEMBER_ROLES = ("lead", "participant", "demand")
PROG_COI = ("pending", "clear", "conflict")
PROG_APPEAL_STATUSES = ("pending", "upheld", "rejected")
PROG_STAGES = ("agreement", "interim", "final", "settlement")


class ProgCall(Base):
    """A call (공고) opened from a template; ``deadline_day`` closes at the template's time."""

    __tablename__ = "prog_calls"
    __table_args__ = (_one_of("status", PROG_CALL_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(100))
    title_ko: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    deadline_day: Mapped[date] = mapped_column(Date)
    slots: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ProgApplication(Base):
    """One company's application: the form, the budget table, eligibility and staff review."""

    __tablename__ = "prog_applications"
    __table_args__ = (
        _one_of("status", PROG_APP_STATUSES),
        UniqueConstraint("call_id", "org_id", name="uq_prog_applications_call_org"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("prog_calls.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    form: Mapped[dict[str, Any]] = mapped_column(default=dict)  # summary, company facts, budget
    bonus: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"items": [...]} set by staff
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    submitted_at: Mapped[datetime | None]
    eligibility: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"reasons": [...]}
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    call: Mapped[ProgCall] = relationship(lazy="joined")


class ProgMember(Base):
    """A consortium member of an application, with its role."""

    __tablename__ = "prog_members"
    __table_args__ = (_one_of("role", PROG_MEMBER_ROLES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("prog_applications.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    business_no: Mapped[str] = mapped_column(String(20), default="")


class ProgDocument(Base):
    """An uploaded document of a member, with the automatic validity check's result."""

    __tablename__ = "prog_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("prog_applications.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("prog_members.id", ondelete="CASCADE"))
    doc_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    stored_path: Mapped[str] = mapped_column(String(500))
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    valid: Mapped[bool] = mapped_column(Boolean)
    check_ko: Mapped[str] = mapped_column(Text, default="")
    check_en: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded: Mapped[datetime] = mapped_column(default=utcnow)


class ProgAssignment(Base):
    """An evaluator on the panel of one application in one round (2 = re-evaluation)."""

    __tablename__ = "prog_assignments"
    __table_args__ = (
        _one_of("coi", PROG_COI),
        UniqueConstraint(
            "application_id", "evaluator_id", "round", name="uq_prog_assignments_app_eval_round"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("prog_applications.id", ondelete="CASCADE"), index=True
    )
    evaluator_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    round: Mapped[int] = mapped_column(Integer, default=1)
    coi: Mapped[str] = mapped_column(String(16), default="pending")
    coi_note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ProgScore(Base):
    """One evaluator's score in one category (the score sheet is the assignment's rows)."""

    __tablename__ = "prog_scores"
    __table_args__ = (
        UniqueConstraint("assignment_id", "category", name="uq_prog_scores_assignment_category"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("prog_assignments.id", ondelete="CASCADE")
    )
    category: Mapped[str] = mapped_column(String(100))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgSiteCheck(Base):
    """A site-check item's 적 (True) / 부 (False) for one application."""

    __tablename__ = "prog_site_checks"
    __table_args__ = (UniqueConstraint("application_id", "item", name="uq_prog_site_checks_item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("prog_applications.id", ondelete="CASCADE")
    )
    item: Mapped[str] = mapped_column(String(64))
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgRanking(Base):
    """A computed ranking of a call (round 2: after a re-evaluation); published or not."""

    __tablename__ = "prog_rankings"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("prog_calls.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer, default=1)
    results: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"rows": [Ranked.to_dict]}
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ProgAppeal(Base):
    """The one appeal an applicant may file after the published ranking (never of round 2)."""

    __tablename__ = "prog_appeals"
    __table_args__ = (_one_of("status", PROG_APPEAL_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("prog_applications.id", ondelete="CASCADE"), index=True
    )
    ranking_id: Mapped[int] = mapped_column(ForeignKey("prog_rankings.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")


class ProgStage(Base):
    """After selection: agreement, interim checks, final inspection, settlement."""

    __tablename__ = "prog_stages"
    __table_args__ = (_one_of("kind", PROG_STAGES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("prog_applications.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# -- end of issue 18 ---------------------------------------------------------------------------


# --- issue 16: the regional AI center (companies, demand surveys) ---------------------------
REGIONS = {
    "seoul": "서울특별시",
    "busan": "부산광역시",
    "daegu": "대구광역시",
    "incheon": "인천광역시",
    "gwangju": "광주광역시",
    "daejeon": "대전광역시",
    "ulsan": "울산광역시",
    "sejong": "세종특별자치시",
    "gyeonggi": "경기도",
    "gangwon": "강원특별자치도",
    "chungbuk": "충청북도",
    "chungnam": "충청남도",
    "jeonbuk": "전북특별자치도",
    "jeonnam": "전라남도",
    "gyeongbuk": "경상북도",
    "gyeongnam": "경상남도",
    "jeju": "제주특별자치도",
}
SIZE_CLASSES = {
    "micro": "소상공인",
    "small": "소기업",
    "medium": "중기업",
    "midsize": "중견기업",
    "large": "대기업",
}
SURVEY_KINDS = ("demand", "maturity", "custom")
SURVEY_STATUSES = ("draft", "open", "closed")
SURVEY_PHASES = ("none", "before", "after")


class CenterCompany(Base):
    """A manufacturer the center supports (issue 16); ``org_id`` is its platform organisation
    when it has accounts, so its members see only their own records."""

    __tablename__ = "center_companies"
    __table_args__ = (
        _one_of("region", REGIONS),
        _one_of("size_class", SIZE_CLASSES),
        CheckConstraint("maturity BETWEEN 1 AND 5", name="maturity_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    business_number: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    ksic_code: Mapped[str] = mapped_column(String(5), index=True)
    region: Mapped[str] = mapped_column(String(16), index=True)
    size_class: Mapped[str] = mapped_column(String(16))
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    process_families: Mapped[list[str]] = mapped_column(JSON, default=list)
    maturity: Mapped[int | None] = mapped_column(Integer)
    consent_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_date: Mapped[date | None] = mapped_column(Date)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow)
    contacts: Mapped[list[CenterContact]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CenterContact.id"
    )


class CenterContact(Base):
    __tablename__ = "center_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("center_companies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class CenterSurvey(Base):
    __tablename__ = "center_surveys"
    __table_args__ = (_one_of("kind", SURVEY_KINDS), _one_of("status", SURVEY_STATUSES))
    id: Mapped[int] = mapped_column(primary_key=True)
    title_ko: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16), default="custom")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: the questions (see ``mfgdata.center.surveys``), validated before saving
    definition: Mapped[dict[str, Any]] = mapped_column(default=dict)
    region: Mapped[str | None] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class CenterSurveyResponse(Base):
    """One link (token, stored hashed) = one response; answers saved as they come (resumable)."""

    __tablename__ = "center_survey_responses"
    __table_args__ = (_one_of("phase", SURVEY_PHASES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("center_surveys.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("center_companies.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phase: Mapped[str] = mapped_column(String(8), default="none")
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]


class CenterStaffRegion(Base):
    """The regions a center staff member works for; staff see only their regions' companies."""

    __tablename__ = "center_staff_regions"
    __table_args__ = (_one_of("region", REGIONS),)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    region: Mapped[str] = mapped_column(String(16), primary_key=True)


TESTBED_PROBLEMS = (
    "quality_assurance",
    "predictive_maintenance",
    "process_optimization",
    "resource_optimization",
    "supply_chain",
    "anomaly_detection",
)
TESTBED_STATUSES = ("planned", "running", "done", "cancelled")
ATTACHMENT_KINDS = ("upload", "job", "product")


class CenterTestbed(Base):
    """A PoC on a company's own data: its problem, attached data and builds, KPIs before and
    after (ISO 22400 elements, see ``mfgdata.center.kpi22400``), milestones and the outcome."""

    __tablename__ = "center_testbeds"
    __table_args__ = (
        _one_of("problem_type", TESTBED_PROBLEMS),
        _one_of("status", TESTBED_STATUSES),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("center_companies.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    problem_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    kpi_before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    kpi_after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: baseline period, measurement window and data source of the KPI figures
    kpi_basis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow)


class CenterTestbedAttachment(Base):
    __tablename__ = "center_testbed_attachments"
    __table_args__ = (
        _one_of("kind", ATTACHMENT_KINDS),
        UniqueConstraint("testbed_id", "kind", "ref", name="uq_center_testbed_attachments_ref"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    testbed_id: Mapped[int] = mapped_column(
        ForeignKey("center_testbeds.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    #: upload id, job id, or "<product_id>@<version>"
    ref: Mapped[str] = mapped_column(String(120))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class CenterMilestone(Base):
    __tablename__ = "center_milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    testbed_id: Mapped[int] = mapped_column(
        ForeignKey("center_testbeds.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]


EVENT_KINDS = ("education", "seminar", "result_sharing")
EVENT_STATUSES = ("open", "closed", "cancelled")
REGISTRATION_STATUSES = ("registered", "waitlisted", "cancelled")


class CenterEvent(Base):
    """An education course, seminar or result-sharing day (issue 16; anchor: Indico)."""

    __tablename__ = "center_events"
    __table_args__ = (
        _one_of("kind", EVENT_KINDS),
        _one_of("status", EVENT_STATUSES),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title_ko: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str | None] = mapped_column(String(16), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    #: the satisfaction survey attendees answer after check-in (optional)
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("center_surveys.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class CenterRegistration(Base):
    """A registration (no account needed): its token (hashed) lets the person see its status,
    cancel and fetch the certificate; the waiting list is served in registration order."""

    __tablename__ = "center_registrations"
    __table_args__ = (_one_of("status", REGISTRATION_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("center_events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("center_companies.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_at: Mapped[datetime | None]
    certificate_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    survey_response_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "center_survey_responses.id",
            ondelete="SET NULL",
            name="fk_center_registrations_survey_response",  # the convention's is > 63 chars
        )
    )


# -- issue 17 item 5: value-chain groups and group-only product shares ------------------------
VALUE_CHAIN_RELATIONS = ("supplier", "customer")


class ValueChainGroup(Base):
    """Organisations linked as suppliers/customers of each other (a value chain)."""

    __tablename__ = "value_chain_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ValueChainMember(Base):
    """An organisation in a group."""

    __tablename__ = "value_chain_members"
    __table_args__ = (
        UniqueConstraint("group_id", "org_id", name="uq_value_chain_members_group_org"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("value_chain_groups.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ValueChainLink(Base):
    """``from_org`` is the ``relation`` (supplier or customer) of ``to_org`` inside a group."""

    __tablename__ = "value_chain_links"
    __table_args__ = (
        _one_of("relation", VALUE_CHAIN_RELATIONS),
        UniqueConstraint(
            "group_id", "from_org_id", "to_org_id", name="uq_value_chain_links_group_pair"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("value_chain_groups.id", ondelete="CASCADE"), index=True
    )
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class GroupShare(Base):
    """A product shared inside one group under a usage policy: the purpose, no onward transfer
    (default) and an expiry (required: a share never lasts for ever). Live while not revoked and
    not expired."""

    __tablename__ = "group_shares"
    __table_args__ = (Index("ix_group_shares_product_group", "product_id", "group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(
        ForeignKey("value_chain_groups.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(Text)
    no_onward_transfer: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    expires_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    group: Mapped[ValueChainGroup] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
