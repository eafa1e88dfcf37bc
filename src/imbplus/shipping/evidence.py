"""Live checks for the evidence report (B04): P04, P09, P10, P20 in the running system."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import func, inspect, select, text

from imbplus.billing import cards
from imbplus.clock import clock
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.processors.models import Processor
from imbplus.runtime import Runtime
from imbplus.shipping import seal
from imbplus.shipping.labels import LabelData, render_pdf
from imbplus.shipping.models import Shipment, ShipmentEvent

GUARDED = ("shipments", "shipment_events", "shipment_amendments", "shipment_releases")


def _triggers(rt: Runtime) -> set[str]:
    with rt.engine.connect() as conn:
        if rt.engine.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c "
                    "ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
                )
            )
        else:
            rows = conn.execute(
                text("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            )
        return {r[0] for r in rows}


@register("P09", "Sealed shipment records are guarded by the database and their hashes hold")
def sealed_shipments(rt: Runtime) -> Outcome:
    missing = sorted(set(GUARDED) - _triggers(rt))
    with rt.sessions() as s:
        sealed = list(
            s.execute(
                select(Shipment)
                .where(Shipment.sealed_at.is_not(None))
                .order_by(Shipment.sealed_at.desc())
                .limit(200)
            ).scalars()
        )
        broken = []
        for row in sealed:
            events = list(
                s.execute(
                    select(ShipmentEvent)
                    .where(ShipmentEvent.shipment_id == row.id)
                    .order_by(ShipmentEvent.id)
                ).scalars()
            )
            if seal.content_hash(row, events) != row.content_hash:
                broken.append(row.parcel_id)
    figures = {
        "guarded_tables": len(GUARDED) - len(missing),
        "sealed_checked": len(sealed),
        "hash_mismatches": len(broken),
    }
    if missing:
        return Outcome(False, f"no trigger on {', '.join(missing)}", figures)
    if broken:
        return Outcome(False, f"content hash differs for parcels {broken[:5]}", figures)
    if not sealed:
        return not_exercised("no shipment has been sealed yet (triggers in place)", figures)
    return Outcome(True, f"triggers in place; {len(sealed)} sealed records verified", figures)


@register("P10", "A shipping label carries name, address and parcel id only")
def label_fields(rt: Runtime) -> Outcome:
    sample = LabelData("IMB0000000000", "Jan Próbny", "ul. Testowa 1", "00-001", "Warszawa")
    words = PdfReader(io.BytesIO(render_pdf(sample))).pages[0].extract_text()
    extra = [
        w
        for w in re.findall(r"\S+", words)
        if w
        not in {
            "Odbiorca",
            "/",
            "Recipient",
            "Jan",
            "Próbny",
            "ul.",
            "Testowa",
            "1",
            "00-001",
            "Warszawa",
            "IMB0000000000",
        }
    ]
    return Outcome(
        not extra,
        "only recipient, address and parcel id" if not extra else f"unexpected text {extra[:5]}",
        {"extra_words": len(extra)},
    )


@register("P20", "No column can hold a CVV; saved card numbers are ciphertext")
def card_storage(rt: Runtime) -> Outcome:
    with rt.engine.connect() as conn:
        columns = [
            c["name"] for t in inspect(conn).get_table_names() for c in inspect(conn).get_columns(t)
        ]
    cvv_columns = [c for c in columns if re.search(r"(^|_)(cvv2?|cvc2?|cid|security_code)(_|$)", c)]
    with rt.sessions() as s:
        blobs = cards.stored_numbers(s)
    plain = [b for b in blobs if re.search(rb"[0-9]{12,19}", b or b"")]
    figures = {
        "cvv_columns": len(cvv_columns),
        "cards_sampled": len(blobs),
        "plain_numbers": len(plain),
    }
    ok = not cvv_columns and not plain
    return Outcome(
        ok,
        "no CVV column; card numbers encrypted"
        if ok
        else f"cvv columns {cvv_columns} / {len(plain)} plain numbers",
        figures,
    )


@register("P04", "Every processor has a contract reference, a scope and dates")
def processor_contracts(rt: Runtime) -> Outcome:
    now = clock.now()
    with rt.sessions() as s:
        total = s.execute(select(func.count()).select_from(Processor)).scalar_one()
        valid = s.execute(
            select(func.count()).where(Processor.valid_from <= now, Processor.valid_until > now)
        ).scalar_one()
        incomplete = s.execute(
            select(func.count()).where((Processor.contract_ref == "") | (Processor.scope == ""))
        ).scalar_one()
    figures = {"processors": total, "valid_now": valid, "incomplete": incomplete}
    return Outcome(incomplete == 0, f"{valid} of {total} contracts valid today", figures)
