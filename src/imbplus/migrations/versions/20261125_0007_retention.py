"""Retention: deletion receipts and legal holds (P13).

Revision ID: 20261125_0007
Revises: 20261125_0002
Create Date: 2026-11-25 12:32:52.966636
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0007"
down_revision = "20261125_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deletion_receipts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("cutoff", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("legal_basis", sa.String(length=255), nullable=False),
        sa.Column("ran_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_receipts")),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("released_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_subject_id"))

    op.drop_table("legal_holds")
    op.drop_table("deletion_receipts")
