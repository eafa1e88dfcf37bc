"""Invoices keep the seller as it was when they were issued, and each line its unit of
measure (art. 106e of the Polish VAT act).

`invoices.seller_*` hold a copy of the seller's name, address and NIP made at issue, so a
later change of the settings does not rewrite an issued invoice; invoices issued before
this revision have none and show the seller from the settings. `invoice_lines.unit` is
"szt." (a box) or "usł." (a service period); earlier lines get "szt.".

Revision ID: 20261206_0021
Revises: 20261204_0020
Create Date: 2026-12-06 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261206_0021"
down_revision = "20261204_0020"
branch_labels = None
depends_on = None

_SELLER = (
    ("seller_name", 200),
    ("seller_street", 200),
    ("seller_postal_code", 6),
    ("seller_city", 100),
    ("seller_nip", 10),
)


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        for name, length in _SELLER:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(
            sa.Column("unit", sa.String(length=8), nullable=False, server_default="szt.")
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice_lines") as batch:
        batch.drop_column("unit")
    with op.batch_alter_table("invoices") as batch:
        for name, _ in reversed(_SELLER):
            batch.drop_column(name)
