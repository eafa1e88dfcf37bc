"""B01, GDPR art. 15: the subject's own copy holds everything held about the person: each
domain's part, the activity their boxes recorded, the recipients and the accesses, and per
category its purposes, retention, legal basis and source; as a ZIP whose manifest holds."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from imbplus.compliance import subject_copy
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store
from tests.support.cli import imbplus
from tests.support.factories import make_customer, make_device, make_staff, make_subscriber
from tests.telemetry.helpers import auth, events, ndjson

URL = "/api/v1/telemetry/events"


def _with_activity(rt: Runtime, client: TestClient, n: int = 30) -> tuple[str, str]:
    customer = make_subscriber(rt)
    device, token = make_device(rt, customer.id)
    assert client.post(URL, content=ndjson(events(n)), headers=auth(token)).status_code == 200
    other = make_customer(rt)
    _other_box, other_token = make_device(rt, other.id)
    assert client.post(URL, content=ndjson(events(7)), headers=auth(other_token)).status_code == 200
    return customer.id, device.id


def _copy(rt: Runtime, customer_id: str) -> subject_copy.SubjectCopy:
    dpo, _ = make_staff(rt, "dpo")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(dpo.id, ("dpo",)), Purpose.DATA_SUBJECT_REQUEST)
        return subject_copy.build(ctx, customer_id, Store(rt.settings.telemetry_root))


def test_b01_the_copy_holds_the_activity_recipients_accesses_and_categories(
    rt: Runtime, client: TestClient
) -> None:
    customer_id, device_id = _with_activity(rt, client, n=30)
    copy = _copy(rt, customer_id)
    assert len(copy.activity) == 30  # their box's events, not the other customer's seven
    assert {e["type"] for e in copy.activity} >= {"heartbeat", "channel_play", "error"}
    assert all("device" not in e for e in copy.activity)  # never the pseudonym
    assert copy.data["set_top_boxes"]["boxes"][0]["id"] == device_id
    operations = {a["operation"] for a in copy.accesses}
    assert {"customer.create", "telemetry.pseudonym"} <= operations  # the box's first call
    assert all("actor_id" not in a for a in copy.accesses)  # roles, never a staff name
    by_category = {c["category"]: c for c in copy.categories}
    assert {"identity", "contact", "address", "stb_device", "stb_activity"} <= set(by_category)
    activity = by_category["stb_activity"]
    assert activity["source"] == "recorded by your set-top boxes"
    assert activity["retention"] and activity["retention"][0]["legal_basis"]
    assert "service_delivery" in activity["purposes"]


def test_b01_the_zip_is_complete_and_its_manifest_holds(
    rt: Runtime, client: TestClient, tmp_path: Path
) -> None:
    customer_id, _ = _with_activity(rt, client, n=12)
    copy = _copy(rt, customer_id)
    buffer = io.BytesIO()
    manifest = subject_copy.write_zip(copy, buffer, lang="en")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = set(archive.namelist())
        assert names == {"data.json", "activity.csv", "index.html", "manifest.json"}
        for name, entry in manifest["files"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"]
        data = json.loads(archive.read("data.json"))
        rows = list(csv.DictReader(io.StringIO(archive.read("activity.csv").decode())))
        page = archive.read("index.html").decode()
    assert data["subject"] == customer_id and data["activity_events"] == 12 == len(rows)
    assert data["format"] == subject_copy.FORMAT and data["categories"] and data["accesses"]
    assert "Who accessed your data" in page and "stb_activity" in page and "UODO" in page


def test_b01_the_command_writes_the_copy(rt: Runtime, client: TestClient, tmp_path: Path) -> None:
    customer_id, _ = _with_activity(rt, client, n=5)
    out = tmp_path / "copy.zip"
    done = imbplus(rt.settings, "rights", "export", "--customer", customer_id, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "5 activity events" in done.stdout and out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as archive:
        assert "Twoje dane w IMB+" in archive.read("index.html").decode()
    args = ("rights", "export", "--customer", customer_id, "--out", str(tmp_path / "x.zip"))
    bad = imbplus(rt.settings, *args, "--lang", "de")
    assert bad.returncode == 2 and "pl or en" in bad.stderr


def test_b01_the_subscriber_downloads_their_copy_in_the_portal(
    rt: Runtime, client: TestClient
) -> None:
    import re

    from sqlalchemy import select

    from imbplus.compliance.rights_models import SubjectRequest
    from tests.portal.test_pages import portal_login

    customer_id, _ = _with_activity(rt, client, n=9)
    with rt.sessions() as s:
        from imbplus.customers import service as customers

        ctx = Context(s, rt, Actor.customer(customer_id), Purpose.SERVICE_DELIVERY)
        email = customers.get(ctx, customer_id).email
    portal_login(client, email)
    page = client.get("/en/portal/access-log")
    assert "Download my data (ZIP)" in page.text
    (token,) = re.findall(r'name="csrf" value="([^"]+)"', page.text)[-1:]
    refused = client.post("/en/portal/privacy/copy", data={"csrf": "forged"})
    assert refused.status_code == 403
    got = client.post("/en/portal/privacy/copy", data={"csrf": token})
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    assert 'filename="imbplus-my-data.zip"' in got.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        data = json.loads(archive.read("data.json"))
        assert "A copy of all the data we hold about you" in archive.read("index.html").decode()
    assert data["subject"] == customer_id and data["activity_events"] == 9
    with rt.sessions() as s:
        (request,) = s.execute(select(SubjectRequest)).scalars()
    assert (request.customer_id, request.kind, request.channel, request.status) == (
        customer_id,
        "access",
        "portal",
        "done",
    )
