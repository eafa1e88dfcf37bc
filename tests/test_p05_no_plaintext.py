"""P05: seeded personal values never appear in the database, the logs or error bodies."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_staff

SEEDED = {
    "name": "Bożydar Przybylski-Ogonowski",
    "email": "bozydar.ogonowski.7731@poczta-testowa.pl",
    "phone": "+48 512 903 771",
    "address": {"street": "ul. Jaśminowa 77/13", "postal_code": "62-064", "city": "Plewiska"},
}
NEEDLES = [
    "Bożydar",
    "Przybylski-Ogonowski",
    "bozydar.ogonowski.7731",
    "512903771",
    "512 903 771",
    "Jaśminowa",
    "62-064",
    "Plewiska",
]


def _database_text(rt: Runtime) -> bytes:
    if rt.engine.dialect.name == "sqlite":
        rt.engine.dispose()  # nothing cached; read every file of the embedded database
        return b"".join(p.read_bytes() for p in rt.settings.data_dir.iterdir() if p.is_file())
    chunks = []
    with rt.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                chunks.append(repr(tuple(row)).encode())
    return b"\n".join(chunks)


def test_p05_seeded_values_are_nowhere_in_plain_text(
    client: TestClient, rt: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, support = make_staff(rt, "support")
    _, marketing = make_staff(rt, "marketing")
    created = client.post("/api/v1/customers", json=SEEDED, headers=api_headers(support))
    assert created.status_code == 201
    cid = created.json()["id"]
    bodies = [
        client.get(f"/api/v1/customers/{cid}", headers=api_headers(marketing, "marketing")),
        client.post("/api/v1/customers", json=SEEDED, headers=api_headers(support)),  # 409
        client.post(
            "/api/v1/customers",
            json={**SEEDED, "phone": "512 903 77"},
            headers=api_headers(support),
        ),
        client.post(
            "/api/v1/customers",
            json={**SEEDED, "email": "Bożydar at poczta"},
            headers=api_headers(support),
        ),
        client.post(
            "/api/v1/customers/search",
            json={"email": SEEDED["email"]},
            headers=api_headers(support, "marketing"),
        ),
        client.patch(
            f"/api/v1/customers/{cid}",
            json={"address": {"postal_code": "Plewiska"}},
            headers=api_headers(support),
        ),
        client.get("/api/v1/customers", headers=api_headers(support)),
    ]
    assert [b.status_code for b in bodies] == [403, 409, 422, 422, 403, 422, 200]
    errors = " ".join(b.text for b in bodies)
    logs = caplog.text
    database = _database_text(rt)
    for needle in NEEDLES:
        assert needle not in errors, f"{needle!r} in an error body"
        assert needle not in logs, f"{needle!r} in the logs"
        assert needle.encode() not in database, f"{needle!r} in the database"
    # the read path really works: an allowed purpose sees the values
    ok = client.get(f"/api/v1/customers/{cid}", headers=api_headers(support))
    assert ok.json()["address"]["city"] == "Plewiska"
