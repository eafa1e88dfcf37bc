"""P07 from the console and the command line: a DPO enters a request, a second DPO
approves it, the first fulfils it and downloads the bundle; the entering DPO's own approval,
other roles and bad input are refused; Polish and English pages."""

from __future__ import annotations

import io
import zipfile

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.privacy.authority_requests import AuthorityRequest
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.authority import BASIS, POLICE, desk
from tests.support.cli import imbplus
from tests.support.console import choose, csrf_of, login
from tests.support.factories import make_customer, make_staff


def _form(customer: str, csrf: str, **change: str) -> dict[str, object]:
    return {
        "csrf": csrf,
        "authority_id": POLICE,
        "reference": "RSD-9/26",
        "legal_basis": BASIS,
        "received_on": "2026-11-10",
        "customers": customer,
        "categories": ["identity", "contact"],
        "bar_until": "",
        **change,
    }


def _count(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(AuthorityRequest)).scalar_one())


def test_p07_console_enter_approve_by_another_fulfil_and_download(
    app: FastAPI, client: TestClient, rt: Runtime
) -> None:
    d = desk(rt)
    customer = make_customer(rt).id
    login(client, d.entering_name)
    choose(client, "legal_obligation")
    page = client.get("/console/authority")
    assert page.status_code == 200 and "Żądania organów państwa" in page.text
    assert "Requests from public authorities" in client.get("/en/console/authority").text
    csrf = csrf_of(page)
    refused = client.post("/console/authority", data=_form(customer, csrf, legal_basis=""))
    assert refused.status_code == 422 and _count(rt) == 0
    unknown = _form("6f1c2a4e-0000-4000-8000-000000000000", csrf)
    assert client.post("/console/authority", data=unknown).status_code == 422
    made = client.post("/console/authority", data=_form(customer, csrf), follow_redirects=False)
    assert made.status_code == 303
    path = made.headers["location"]
    number = int(path.rsplit("/", 1)[1])
    own = client.post(f"{path}/approve", data={"csrf": csrf, "reason": "ok"})
    assert own.status_code == 403 and _count(rt) == 1
    early = client.post(f"{path}/fulfil", data={"csrf": csrf})
    assert early.status_code == 409
    with TestClient(app, raise_server_exceptions=False) as second:
        login(second, d.deciding_name)
        choose(second, "legal_obligation")
        detail = second.get(path)
        assert "Zasada dwóch par oczu" in detail.text
        approved = second.post(
            f"{path}/approve", data={"csrf": csrf_of(detail), "reason": "postanowienie sądu"}
        )
        assert approved.status_code == 200 and "zatwierdzone" in approved.text
    done = client.post(f"{path}/fulfil", data={"csrf": csrf})
    assert done.status_code == 200 and "wykonane" in done.text
    bundle = client.get(f"{path}/bundle")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "index.html", "manifest.json"]
    listing = client.get("/console/authority?status=fulfilled")
    assert f'/console/authority/{number}"' in listing.text


def test_p07_other_roles_are_refused(client: TestClient, rt: Runtime) -> None:
    desk(rt)
    support, _ = make_staff(rt, "support")
    login(client, support.username)
    choose(client, "service_delivery")
    assert client.get("/console/authority").status_code == 403
    assert client.get("/console/authority/1").status_code == 403


def test_p07_the_command_line_keeps_four_eyes(rt: Runtime, settings: Settings) -> None:
    d = desk(rt)
    customer = make_customer(rt).id
    added = imbplus(
        settings, "authority", "add", "--by", d.entering_name, "--authority", POLICE,
        "--reference", "RSD-5/26", "--legal-basis", BASIS, "--received", "2026-11-01",
        "--customer", customer, "--category", "address",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    number = added.stdout.split()[1]
    early = imbplus(settings, "authority", "fulfil", number, "--by", d.entering_name)
    assert early.returncode == 2 and early.stderr.startswith("error: ")
    own = imbplus(
        settings, "authority", "approve", number, "--by", d.entering_name, "--reason", "ok"
    )
    assert own.returncode == 2 and "four eyes" in own.stderr
    [line] = own.stderr.strip().splitlines()
    ok = imbplus(
        settings, "authority", "approve", number, "--by", d.deciding_name, "--reason", "sąd"
    )
    assert ok.returncode == 0, ok.stderr
    done = imbplus(settings, "authority", "fulfil", number, "--by", d.entering_name)
    assert done.returncode == 0 and "fulfilled" in done.stdout, done.stderr
    listed = imbplus(settings, "authority", "list", "--by", d.deciding_name)
    assert "RSD-5/26" in listed.stdout and "fulfilled" in listed.stdout
    past = imbplus(
        settings, "authority", "add", "--by", d.entering_name, "--authority", POLICE,
        "--reference", "RSD-6/26", "--legal-basis", BASIS, "--received", "2026-11-01",
        "--customer", customer, "--category", "address", "--bar-until", "2020-01-01",
    )  # fmt: skip
    assert past.returncode == 2 and "bar_until" in past.stderr
    assert line.startswith("error: ")
