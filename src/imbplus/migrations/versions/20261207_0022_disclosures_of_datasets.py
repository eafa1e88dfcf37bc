"""The disclosure register also records datasets handed to third parties and authorities
(P01, P06): the recipient's name, the legal basis, the dataset, how many people it is
about, the SHA-256 of the file, and for an anonymized release its k, l and risk; the
recipients that are not processors get their own table.

Plain ALTER TABLE on both dialects: a batch migration would recreate `disclosures` on
SQLite and drop its append-only triggers (see 20261202_0016).

Revision ID: 20261207_0022
Revises: 20261206_0021
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261207_0022"
down_revision = "20261206_0021"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("recipient_name", sa.String(length=200)),
    ("legal_basis", sa.String(length=100)),
    ("dataset", sa.String(length=64)),
    ("subject_count", sa.Integer()),
    ("file_sha256", sa.String(length=64)),
    ("k_anonymity", sa.Integer()),
    ("l_diversity", sa.Integer()),
    ("risk_max", sa.Float()),
    ("risk_avg", sa.Float()),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("disclosures", sa.Column(name, type_, nullable=True))
    op.create_table(
        "recipients",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agreement_ref", sa.String(length=100), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
    )


def downgrade() -> None:
    op.drop_table("recipients")
    for name, _ in reversed(_COLUMNS):
        op.drop_column("disclosures", name)
