"""Login guards: staff recovery codes and a pending TOTP secret (P12); the new address a
portal e-mail change link confirms.

Revision ID: 20261201_0015
Revises: 20261125_0014
Create Date: 2026-12-01 02:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261201_0015"
down_revision = "20261125_0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_recovery_codes_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_recovery_codes")),
    )
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_recovery_codes_staff_id"), ["staff_id"], unique=False
        )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_pending_ct", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("portal_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_email_ct", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("portal_tokens", schema=None) as batch_op:
        batch_op.drop_column("new_email_ct")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_ct")
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_recovery_codes_staff_id"))
    op.drop_table("staff_recovery_codes")
