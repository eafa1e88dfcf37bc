"""The tables that unlock a sealed shipment get the seal's protection (P09, P13).

* `shipment_releases`: a release receipt can only be inserted for a sealed shipment it
  matches (parcel, content hash, retention date), dated no earlier than that retention date
  and not in the future by the database's own clock (5 minutes of skew allowed): a receipt
  dated ahead would unlock a record whose retention has not ended. It was already
  append-only.
* `key_rotations`: an open run unlocks re-encryption of sealed ciphertexts, so its rows can
  no longer be deleted, and only an open run can be updated (finished, its counters).

* `consent_records` (append-only proofs): a key rotation may re-encrypt their masked address
  while a run is open, and change nothing else; before, a rotation failed for good once any
  visitor had made a cookie choice.

A database owner can still drop these triggers; what they then change is caught by the
anchors of the sealed records in the keyed audit chain (`imbplus audit verify`).

Revision ID: 20261203_0017
Revises: 20261202_0016
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "20261203_0017"
down_revision = "20261202_0016"
branch_labels = None
depends_on = None

_MATCH = (
    "SELECT 1 FROM shipments s WHERE s.id = NEW.shipment_id AND s.sealed_at IS NOT NULL "
    "AND s.parcel_id = NEW.parcel_id AND s.content_hash = NEW.content_hash "
    "AND s.retain_until = NEW.retain_until AND NEW.released_at >= s.retain_until "
    "AND NEW.released_at <= {now}"
)
_NOW_PG = "(now() AT TIME ZONE 'UTC') + interval '5 minutes'"
_NOW_SQLITE = "datetime('now', '+5 minutes')"
_RELEASE_REFUSED = "shipment_releases: a release must match a sealed shipment whose retention ended"
_ROTATION_REFUSED = "key_rotations: only an open run may be updated, none deleted"

# The SQL below is built from this module's constants only.
_PG = f"""
CREATE OR REPLACE FUNCTION imbplus_release_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS ({_MATCH.format(now=_NOW_PG)}) THEN
        RAISE EXCEPTION '{_RELEASE_REFUSED} (P09, P13)' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION imbplus_rotation_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.finished_at IS NOT NULL OR NEW.id <> OLD.id
       OR NEW.started_at <> OLD.started_at THEN
        RAISE EXCEPTION '{_ROTATION_REFUSED} (P09)' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER shipment_releases_match BEFORE INSERT ON shipment_releases
    FOR EACH ROW EXECUTE FUNCTION imbplus_release_guard();
CREATE TRIGGER key_rotations_guard BEFORE UPDATE OR DELETE ON key_rotations
    FOR EACH ROW EXECUTE FUNCTION imbplus_rotation_guard();
CREATE TRIGGER key_rotations_no_truncate BEFORE TRUNCATE ON key_rotations
    FOR EACH STATEMENT EXECUTE FUNCTION imbplus_append_only();
CREATE OR REPLACE FUNCTION imbplus_consent_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND EXISTS (SELECT 1 FROM key_rotations WHERE finished_at IS NULL)
       AND (to_jsonb(OLD) - 'ip_masked_ct') = (to_jsonb(NEW) - 'ip_masked_ct') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_records is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS consent_records_append_only ON consent_records;
CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records
    FOR EACH ROW EXECUTE FUNCTION imbplus_consent_guard();
"""  # noqa: S608
_CONSENT_PLAIN = (
    "id",
    "replaces",
    "site",
    "lang",
    "policy_version_id",
    "action",
    "preferences",
    "statistics",
    "decided_at",
)

_SQLITE = [
    "CREATE TRIGGER shipment_releases_match BEFORE INSERT ON shipment_releases "
    f"WHEN NOT EXISTS ({_MATCH.format(now=_NOW_SQLITE)}) "
    f"BEGIN SELECT RAISE(ABORT, '{_RELEASE_REFUSED}'); END",
    "CREATE TRIGGER key_rotations_no_delete BEFORE DELETE ON key_rotations "
    f"BEGIN SELECT RAISE(ABORT, '{_ROTATION_REFUSED}'); END",
    "CREATE TRIGGER key_rotations_finish_only BEFORE UPDATE ON key_rotations "
    "WHEN OLD.finished_at IS NOT NULL OR NEW.id IS NOT OLD.id "
    "OR NEW.started_at IS NOT OLD.started_at "
    f"BEGIN SELECT RAISE(ABORT, '{_ROTATION_REFUSED}'); END",
    "DROP TRIGGER IF EXISTS consent_records_no_update",
    "CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records WHEN NOT ("  # noqa: S608
    "EXISTS (SELECT 1 FROM key_rotations WHERE finished_at IS NULL) AND "
    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _CONSENT_PLAIN)
    + ") BEGIN SELECT RAISE(ABORT, 'consent_records is append-only (UPDATE refused)'); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG)
        return
    for statement in _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS consent_records_append_only ON consent_records")
        op.execute(
            "CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON "
            "consent_records FOR EACH ROW EXECUTE FUNCTION imbplus_append_only()"
        )
        op.execute("DROP FUNCTION IF EXISTS imbplus_consent_guard()")
        op.execute("DROP TRIGGER IF EXISTS shipment_releases_match ON shipment_releases")
        op.execute("DROP TRIGGER IF EXISTS key_rotations_guard ON key_rotations")
        op.execute("DROP TRIGGER IF EXISTS key_rotations_no_truncate ON key_rotations")
        op.execute("DROP FUNCTION IF EXISTS imbplus_release_guard()")
        op.execute("DROP FUNCTION IF EXISTS imbplus_rotation_guard()")
        return
    for name in ("shipment_releases_match", "key_rotations_no_delete", "key_rotations_finish_only"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TRIGGER IF EXISTS consent_records_no_update")
    op.execute(
        "CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records BEGIN "
        "SELECT RAISE(ABORT, 'consent_records is append-only (UPDATE refused)'); END"
    )
