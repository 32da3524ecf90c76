"""programmes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 11:16:09.154310
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "prog_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("deadline_day", sa.Date(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'evaluating', 'published')",
            name=op.f("ck_prog_calls_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_prog_calls_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_calls")),
    )
    op.create_table(
        "prog_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("bonus", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'eligible', 'ineligible')",
            name=op.f("ck_prog_applications_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["prog_calls.id"],
            name=op.f("fk_prog_applications_call_id_prog_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_prog_applications_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_prog_applications_org_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_prog_applications_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_applications")),
        sa.UniqueConstraint("call_id", "org_id", name="uq_prog_applications_call_org"),
    )
    with op.batch_alter_table("prog_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_applications_status"), ["status"], unique=False)

    op.create_table(
        "prog_rankings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["prog_calls.id"],
            name=op.f("fk_prog_rankings_call_id_prog_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_prog_rankings_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_rankings")),
    )
    op.create_table(
        "prog_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("ranking_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'upheld', 'rejected')", name=op.f("ck_prog_appeals_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["prog_applications.id"],
            name=op.f("fk_prog_appeals_application_id_prog_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_prog_appeals_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"],
            ["users.id"],
            name=op.f("fk_prog_appeals_filed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ranking_id"],
            ["prog_rankings.id"],
            name=op.f("fk_prog_appeals_ranking_id_prog_rankings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_appeals")),
    )
    with op.batch_alter_table("prog_appeals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prog_appeals_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "prog_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("coi", sa.String(length=16), nullable=False),
        sa.Column("coi_note", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "coi IN ('pending', 'clear', 'conflict')", name=op.f("ck_prog_assignments_coi_valid")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["prog_applications.id"],
            name=op.f("fk_prog_assignments_application_id_prog_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_prog_assignments_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["users.id"],
            name=op.f("fk_prog_assignments_evaluator_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_assignments")),
        sa.UniqueConstraint(
            "application_id", "evaluator_id", "round", name="uq_prog_assignments_app_eval_round"
        ),
    )
    with op.batch_alter_table("prog_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prog_assignments_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_prog_assignments_evaluator_id"), ["evaluator_id"], unique=False
        )

    op.create_table(
        "prog_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("business_no", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'participant', 'demand')", name=op.f("ck_prog_members_role_valid")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["prog_applications.id"],
            name=op.f("fk_prog_members_application_id_prog_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_members")),
    )
    with op.batch_alter_table("prog_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prog_members_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "prog_site_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["prog_applications.id"],
            name=op.f("fk_prog_site_checks_application_id_prog_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"],
            ["users.id"],
            name=op.f("fk_prog_site_checks_checked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_site_checks")),
        sa.UniqueConstraint("application_id", "item", name="uq_prog_site_checks_item"),
    )
    op.create_table(
        "prog_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('agreement', 'interim', 'final', 'settlement')",
            name=op.f("ck_prog_stages_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["prog_applications.id"],
            name=op.f("fk_prog_stages_application_id_prog_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_prog_stages_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_stages")),
    )
    op.create_table(
        "prog_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("stored_path", sa.String(length=500), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("check_ko", sa.Text(), nullable=False),
        sa.Column("check_en", sa.Text(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["prog_applications.id"],
            name=op.f("fk_prog_documents_application_id_prog_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["prog_members.id"],
            name=op.f("fk_prog_documents_member_id_prog_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_prog_documents_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_documents")),
    )
    with op.batch_alter_table("prog_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prog_documents_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "prog_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["prog_assignments.id"],
            name=op.f("fk_prog_scores_assignment_id_prog_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_scores")),
        sa.UniqueConstraint("assignment_id", "category", name="uq_prog_scores_assignment_category"),
    )


def downgrade() -> None:

    op.drop_table("prog_scores")
    with op.batch_alter_table("prog_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_documents_application_id"))

    op.drop_table("prog_documents")
    op.drop_table("prog_stages")
    op.drop_table("prog_site_checks")
    with op.batch_alter_table("prog_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_members_application_id"))

    op.drop_table("prog_members")
    with op.batch_alter_table("prog_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_assignments_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_prog_assignments_application_id"))

    op.drop_table("prog_assignments")
    with op.batch_alter_table("prog_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_appeals_application_id"))

    op.drop_table("prog_appeals")
    op.drop_table("prog_rankings")
    with op.batch_alter_table("prog_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_applications_status"))

    op.drop_table("prog_applications")
    op.drop_table("prog_calls")
