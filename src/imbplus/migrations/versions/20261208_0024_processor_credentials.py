"""Processors' own API credentials (P04): hashed tokens scoped to and expiring with the
contract; their revocation counter reaches every worker within a second.

Revision ID: 20261208_0024
Revises: 20261207_0022
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261208_0024"
down_revision = "20261207_0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processor_credentials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("processor_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("contract_ref", sa.String(length=100), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["processor_id"],
            ["processors.id"],
            name=op.f("fk_processor_credentials_processor_id_processors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processor_credentials")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_processor_credentials_token_hash")),
    )
    op.create_index(
        op.f("ix_processor_credentials_processor_id"),
        "processor_credentials",
        ["processor_id"],
        unique=False,
    )
    op.execute("INSERT INTO generations (name, value) VALUES ('processor_credentials', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM generations WHERE name = 'processor_credentials'")
    op.drop_index(op.f("ix_processor_credentials_processor_id"), table_name="processor_credentials")
    op.drop_table("processor_credentials")
