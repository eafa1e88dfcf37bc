"""Set-top boxes: registry, assignments, device tokens, STB credentials.

Revision ID: 20261125_0013
Revises: 20261125_0012
Create Date: 2026-11-25 12:29:13.301724
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0013"
down_revision = "20261125_0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("serial", sa.String(length=20), nullable=False),
        sa.Column("mac", sa.String(length=17), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("firmware", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("install_address_ct", sa.LargeBinary(), nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("last_seen_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("last_ip_ct", sa.LargeBinary(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_devices_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"], ["data_keys.id"], name=op.f("fk_devices_key_id_data_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("mac", name=op.f("uq_devices_mac")),
        sa.UniqueConstraint("serial", name=op.f("uq_devices_serial")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "stb_credentials",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_stb_credentials_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_stb_credentials")),
    )
    op.create_table(
        "device_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("started_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("pseudonym_secret_ct", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_device_assignments_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_device_assignments_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_assignments")),
    )
    with op.batch_alter_table("device_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_assignments_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_device_assignments_device", ["device_id", "started_at"], unique=False
        )

    op.create_table(
        "device_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_device_tokens_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_device_tokens_token_hash")),
    )
    with op.batch_alter_table("device_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_tokens_device_id"), ["device_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("device_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_tokens_device_id"))

    op.drop_table("device_tokens")
    with op.batch_alter_table("device_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_device_assignments_device")
        batch_op.drop_index(batch_op.f("ix_device_assignments_customer_id"))

    op.drop_table("device_assignments")
    op.drop_table("stb_credentials")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_customer_id"))

    op.drop_table("devices")
