"""Incidents and the 72-hour breach clock (B05).

Revision ID: 20261125_0009
Revises: 20261125_0008
Create Date: 2026-11-25 12:44:27.615752
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0009"
down_revision = "20261125_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("subjects_affected", sa.Integer(), nullable=False),
        sa.Column("detected_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("notify_by", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("authority_notified_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_incidents_fingerprint")),
    )


def downgrade() -> None:
    op.drop_table("incidents")
