"""Public site: policy versions, cookie consents, privacy questions, feedback, visit
counters, and the e-mail outbox (same table as the shop's notifications).

Policy versions and consent records are append-only (triggers refuse UPDATE and DELETE).

Revision ID: 20261125_0011
Revises: 20261125_0010
Create Date: 2026-11-25 12:45:47.956225
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0011"
down_revision = "20261125_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("received_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("message_ct", sa.LargeBinary(), nullable=False),
        sa.Column("email_ct", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_received_at"), ["received_at"], unique=False)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("recipient_ct", sa.LargeBinary(), nullable=True),
        sa.Column("subject_ct", sa.LargeBinary(), nullable=True),
        sa.Column("body_ct", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("published_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("site", "lang", "number", name="uq_policy_versions_site_lang_number"),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_policy_versions_effective", ["site", "lang", "effective_from"], unique=False
        )

    op.create_table(
        "privacy_inquiries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("answered_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("updated_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("name_ct", sa.LargeBinary(), nullable=True),
        sa.Column("email_ct", sa.LargeBinary(), nullable=False),
        sa.Column("message_ct", sa.LargeBinary(), nullable=False),
        sa.Column("answer_ct", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_inquiries")),
        sa.UniqueConstraint("reference", name=op.f("uq_privacy_inquiries_reference")),
    )
    with op.batch_alter_table("privacy_inquiries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_inquiries_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index("ix_privacy_inquiries_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "site_page_views",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("path", sa.String(length=64), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "path", name=op.f("pk_site_page_views")),
    )
    op.create_table(
        "site_visitors",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("new_visitors", sa.Integer(), nullable=False),
        sa.Column("returning_visitors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_site_visitors")),
    )
    op.create_table(
        "consent_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("replaces", sa.String(length=32), nullable=True),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("preferences", sa.Boolean(), nullable=False),
        sa.Column("statistics", sa.Boolean(), nullable=False),
        sa.Column("decided_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("ip_masked_ct", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_versions.id"],
            name=op.f("fk_consent_records_policy_version_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.create_index("ix_consent_records_decided", ["decided_at"], unique=False)

    op.create_table(
        "policy_notices",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("mailed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("seen_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["policy_versions.id"],
            name=op.f("fk_policy_notices_version_id_policy_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "customer_id", name=op.f("pk_policy_notices")),
    )
    _append_only("policy_versions")
    _append_only("consent_records")


def _append_only(table: str) -> None:
    """Published versions and consent proofs never change (the foundation's function)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION imbplus_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION imbplus_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only ({verb} refused)'); END"
            )


def downgrade() -> None:
    op.drop_table("policy_notices")
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_records_decided")

    op.drop_table("consent_records")
    op.drop_table("site_visitors")
    op.drop_table("site_page_views")
    with op.batch_alter_table("privacy_inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_inquiries_status_due")
        batch_op.drop_index(batch_op.f("ix_privacy_inquiries_customer_id"))

    op.drop_table("privacy_inquiries")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_policy_versions_effective")

    op.drop_table("policy_versions")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox_messages")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_received_at"))

    op.drop_table("feedback")
