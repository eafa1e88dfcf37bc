"""The disclosure register tells hand-overs to a sandbox adapter apart (nothing left this
machine) and keeps the processor's own reference of a hand-over (e.g. its message id).

Plain ALTER TABLE on both dialects: a batch migration would recreate `disclosures` on
SQLite and drop its append-only triggers (see docs/shop.md).

Revision ID: 20261202_0016
Revises: 20261201_0015
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0016"
down_revision = "20261201_0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "disclosures",
        sa.Column("sandbox", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("disclosures", sa.Column("processor_ref", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("disclosures", "processor_ref")
    op.drop_column("disclosures", "sandbox")
