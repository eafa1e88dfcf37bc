"""Shared generation counters (device-token revocation reaches every worker within a second).

Revision ID: 20261203_0018
Revises: 20261203_0017
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0018"
down_revision = "20261203_0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "generations",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_generations")),
    )
    op.execute("INSERT INTO generations (name, value) VALUES ('device_tokens', 0)")


def downgrade() -> None:
    op.drop_table("generations")
