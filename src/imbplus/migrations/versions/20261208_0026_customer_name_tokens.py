"""Staff find a customer by name (blind index): one keyed hash per normalised word of a
customer's name. The table is filled by the customer service on create and rename, by
key rotation when the blind-index key gets a new version, and for customers stored
before this revision by `imbplus init` (which runs this migration, then hashes their
names: a migration holds no key).

Revision ID: 20261208_0026
Revises: 20261208_0024
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261208_0026"
down_revision = "20261208_0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_name_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("token_bidx", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_customer_name_tokens_bidx", "customer_name_tokens", ["token_bidx"], unique=False
    )
    op.create_index(
        "ix_customer_name_tokens_customer", "customer_name_tokens", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_customer_name_tokens_customer", table_name="customer_name_tokens")
    op.drop_index("ix_customer_name_tokens_bidx", table_name="customer_name_tokens")
    op.drop_table("customer_name_tokens")
