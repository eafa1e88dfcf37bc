"""P20: after real orders, declines and bad input, the card number and the CVV are nowhere:
not in the database (every file of SQLite, every table of PostgreSQL), not in the logs, not
in any response body. Only the masked form (first six, last four) is shown."""

from __future__ import annotations

import hashlib
import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import card, idempotency_key, order_body, setup_shop

AMEX = "378282246310005"
AMEX_CID = "4817"  # four digits: long enough to grep a binary file for
VISA = "4111111111111111"
VISA_CVV = "593"


def _database_bytes(rt: Runtime) -> bytes:
    if rt.engine.dialect.name == "sqlite":
        rt.engine.dispose()
        return b"".join(p.read_bytes() for p in rt.settings.data_dir.iterdir() if p.is_file())
    chunks = []
    with rt.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                chunks.append(repr(tuple(row)).encode())
    return b"\n".join(chunks)


def _token(value: str) -> re.Pattern[str]:
    """The code as a value of its own (as in `"cvv": "4817"`, `cvv=4817`, a text column),
    not four digits inside a hex digest, a UUID or a timestamp, which are everywhere."""
    return re.compile(rf"(?<![0-9A-Za-z:.-]){value}(?![0-9A-Za-z:.-])")


def test_p20_pan_and_cvv_are_nowhere(
    client: TestClient, rt: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    setup_shop(rt)
    _, billing = make_staff(rt, "billing")
    customer = make_customer(rt)
    spaced = " ".join(AMEX[i : i + 4] for i in range(0, 15, 4))

    def post(body: dict[str, object]) -> str:
        response = client.post(
            "/api/v1/orders",
            json=body,
            headers={**api_headers(billing, "billing"), "Idempotency-Key": idempotency_key()},
        )
        return f"{response.status_code} {response.text}"

    bodies = [
        post(order_body(customer.id, card=card(spaced, cvv=AMEX_CID, save=True))),
        post(order_body(customer.id, ("stb-hd-s1", 1), card=card(VISA, cvv=VISA_CVV))),
        post(order_body(customer.id, card=card("4000000000000002", cvv=VISA_CVV))),  # declined
        post(order_body(customer.id, card=card(AMEX, cvv=AMEX_CID, exp_year=2021))),  # expired
        post(order_body(customer.id, card=card(VISA, cvv="59x"))),
        post(order_body(customer.id, card=card(AMEX[:-1] + "1", cvv=AMEX_CID))),  # Luhn
        post(order_body(customer.id, card={**card(VISA, cvv=VISA_CVV), "extra": VISA})),
    ]
    statuses = [b.split(" ", 1)[0] for b in bodies]
    assert statuses == ["201", "201", "402", "422", "422", "422", "422"], bodies
    order_id = bodies[0].split('"id":"', 1)[1].split('"', 1)[0]
    invoice = client.get(f"/api/v1/orders/{order_id}", headers=api_headers(billing, "billing"))
    cards = client.get(
        "/api/v1/cards",
        params={"customer_id": customer.id},
        headers=api_headers(billing, "billing"),
    )
    bodies += [invoice.text, cards.text]
    assert "378282*****0005" in cards.text  # masked: first six, last four
    responses = "\n".join(bodies)
    logs = caplog.text
    database = _database_bytes(rt)
    for pan in (AMEX, VISA, spaced):
        assert pan not in responses and pan not in logs, pan
        assert pan.encode() not in database, pan
        assert hashlib.sha256(pan.encode()).hexdigest().encode() not in database
    assert not re.search(_token(AMEX_CID).pattern.encode(), database)
    for cvv in (AMEX_CID, VISA_CVV):
        assert not _token(cvv).search(responses), cvv
        assert not _token(cvv).search(logs), cvv
    with rt.engine.connect() as conn:
        columns = {
            c["name"] for t in inspect(conn).get_table_names() for c in inspect(conn).get_columns(t)
        }
    assert not {c for c in columns if re.search(r"(^|_)(cvv2?|cvc2?|cid|security_code)(_|$)", c)}
