"""issue 16: the regional AI center: companies, contacts, demand surveys and responses

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-05 11:17:04.026623
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "center_companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_number", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ksic_code", sa.String(length=5), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("size_class", sa.String(length=16), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("process_families", sa.JSON(), nullable=False),
        sa.Column("maturity", sa.Integer(), nullable=True),
        sa.Column("consent_scopes", sa.JSON(), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "region IN ('seoul', 'busan', 'daegu', 'incheon', 'gwangju', 'daejeon', 'ulsan', "
            "'sejong', 'gyeonggi', 'gangwon', 'chungbuk', 'chungnam', 'jeonbuk', 'jeonnam', "
            "'gyeongbuk', 'gyeongnam', 'jeju')",
            name=op.f("ck_center_companies_region_valid"),
        ),
        sa.CheckConstraint(
            "size_class IN ('micro', 'small', 'medium', 'midsize', 'large')",
            name=op.f("ck_center_companies_size_class_valid"),
        ),
        sa.CheckConstraint(
            "maturity BETWEEN 1 AND 5", name=op.f("ck_center_companies_maturity_range")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_center_companies_org_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_companies")),
        sa.UniqueConstraint("business_number", name=op.f("uq_center_companies_business_number")),
    )
    with op.batch_alter_table("center_companies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_companies_ksic_code"), ["ksic_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_center_companies_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_center_companies_region"), ["region"], unique=False)

    op.create_table(
        "center_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["center_companies.id"],
            name=op.f("fk_center_contacts_company_id_center_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_contacts")),
    )
    with op.batch_alter_table("center_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_contacts_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "center_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('demand', 'maturity', 'custom')", name=op.f("ck_center_surveys_kind_valid")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed')", name=op.f("ck_center_surveys_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_center_surveys_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_surveys")),
    )
    op.create_table(
        "center_survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "phase IN ('none', 'before', 'after')",
            name=op.f("ck_center_survey_responses_phase_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["center_companies.id"],
            name=op.f("fk_center_survey_responses_company_id_center_companies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["center_surveys.id"],
            name=op.f("fk_center_survey_responses_survey_id_center_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_survey_responses")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_center_survey_responses_token_hash")),
    )
    with op.batch_alter_table("center_survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_survey_responses_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_center_survey_responses_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "center_staff_regions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "region IN ('seoul', 'busan', 'daegu', 'incheon', 'gwangju', 'daejeon', 'ulsan', "
            "'sejong', 'gyeonggi', 'gangwon', 'chungbuk', 'chungnam', 'jeonbuk', 'jeonnam', "
            "'gyeongbuk', 'gyeongnam', 'jeju')",
            name=op.f("ck_center_staff_regions_region_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_center_staff_regions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "region", name=op.f("pk_center_staff_regions")),
    )

    op.create_table(
        "center_testbeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("problem_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kpi_before", sa.JSON(), nullable=False),
        sa.Column("kpi_after", sa.JSON(), nullable=False),
        sa.Column("kpi_basis", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "problem_type IN ('quality_assurance', 'predictive_maintenance', "
            "'process_optimization', 'resource_optimization', 'supply_chain', "
            "'anomaly_detection')",
            name=op.f("ck_center_testbeds_problem_type_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'running', 'done', 'cancelled')",
            name=op.f("ck_center_testbeds_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["center_companies.id"],
            name=op.f("fk_center_testbeds_company_id_center_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_center_testbeds_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_testbeds")),
    )
    with op.batch_alter_table("center_testbeds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_testbeds_company_id"), ["company_id"], unique=False
        )
    op.create_table(
        "center_testbed_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("testbed_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('upload', 'job', 'product')",
            name=op.f("ck_center_testbed_attachments_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["testbed_id"],
            ["center_testbeds.id"],
            name=op.f("fk_center_testbed_attachments_testbed_id_center_testbeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_testbed_attachments")),
        sa.UniqueConstraint("testbed_id", "kind", "ref", name="uq_center_testbed_attachments_ref"),
    )
    with op.batch_alter_table("center_testbed_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_testbed_attachments_testbed_id"), ["testbed_id"], unique=False
        )
    op.create_table(
        "center_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("testbed_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["testbed_id"],
            ["center_testbeds.id"],
            name=op.f("fk_center_milestones_testbed_id_center_testbeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_milestones")),
    )
    with op.batch_alter_table("center_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_milestones_testbed_id"), ["testbed_id"], unique=False
        )

    op.create_table(
        "center_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["center_surveys.id"],
            name=op.f("fk_center_events_survey_id_center_surveys"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            "kind IN ('education', 'seminar', 'result_sharing')",
            name=op.f("ck_center_events_kind_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'cancelled')", name=op.f("ck_center_events_status_valid")
        ),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_center_events_capacity_positive")),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_center_events_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_center_events_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_events")),
    )
    with op.batch_alter_table("center_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_center_events_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_center_events_starts_at"), ["starts_at"], unique=False)
    op.create_table(
        "center_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_no", sa.String(length=40), nullable=True),
        sa.Column("survey_response_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_response_id"],
            ["center_survey_responses.id"],
            name="fk_center_registrations_survey_response",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            "status IN ('registered', 'waitlisted', 'cancelled')",
            name=op.f("ck_center_registrations_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["center_events.id"],
            name=op.f("fk_center_registrations_event_id_center_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["center_companies.id"],
            name=op.f("fk_center_registrations_company_id_center_companies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_center_registrations")),
        sa.UniqueConstraint("certificate_no", name=op.f("uq_center_registrations_certificate_no")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_center_registrations_token_hash")),
    )
    with op.batch_alter_table("center_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_center_registrations_event_id"), ["event_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("center_registrations")
    op.drop_table("center_events")
    op.drop_table("center_milestones")
    op.drop_table("center_testbed_attachments")
    op.drop_table("center_testbeds")
    op.drop_table("center_staff_regions")
    with op.batch_alter_table("center_survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_center_survey_responses_survey_id"))
        batch_op.drop_index(batch_op.f("ix_center_survey_responses_company_id"))

    op.drop_table("center_survey_responses")
    op.drop_table("center_surveys")
    with op.batch_alter_table("center_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_center_contacts_company_id"))

    op.drop_table("center_contacts")
    with op.batch_alter_table("center_companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_center_companies_region"))
        batch_op.drop_index(batch_op.f("ix_center_companies_org_id"))
        batch_op.drop_index(batch_op.f("ix_center_companies_ksic_code"))

    op.drop_table("center_companies")
