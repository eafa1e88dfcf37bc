"""The register of requests from public authorities (P07): the request (authority, case
reference, legal basis, scope, bar on telling the customer, who entered, who decided, the
bundle handed over) and the customers in its scope.

Revision ID: 20261208_0023
Revises: 20261208_0027
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261208_0023"
down_revision = "20261208_0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = imbplus.db.UTCDateTime
    op.create_table(
        "authority_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("authority_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("received_at", when(), nullable=False),
        sa.Column("categories", sa.String(length=255), nullable=False),
        sa.Column("period_from", when(), nullable=True),
        sa.Column("period_to", when(), nullable=True),
        sa.Column("bar_until", when(), nullable=True),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entered_by", sa.String(length=100), nullable=False),
        sa.Column("entered_at", when(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", when(), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=False),
        sa.Column("fulfilled_by", sa.String(length=100), nullable=True),
        sa.Column("fulfilled_at", when(), nullable=True),
        sa.Column("fulfil_request_id", sa.String(length=64), nullable=True),
        sa.Column("bundle_name", sa.String(length=100), nullable=True),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=True),
        sa.Column("disclosure_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_requests")),
    )
    op.create_index(
        op.f("ix_authority_requests_authority_id"),
        "authority_requests",
        ["authority_id"],
        unique=False,
    )
    op.create_table(
        "authority_request_subjects",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authority_requests.id"],
            name=op.f("fk_authority_request_subjects_request_id_authority_requests"),
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "customer_id", name=op.f("pk_authority_request_subjects")
        ),
    )
    op.create_index(
        op.f("ix_authority_request_subjects_customer_id"),
        "authority_request_subjects",
        ["customer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_authority_request_subjects_customer_id"), table_name="authority_request_subjects"
    )
    op.drop_table("authority_request_subjects")
    op.drop_index(op.f("ix_authority_requests_authority_id"), table_name="authority_requests")
    op.drop_table("authority_requests")
