"""Portal registration and reset tokens, surveys, request log, form limits.

Accounts opened before e-mail confirmation existed count as confirmed.

Revision ID: 20261125_0012
Revises: 20261125_0011
Create Date: 2026-11-25 12:38:22.455934
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0012"
down_revision = "20261125_0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_tokens",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_portal_tokens")),
    )
    with op.batch_alter_table("portal_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_portal_tokens_customer", ["customer_id", "kind"], unique=False)

    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("ts_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.create_index("ix_rate_limit_hits_key_ts", ["key_hash", "ts_us"], unique=False)

    op.create_table(
        "request_log_full",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("ip_ct", sa.LargeBinary(), nullable=False),
        sa.Column("ip_bidx", sa.LargeBinary(length=32), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_log_full")),
    )
    with op.batch_alter_table("request_log_full", schema=None) as batch_op:
        batch_op.create_index("ix_request_log_full_at", ["at"], unique=False)
        batch_op.create_index("ix_request_log_full_ip", ["ip_bidx", "at"], unique=False)

    op.create_table(
        "request_log_masked",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("network", sa.String(length=49), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("referrer_domain", sa.String(length=253), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_log_masked")),
    )
    with op.batch_alter_table("request_log_masked", schema=None) as batch_op:
        batch_op.create_index("ix_request_log_masked_day", ["day"], unique=False)

    op.create_table(
        "survey_opt_outs",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("opted_out_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_survey_opt_outs")),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.String(length=2000), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("opened_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    op.create_table(
        "survey_invitations",
        sa.Column("survey_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("invited_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_invitations_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "customer_id", "channel", name=op.f("pk_survey_invitations")
        ),
    )
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index("ix_survey_invitations_customer", ["customer_id"], unique=False)

    op.create_table(
        "survey_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("prompt", sa.String(length=500), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("min_value", sa.Integer(), nullable=True),
        sa.Column("max_value", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_questions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questions")),
    )
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.create_index("ix_survey_questions_survey", ["survey_id", "position"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("survey_id", sa.String(length=36), nullable=False),
        sa.Column("respondent", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("submitted_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["data_keys.id"], name=op.f("fk_survey_responses_key_id_data_keys")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("survey_id", "customer_id", name="uq_survey_responses_customer"),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index("ix_survey_responses_customer", ["customer_id"], unique=False)

    op.create_table(
        "survey_options",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_survey_options_question_id_survey_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_options")),
    )
    with op.batch_alter_table("survey_options", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_options_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("number_value", sa.Integer(), nullable=True),
        sa.Column("postal_code", sa.String(length=6), nullable=True),
        sa.Column("age", sa.SmallInteger(), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("company_size", sa.String(length=8), nullable=True),
        sa.Column("text_ct", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["survey_options.id"],
            name=op.f("fk_survey_answers_option_id_survey_options"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_survey_answers_question_id_survey_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_answers_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
    )
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_answers_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_answers_response_id"), ["response_id"], unique=False
        )

    with op.batch_alter_table("customer_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", imbplus.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE customer_accounts SET confirmed_at = created_at WHERE confirmed_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("customer_accounts", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")

    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answers_response_id"))
        batch_op.drop_index(batch_op.f("ix_survey_answers_question_id"))

    op.drop_table("survey_answers")
    with op.batch_alter_table("survey_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_options_question_id"))

    op.drop_table("survey_options")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_responses_customer")

    op.drop_table("survey_responses")
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_questions_survey")

    op.drop_table("survey_questions")
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_invitations_customer")

    op.drop_table("survey_invitations")
    op.drop_table("surveys")
    op.drop_table("survey_opt_outs")
    with op.batch_alter_table("request_log_masked", schema=None) as batch_op:
        batch_op.drop_index("ix_request_log_masked_day")

    op.drop_table("request_log_masked")
    with op.batch_alter_table("request_log_full", schema=None) as batch_op:
        batch_op.drop_index("ix_request_log_full_ip")
        batch_op.drop_index("ix_request_log_full_at")

    op.drop_table("request_log_full")
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hits_key_ts")

    op.drop_table("rate_limit_hits")
    with op.batch_alter_table("portal_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_tokens_customer")

    op.drop_table("portal_tokens")
