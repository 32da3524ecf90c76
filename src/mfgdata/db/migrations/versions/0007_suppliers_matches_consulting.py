"""issue 17: suppliers, solutions, certifications, matches with stages, experts, consulting

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 11:22:18.761586
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consulting_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'assigned', 'completed', 'withdrawn')",
            name=op.f("ck_consulting_requests_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_consulting_requests_org_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consulting_requests")),
        sa.UniqueConstraint("company", name=op.f("uq_consulting_requests_company")),
    )
    with op.batch_alter_table("consulting_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consulting_requests_status"), ["status"], unique=False)

    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_experts_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
        sa.UniqueConstraint("name", name=op.f("uq_experts_name")),
    )
    op.create_table(
        "suppliers",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_suppliers_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_suppliers_org_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_suppliers_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
    )
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suppliers_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suppliers_status"), ["status"], unique=False)

    op.create_table(
        "consulting_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["experts.id"],
            name=op.f("fk_consulting_assignments_expert_id_experts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["consulting_requests.id"],
            name=op.f("fk_consulting_assignments_request_id_consulting_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consulting_assignments")),
        sa.UniqueConstraint("request_id", name=op.f("uq_consulting_assignments_request_id")),
    )
    op.create_table(
        "supplier_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("demand", sa.JSON(), nullable=False),
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("solution_key", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage IN ('proposed', 'introduced', 'meeting', 'poc', 'contract')",
            name=op.f("ck_supplier_matches_stage_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_supplier_matches_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_supplier_matches_supplier_id_suppliers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_matches")),
    )
    with op.batch_alter_table("supplier_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supplier_matches_company"), ["company"], unique=False)
        batch_op.create_index(batch_op.f("ix_supplier_matches_stage"), ["stage"], unique=False)

    op.create_table(
        "supplier_solutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description_ko", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("problem_types", sa.JSON(), nullable=False),
        sa.Column("process_families", sa.JSON(), nullable=False),
        sa.Column("product_kinds", sa.JSON(), nullable=False),
        sa.Column("deployment", sa.JSON(), nullable=False),
        sa.Column("price_min_krw", sa.BigInteger(), nullable=False),
        sa.Column("price_max_krw", sa.BigInteger(), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_supplier_solutions_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_solutions")),
        sa.UniqueConstraint("supplier_id", "key", name="uq_supplier_solutions_supplier_key"),
    )
    op.create_table(
        "consulting_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["consulting_assignments.id"],
            name=op.f("fk_consulting_sessions_assignment_id_consulting_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_consulting_sessions_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consulting_sessions")),
    )
    with op.batch_alter_table("consulting_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consulting_sessions_assignment_id"), ["assignment_id"], unique=False
        )

    op.create_table(
        "match_stage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage IN ('proposed', 'introduced', 'meeting', 'poc', 'contract')",
            name=op.f("ck_match_stage_events_stage_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_match_stage_events_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["supplier_matches.id"],
            name=op.f("fk_match_stage_events_match_id_supplier_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_stage_events")),
        sa.UniqueConstraint("match_id", "stage", name="uq_match_stage_events_match_stage"),
    )
    op.create_table(
        "solution_certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["supplier_solutions.id"],
            name=op.f("fk_solution_certifications_solution_id_supplier_solutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solution_certifications")),
    )
    with op.batch_alter_table("solution_certifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_solution_certifications_solution_id"), ["solution_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("solution_certifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solution_certifications_solution_id"))

    op.drop_table("solution_certifications")
    op.drop_table("match_stage_events")
    with op.batch_alter_table("consulting_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consulting_sessions_assignment_id"))

    op.drop_table("consulting_sessions")
    op.drop_table("supplier_solutions")
    with op.batch_alter_table("supplier_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_matches_stage"))
        batch_op.drop_index(batch_op.f("ix_supplier_matches_company"))

    op.drop_table("supplier_matches")
    op.drop_table("consulting_assignments")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suppliers_status"))
        batch_op.drop_index(batch_op.f("ix_suppliers_org_id"))

    op.drop_table("suppliers")
    op.drop_table("experts")
    with op.batch_alter_table("consulting_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consulting_requests_status"))

    op.drop_table("consulting_requests")
