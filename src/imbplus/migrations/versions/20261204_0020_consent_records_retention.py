"""Consent proofs end with their retention (P13, P18): a consent record may be deleted once
it is older than a year by the database's own clock, and never before.

The retention rule `site.consent_records` deletes records past
`consent_record_retention_days` (at least 365); before, the append-only trigger refused
every DELETE and the purge could not run. Updates stay refused as before (only a key
rotation's re-encryption of the masked address passes), and so does a young record's
deletion: a proof cannot be removed while a claim about it is fresh.

Revision ID: 20261204_0020
Revises: 20261203_0019
Create Date: 2026-12-04 09:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "20261204_0020"
down_revision = "20261203_0019"
branch_labels = None
depends_on = None

FLOOR_DAYS = 365  # the setting consent_record_retention_days cannot go below this

_PG_GUARD = """
CREATE OR REPLACE FUNCTION imbplus_consent_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND EXISTS (SELECT 1 FROM key_rotations WHERE finished_at IS NULL)
       AND (to_jsonb(OLD) - 'ip_masked_ct') = (to_jsonb(NEW) - 'ip_masked_ct') THEN
        RETURN NEW;
    END IF;
    {delete_allowed}
    RAISE EXCEPTION 'consent_records is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""
_PG_DELETE_OLD = (
    "IF TG_OP = 'DELETE' AND OLD.decided_at < "
    f"(now() AT TIME ZONE 'UTC') - interval '{FLOOR_DAYS} days' THEN RETURN OLD; END IF;"
)
_SQLITE_REFUSED = "consent_records is append-only (DELETE refused)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD.format(delete_allowed=_PG_DELETE_OLD))
        return
    op.execute("DROP TRIGGER IF EXISTS consent_records_no_delete")
    op.execute(
        "CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records "
        f"WHEN OLD.decided_at >= datetime('now', '-{FLOOR_DAYS} days') "
        f"BEGIN SELECT RAISE(ABORT, '{_SQLITE_REFUSED}'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD.format(delete_allowed=""))
        return
    op.execute("DROP TRIGGER IF EXISTS consent_records_no_delete")
    op.execute(
        "CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records "
        f"BEGIN SELECT RAISE(ABORT, '{_SQLITE_REFUSED}'); END"
    )
