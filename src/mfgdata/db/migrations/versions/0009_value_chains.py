"""value chains: groups of organisations, supplier/customer links, group-only product shares

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 16:05:45.903067
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_chain_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_value_chain_groups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_value_chain_groups_name")),
    )
    op.create_table(
        "group_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=100), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("no_onward_transfer", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_group_shares_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["value_chain_groups.id"],
            name=op.f("fk_group_shares_group_id_value_chain_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_group_shares_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name=op.f("fk_group_shares_revoked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_shares")),
    )
    with op.batch_alter_table("group_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_shares_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            "ix_group_shares_product_group", ["product_id", "group_id"], unique=False
        )

    op.create_table(
        "value_chain_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("to_org_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "relation IN ('supplier', 'customer')", name=op.f("ck_value_chain_links_relation_valid")
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"],
            ["organisations.id"],
            name=op.f("fk_value_chain_links_from_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["value_chain_groups.id"],
            name=op.f("fk_value_chain_links_group_id_value_chain_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"],
            ["organisations.id"],
            name=op.f("fk_value_chain_links_to_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_links")),
        sa.UniqueConstraint(
            "group_id", "from_org_id", "to_org_id", name="uq_value_chain_links_group_pair"
        ),
    )
    with op.batch_alter_table("value_chain_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_value_chain_links_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "value_chain_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["value_chain_groups.id"],
            name=op.f("fk_value_chain_members_group_id_value_chain_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_value_chain_members_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_members")),
        sa.UniqueConstraint("group_id", "org_id", name="uq_value_chain_members_group_org"),
    )
    with op.batch_alter_table("value_chain_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_value_chain_members_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_value_chain_members_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("value_chain_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_value_chain_members_org_id"))
        batch_op.drop_index(batch_op.f("ix_value_chain_members_group_id"))

    op.drop_table("value_chain_members")
    with op.batch_alter_table("value_chain_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_value_chain_links_group_id"))

    op.drop_table("value_chain_links")
    with op.batch_alter_table("group_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_group_shares_product_group")
        batch_op.drop_index(batch_op.f("ix_group_shares_group_id"))

    op.drop_table("group_shares")
    op.drop_table("value_chain_groups")
