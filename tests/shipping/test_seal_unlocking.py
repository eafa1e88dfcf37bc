"""P09, P11: the tables that unlock a sealed shipment are guarded like the seal, and every
sealed record is anchored in the keyed audit chain, so that `audit verify` names a sealed
record deleted, changed or given other ciphertexts, even after the triggers are dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.privacy import audit
from imbplus.privacy.rotation import rotate
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.shipping import seal
from imbplus.shipping.models import Shipment, ShipmentEvent
from imbplus.shipping.purge import RULE
from tests.shipping.test_p09_sealing import SHIP, move, new_shipment
from tests.support.factories import api_headers, make_staff
from tests.support.shop import setup_shop
from tests.support.tamper import open_rotation


@pytest.fixture
def sealed(client: TestClient, rt: Runtime) -> str:
    setup_shop(rt)
    token = make_staff(rt, "shipping")[1]
    sid = new_shipment(rt)
    move(client, token, sid, "handed_over", "delivered")
    amended = client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={"kind": "delivery_note", "reason": "left with a neighbour", "note": "flat 3"},
        headers=api_headers(token, SHIP),
    )
    assert amended.status_code == 201, amended.text
    return sid


def _verify(rt: Runtime) -> audit.VerifyResult:
    with rt.sessions() as s:
        return audit.verify(s, rt.checkpoint)


def _release(rt: Runtime, sid: str, released_at: object) -> None:
    with rt.sessions() as s:
        row = s.get(Shipment, sid)
        assert row is not None
        s.execute(
            text(
                "INSERT INTO shipment_releases (shipment_id, parcel_id, content_hash, "
                "retain_until, released_at, job, request_id) "
                "VALUES (:s, :p, :h, :r, :at, 'sql', 'sql')"
            ),
            {
                "s": sid,
                "p": row.parcel_id,
                "h": row.content_hash,
                "r": row.retain_until.replace(tzinfo=None) if row.retain_until else None,
                "at": released_at,
            },
        )
        s.commit()


def _drop_triggers(rt: Runtime) -> None:
    """What the database's owner can always do."""
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name == "postgresql":
            for table in ("shipments", "shipment_events", "shipment_amendments"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_sealed ON {table}"))
            return
        names = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ship%'")
        ).scalars()
        for name in list(names):
            conn.execute(text(f"DROP TRIGGER {name}"))


def test_p09_a_release_dated_in_the_future_is_refused(rt: Runtime, sealed: str) -> None:
    with rt.sessions() as s:
        row = s.get(Shipment, sealed)
        assert row is not None and row.retain_until is not None
        retain_until = row.retain_until.replace(tzinfo=None)
    # dated after the record's retention, but ahead of the database's own clock
    with pytest.raises(DatabaseError, match="release must match"):
        _release(rt, sealed, retain_until + timedelta(days=365 * 100))
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM shipments WHERE id = :id"), {"id": sealed})
    assert _verify(rt).ok


def test_p09_a_release_that_does_not_match_its_record_is_refused(rt: Runtime, sealed: str) -> None:
    with pytest.raises(DatabaseError, match="release must match"), rt.sessions() as s:
        s.execute(
            text(
                "INSERT INTO shipment_releases (shipment_id, parcel_id, content_hash, "
                "retain_until, released_at, job, request_id) "
                "SELECT id, parcel_id, :h, retain_until, retain_until, 'sql', 'sql' "
                "FROM shipments WHERE id = :s"
            ),
            {"s": sealed, "h": "0" * 64},
        )
        s.commit()


def test_p09_an_open_rotation_row_is_guarded_and_swapped_ciphertexts_are_named(
    rt: Runtime, sealed: str
) -> None:
    open_rotation(rt)
    # the open run lets ciphertext columns change: swap two of them
    with rt.engine.begin() as conn:
        conn.execute(
            text("UPDATE shipments SET street_ct = city_ct, city_ct = street_ct WHERE id = :id"),
            {"id": sealed},
        )
    result = _verify(rt)
    assert not result.ok
    assert f"sealed shipment {sealed}: encrypted values differ" in (result.problem or "")
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM key_rotations"))


def test_p09_a_finished_rotation_cannot_be_reopened(rt: Runtime, sealed: str) -> None:
    rotate(rt)
    assert _verify(rt).ok  # a real rotation re-anchors the new ciphertexts
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("UPDATE key_rotations SET finished_at = NULL"))


def test_p09_a_sealed_record_deleted_behind_dropped_triggers_is_named(
    rt: Runtime, sealed: str
) -> None:
    _drop_triggers(rt)
    with rt.engine.begin() as conn:
        for table in ("shipment_amendments", "shipment_events"):
            conn.execute(text(f"DELETE FROM {table} WHERE shipment_id = :id"), {"id": sealed})  # noqa: S608
        conn.execute(text("DELETE FROM shipments WHERE id = :id"), {"id": sealed})
    result = _verify(rt)
    assert not result.ok and f"sealed shipment {sealed} is gone" in (result.problem or "")


def test_p09_a_sealed_record_rewritten_with_a_fresh_hash_is_named(rt: Runtime, sealed: str) -> None:
    _drop_triggers(rt)
    with rt.sessions() as s:
        row = s.get(Shipment, sealed)
        assert row is not None
        row.status = "lost"
        events = list(
            s.execute(select(ShipmentEvent).where(ShipmentEvent.shipment_id == sealed)).scalars()
        )
        row.content_hash = seal.content_hash(row, events)  # consistent in the table
        s.commit()
    result = _verify(rt)
    assert not result.ok and "differs from its anchored content hash" in (result.problem or "")


def test_p09_a_deleted_amendment_is_named(rt: Runtime, sealed: str) -> None:
    _drop_triggers(rt)
    with rt.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM shipment_amendments WHERE shipment_id = :id"), {"id": sealed}
        )
    result = _verify(rt)
    assert not result.ok and "amendment" in (result.problem or "")


def test_p13_a_real_purge_keeps_the_chain_verifying(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    token = make_staff(rt, "shipping")[1]
    rt.settings.shipment_retention_days = 1  # not purged "in the future" (see above)
    sid = new_shipment(rt)
    move(client, token, sid, "handed_over", "delivered")
    clock.advance(2 * 86400)
    assert retention.run(rt, only=RULE)[0].count == 1
    with rt.sessions() as s:
        assert s.get(Shipment, sid) is None
    assert _verify(rt).ok  # the release is anchored: gone, but not "without a release"


def _move_retention_back(rt: Runtime, sid: str, *, rehash: bool) -> None:
    """Make a sealed record look due: its retention date moved to yesterday."""
    _drop_triggers(rt)
    with rt.sessions() as s:
        row = s.get(Shipment, sid)
        assert row is not None
        row.retain_until = clock.now() - timedelta(days=1)
        if rehash:
            events = list(
                s.execute(select(ShipmentEvent).where(ShipmentEvent.shipment_id == sid)).scalars()
            )
            row.content_hash = seal.content_hash(row, events)
        s.commit()


def test_p13_the_purge_keeps_a_record_whose_seal_does_not_hold(rt: Runtime, sealed: str) -> None:
    _move_retention_back(rt, sealed, rehash=False)
    assert retention.run(rt, only=RULE)[0].count == 0
    with rt.sessions() as s:
        assert s.get(Shipment, sealed) is not None
    result = _verify(rt)
    assert not result.ok and "differs from its anchored content hash" in (result.problem or "")


def test_p13_a_record_rehashed_to_be_purged_early_is_named_after_the_purge(
    rt: Runtime, sealed: str
) -> None:
    _move_retention_back(rt, sealed, rehash=True)
    assert retention.run(rt, only=RULE)[0].count == 1  # it looked whole in its own table
    result = _verify(rt)
    assert not result.ok and f"{sealed} was released as another record" in (result.problem or "")


def test_p09_an_amendment_moved_to_another_record_or_added_by_hand_is_named(
    client: TestClient, rt: Runtime, sealed: str
) -> None:
    token = make_staff(rt, "shipping")[1]
    other = new_shipment(rt)
    move(client, token, other, "handed_over", "delivered")
    _drop_triggers(rt)
    with rt.engine.begin() as conn:
        conn.execute(
            text("UPDATE shipment_amendments SET shipment_id = :o, kind = 'address_typo'"),
            {"o": other},
        )
    result = _verify(rt)
    assert not result.ok and "differs from its anchor" in (result.problem or "")
    with rt.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO shipment_amendments (id, shipment_id, kind, author, at) "
                "VALUES ('00000000-0000-4000-8000-000000000001', :s, 'delivery_note', 'sql', :t)"
            ),
            {"s": sealed, "t": clock.now().replace(tzinfo=None)},
        )
        conn.execute(
            text("UPDATE shipment_amendments SET shipment_id = :s, kind = 'delivery_note'"),
            {"s": sealed},
        )
    result = _verify(rt)
    assert not result.ok and "has no anchor" in (result.problem or "")


def test_init_anchors_records_sealed_before_sealing_anchored_them(
    client: TestClient, rt: Runtime, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imbplus.bootstrap import init
    from imbplus.shipping import anchors

    # the older version: the sealing record names the shipment only, amendments their kind
    monkeypatch.setattr(anchors, "sealed_reason", lambda row: f"shipment:{row.id}")
    monkeypatch.setattr(anchors, "amendment_reason", lambda a: f"shipment:{a.shipment_id} {a.kind}")
    setup_shop(rt)
    token = make_staff(rt, "shipping")[1]
    sid = new_shipment(rt)
    move(client, token, sid, "handed_over", "delivered")
    client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={"kind": "delivery_note", "reason": "neighbour", "note": "flat 3"},
        headers=api_headers(token, SHIP),
    )
    monkeypatch.undo()
    assert "has no anchor" in (_verify(rt).problem or "")  # the amendment
    init(Runtime(settings))
    assert _verify(rt).ok
    _drop_triggers(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE shipments SET status = 'lost' WHERE id = :id"), {"id": sid})
    assert "differs from its anchored content hash" in (_verify(rt).problem or "")
