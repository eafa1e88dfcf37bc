"""Data-subject requests and their deadlines (B01).

Revision ID: 20261125_0010
Revises: 20261125_0009
Create Date: 2026-11-25 12:48:38.077926
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0010"
down_revision = "20261125_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("completed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_requests")),
    )
    with op.batch_alter_table("subject_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_requests_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subject_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_requests_customer_id"))

    op.drop_table("subject_requests")
