"""Shop, billing, shipments, processors and the disclosure register (the notification
outbox table comes with the public site's migration).

Sealed shipment records and the registers are protected by triggers on both dialects.

Revision ID: 20261125_0014
Revises: 20261125_0013
Create Date: 2026-11-25 12:31:26.520730
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import imbplus.db

revision = "20261125_0014"
down_revision = "20261125_0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("contract_ref", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.String(length=255), nullable=False),
        sa.Column("fields", sa.String(length=255), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index("ix_disclosures_recipient", ["recipient_id", "id"], unique=False)
        batch_op.create_index("ix_disclosures_subject", ["subject_id", "id"], unique=False)

    op.create_table(
        "invoice_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("subscription_id", sa.String(length=36), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("issued_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("net_total", sa.Integer(), nullable=False),
        sa.Column("vat_total", sa.Integer(), nullable=False),
        sa.Column("gross_total", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("charge_attempts", sa.Integer(), nullable=False),
        sa.Column("next_charge_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("buyer_name_ct", sa.LargeBinary(), nullable=True),
        sa.Column("buyer_street_ct", sa.LargeBinary(), nullable=True),
        sa.Column("buyer_postal_code_ct", sa.LargeBinary(), nullable=True),
        sa.Column("buyer_city_ct", sa.LargeBinary(), nullable=True),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("year", "seq", name="uq_invoices_year_seq"),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_invoices_due", ["status", "next_charge_at"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("placed_by", sa.String(length=100), nullable=False),
        sa.Column("total_gross", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_customer_created", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "processors",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("contract_ref", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("valid_from", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processors")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("price_gross", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_table(
        "shipment_releases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.String(length=36), nullable=False),
        sa.Column("parcel_id", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("retain_until", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("released_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_releases")),
    )
    with op.batch_alter_table("shipment_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_releases_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "shipments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("parcel_id", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recipient_name_ct", sa.LargeBinary(), nullable=True),
        sa.Column("street_ct", sa.LargeBinary(), nullable=True),
        sa.Column("postal_code_ct", sa.LargeBinary(), nullable=True),
        sa.Column("city_ct", sa.LargeBinary(), nullable=True),
        sa.Column("phone_ct", sa.LargeBinary(), nullable=True),
        sa.Column("email_ct", sa.LargeBinary(), nullable=True),
        sa.Column("seal_salt_ct", sa.LargeBinary(), nullable=True),
        sa.Column("field_digests", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("sealed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.Column("retain_until", imbplus.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("parcel_id", name=op.f("uq_shipments_parcel_id")),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipments_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_shipments_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "billed_periods",
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("invoice_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_billed_periods_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("subscription_id", "period", name=op.f("pk_billed_periods")),
    )
    op.create_table(
        "cards",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=16), nullable=False),
        sa.Column("pan_ct", sa.LargeBinary(), nullable=True),
        sa.Column("expiry_ct", sa.LargeBinary(), nullable=True),
        sa.Column("token_ct", sa.LargeBinary(), nullable=True),
        sa.Column("masked_ct", sa.LargeBinary(), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("removed_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_id"], ["data_keys.id"], name=op.f("fk_cards_key_id_data_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_gross", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("net", sa.Integer(), nullable=False),
        sa.Column("vat", sa.Integer(), nullable=False),
        sa.Column("gross", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invoice_id", "position", name=op.f("pk_invoice_lines")),
    )
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_gross", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("order_id", "position", name=op.f("pk_order_lines")),
    )
    op.create_table(
        "order_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_requests_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_requests")),
        sa.UniqueConstraint("actor", "key", name="uq_order_requests_actor_key"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("invoice_id", sa.String(length=36), nullable=True),
        sa.Column("card_id", sa.String(length=36), nullable=True),
        sa.Column("brand", sa.String(length=16), nullable=False),
        sa.Column("masked_ct", sa.LargeBinary(), nullable=True),
        sa.Column("amount_gross", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("decline_code", sa.String(length=64), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payments_customer_created", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_payments_invoice", ["invoice_id"], unique=False)

    op.create_table(
        "shipment_amendments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shipment_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value_ct", sa.LargeBinary(), nullable=True),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("at", imbplus.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_amendments_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_amendments")),
    )
    with op.batch_alter_table("shipment_amendments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_amendments_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "shipment_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_shipment_events_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_events")),
    )
    with op.batch_alter_table("shipment_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_events_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("shipment_id", sa.String(length=36), nullable=True),
        sa.Column("card_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("monthly_gross", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("started_at", imbplus.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", imbplus.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_subscriptions_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_subscriptions_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscriptions_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index("ix_subscriptions_status", ["status", "id"], unique=False)

    _guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriptions_status")
        batch_op.drop_index(batch_op.f("ix_subscriptions_customer_id"))

    op.drop_table("subscriptions")
    with op.batch_alter_table("shipment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_events_shipment_id"))

    op.drop_table("shipment_events")
    with op.batch_alter_table("shipment_amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_amendments_shipment_id"))

    op.drop_table("shipment_amendments")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_invoice")
        batch_op.drop_index("ix_payments_customer_created")

    op.drop_table("payments")
    op.drop_table("order_requests")
    op.drop_table("order_lines")
    op.drop_table("invoice_lines")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_customer_id"))

    op.drop_table("cards")
    op.drop_table("billed_periods")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_status_created")
        batch_op.drop_index(batch_op.f("ix_shipments_order_id"))
        batch_op.drop_index(batch_op.f("ix_shipments_customer_id"))

    op.drop_table("shipments")
    with op.batch_alter_table("shipment_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_releases_shipment_id"))

    op.drop_table("shipment_releases")
    op.drop_table("products")
    op.drop_table("processors")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_customer_id"))
        batch_op.drop_index("ix_orders_customer_created")

    op.drop_table("orders")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_due")
        batch_op.drop_index(batch_op.f("ix_invoices_customer_id"))

    op.drop_table("invoices")
    op.drop_table("invoice_counters")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosures_subject")
        batch_op.drop_index("ix_disclosures_recipient")

    op.drop_table("disclosures")


# -- database guards (P09, P13, P04) ---------------------------------------------------------
# Ciphertext columns that a key rotation may re-encrypt on a sealed row (nothing else).
_SHIPMENT_CT = (
    "recipient_name_ct",
    "street_ct",
    "postal_code_ct",
    "city_ct",
    "phone_ct",
    "email_ct",
    "seal_salt_ct",
)
_SHIPMENT_PLAIN = (
    "id",
    "order_id",
    "customer_id",
    "parcel_id",
    "carrier",
    "item",
    "status",
    "field_digests",
    "content_hash",
    "created_at",
    "updated_at",
    "sealed_at",
    "retain_until",
)
_AMENDMENT_CT = ("value_ct", "reason_ct")
_AMENDMENT_PLAIN = ("id", "shipment_id", "kind", "author", "at")
_APPEND_ONLY = ("disclosures", "shipment_releases")
_SEALED = ("shipments", "shipment_events", "shipment_amendments")
_ROTATING = "EXISTS (SELECT 1 FROM key_rotations WHERE finished_at IS NULL)"

_PG_GUARD = """
CREATE OR REPLACE FUNCTION imbplus_sealed_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
    is_parent boolean := TG_ARGV[0] = 'shipment';
    ct text[] := TG_ARGV[1:TG_NARGS - 1];
    sid text;
BEGIN
    IF is_parent AND old_row->>'sealed_at' IS NULL THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- a key rotation may re-encrypt ciphertext columns, and change nothing else
        IF EXISTS (SELECT 1 FROM key_rotations WHERE finished_at IS NULL)
           AND (old_row - ct) = (to_jsonb(NEW) - ct) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '%: sealed shipment record, UPDATE refused (P09)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    sid := CASE WHEN is_parent THEN old_row->>'id' ELSE old_row->>'shipment_id' END;
    IF EXISTS (
        SELECT 1 FROM shipment_releases r
        WHERE r.shipment_id = sid
          AND (NOT is_parent OR (old_row->>'retain_until')::timestamp <= r.released_at)
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '%: sealed shipment record, DELETE refused before its retention ended '
        '(P09, P13)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$
"""


def _same(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def _sqlite_raise(table: str, verb: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{table}: sealed shipment record, {verb} refused'); END"


def _guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
        args = {
            "shipments": ("'shipment'", *(f"'{c}'" for c in _SHIPMENT_CT)),
            "shipment_events": ("'child'",),
            "shipment_amendments": ("'child'", *(f"'{c}'" for c in _AMENDMENT_CT)),
        }
        for table in _SEALED:
            op.execute(
                f"CREATE TRIGGER {table}_sealed BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION imbplus_sealed_guard({', '.join(args[table])})"
            )
        for table in (*_SEALED, *_APPEND_ONLY):
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION imbplus_append_only()"
            )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION imbplus_append_only()"
            )
        return
    op.execute(
        "CREATE TRIGGER shipments_sealed_no_update BEFORE UPDATE ON shipments "
        f"WHEN OLD.sealed_at IS NOT NULL AND NOT ({_ROTATING} AND {_same(_SHIPMENT_PLAIN)}) "
        + _sqlite_raise("shipments", "UPDATE")
    )
    op.execute(
        "CREATE TRIGGER shipments_sealed_no_delete BEFORE DELETE ON shipments "  # noqa: S608
        "WHEN OLD.sealed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM shipment_releases r "
        "WHERE r.shipment_id = OLD.id AND OLD.retain_until <= r.released_at) "
        + _sqlite_raise("shipments", "DELETE")
    )
    op.execute(
        "CREATE TRIGGER shipment_events_sealed_no_update BEFORE UPDATE ON shipment_events "
        + _sqlite_raise("shipment_events", "UPDATE")
    )
    op.execute(
        "CREATE TRIGGER shipment_amendments_sealed_no_update BEFORE UPDATE ON "
        f"shipment_amendments WHEN NOT ({_ROTATING} AND {_same(_AMENDMENT_PLAIN)}) "
        + _sqlite_raise("shipment_amendments", "UPDATE")
    )
    for table in ("shipment_events", "shipment_amendments"):
        op.execute(
            f"CREATE TRIGGER {table}_sealed_no_delete BEFORE DELETE ON {table} "  # noqa: S608
            "WHEN NOT EXISTS (SELECT 1 FROM shipment_releases r "
            "WHERE r.shipment_id = OLD.shipment_id) " + _sqlite_raise(table, "DELETE")
        )
    for table in _APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only ({verb} refused)'); END"
            )


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _SEALED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sealed ON {table}")
        for table in (*_SEALED, *_APPEND_ONLY):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in _APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS imbplus_sealed_guard()")
        return
    for name in (
        "shipments_sealed_no_update",
        "shipments_sealed_no_delete",
        "shipment_events_sealed_no_update",
        "shipment_amendments_sealed_no_update",
        "shipment_events_sealed_no_delete",
        "shipment_amendments_sealed_no_delete",
        *(f"{t}_no_{v}" for t in _APPEND_ONLY for v in ("update", "delete")),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
