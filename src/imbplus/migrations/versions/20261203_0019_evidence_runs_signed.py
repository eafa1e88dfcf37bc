"""Evidence runs kept signed (B04): not-exercised count, the rendered HTML, the signature.

Revision ID: 20261203_0019
Revises: 20261203_0018
Create Date: 2026-12-03 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0019"
down_revision = "20261203_0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_runs") as batch:
        batch.add_column(sa.Column("not_exercised", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch.add_column(sa.Column("signature", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence_runs") as batch:
        batch.drop_column("signature")
        batch.drop_column("html")
        batch.drop_column("not_exercised")
