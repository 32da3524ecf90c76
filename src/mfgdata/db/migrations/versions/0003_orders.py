"""orders under a licence; products.approval_required

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 07:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_required", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("buyer_org_id", sa.Integer(), nullable=False),
        sa.Column("buyer_user_id", sa.Integer(), nullable=True),
        sa.Column("seller_org_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("licence", sa.String(length=100), nullable=False),
        sa.Column("licence_sha256", sa.String(length=64), nullable=False),
        sa.Column("licence_accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("price_krw", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("vat_krw", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("total_krw", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'denied', 'cancelled')",
            name=op.f("ck_orders_status_valid"),
        ),
        sa.CheckConstraint("plan IN ('download', 'api')", name=op.f("ck_orders_plan_valid")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_orders_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["product_versions.id"],
            name=op.f("fk_orders_version_id_product_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_org_id"],
            ["organisations.id"],
            name=op.f("fk_orders_buyer_org_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_user_id"],
            ["users.id"],
            name=op.f("fk_orders_buyer_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seller_org_id"],
            ["organisations.id"],
            name=op.f("fk_orders_seller_org_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_orders_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_orders_grant_id_grants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_buyer_org_created", ["buyer_org_id", "created"])
        batch_op.create_index("ix_orders_seller_org_created", ["seller_org_id", "created"])
        batch_op.create_index(batch_op.f("ix_orders_status"), ["status"])


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_status"))
        batch_op.drop_index("ix_orders_seller_org_created")
        batch_op.drop_index("ix_orders_buyer_org_created")
    op.drop_table("orders")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("approval_required")
