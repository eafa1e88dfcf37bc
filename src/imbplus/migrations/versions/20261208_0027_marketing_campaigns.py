"""Marketing campaigns and objections to direct marketing (P03, B01): campaigns (texts in
Polish and English, an audience filter, draft -> approved -> sent), the customers each one
was queued for (at most once), and objections with their time and channel.

Revision ID: 20261208_0027
Revises: 20261208_0026
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261208_0027"
down_revision = "20261208_0026"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, imbplus.db.UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "marketing_campaigns",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("subject_pl", sa.String(length=150), nullable=False),
        sa.Column("body_pl", sa.Text(), nullable=False),
        sa.Column("subject_en", sa.String(length=150), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _when("created_at"),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        _when("approved_at", True),
        _when("sent_at", True),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "marketing_recipients",
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        _when("queued_at"),
        sa.ForeignKeyConstraint(["campaign_id"], ["marketing_campaigns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id", "customer_id"),
    )
    op.create_index(
        "ix_marketing_recipients_customer", "marketing_recipients", ["customer_id"], unique=False
    )
    op.create_table(
        "marketing_objections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        _when("objected_at"),
        sa.Column("channel", sa.String(length=32), nullable=False),
        _when("withdrawn_at", True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_marketing_objections_customer",
        "marketing_objections",
        ["customer_id", "withdrawn_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_marketing_objections_customer", table_name="marketing_objections")
    op.drop_table("marketing_objections")
    op.drop_index("ix_marketing_recipients_customer", table_name="marketing_recipients")
    op.drop_table("marketing_recipients")
    op.drop_table("marketing_campaigns")
