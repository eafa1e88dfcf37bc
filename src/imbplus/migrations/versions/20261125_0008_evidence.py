"""Evidence runs (B04).

Revision ID: 20261125_0008
Revises: 20261125_0007
Create Date: 2026-11-25 12:36:35.030983
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0008"
down_revision = "20261125_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_runs")),
    )


def downgrade() -> None:
    op.drop_table("evidence_runs")
