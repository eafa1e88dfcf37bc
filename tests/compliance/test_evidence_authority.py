"""P07: the live check of what authorities received turns red on each broken invariant: a
request approved by the one who entered it, with no legal basis, never approved, a bundle
whose file changed or went missing, data outside the approved scope, a request fulfilled
without its disclosure on the register."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, update

from imbplus.privacy.authority_requests import AuthorityRequest, AuthorityRequestSubject
from imbplus.runtime import Runtime
from tests.support.authority import desk
from tests.support.evidence import check
from tests.support.factories import make_customer

AUTHORITIES = "Authorities received data only on a recorded, approved legal basis"
SEEN = "Every use of a customer's data by staff or processors shows in their log"
DECIDED = "Personal data left only to registered recipients, each time decided by the gate"


@pytest.fixture
def fulfilled(rt: Runtime) -> AuthorityRequest:
    return desk(rt).fulfilled([make_customer(rt).id, make_customer(rt).id])


def _set(rt: Runtime, row: AuthorityRequest, **values: Any) -> None:
    with rt.sessions() as s:
        s.execute(update(AuthorityRequest).where(AuthorityRequest.id == row.id).values(**values))
        s.commit()


def _bundle(rt: Runtime, row: AuthorityRequest) -> Path:
    return Path(rt.settings.data_dir) / "authority" / str(row.bundle_name)


def test_p07_check_passes_on_a_fulfilled_request_and_waits_without_one(rt: Runtime) -> None:
    assert check(rt, AUTHORITIES)["status"] == "not_exercised"
    desk(rt).fulfilled([make_customer(rt).id])
    result = check(rt, AUTHORITIES)
    assert result["status"] == "pass", result["detail"]
    assert result["figures"]["disclosures"] == 1
    # the hand-over's decision names each person (B02) and counts as the gate's (P01)
    assert check(rt, SEEN)["status"] == "pass", check(rt, SEEN)["detail"]
    assert check(rt, DECIDED)["status"] == "pass", check(rt, DECIDED)["detail"]


def _drop_subject(rt: Runtime, row: AuthorityRequest) -> None:
    with rt.sessions() as s:
        s.execute(
            delete(AuthorityRequestSubject).where(AuthorityRequestSubject.request_id == row.id)
        )
        s.commit()


BREAKS: dict[str, tuple[Callable[[Runtime, AuthorityRequest], None], str]] = {
    "self_approved": (
        lambda rt, row: _set(rt, row, decided_by=row.entered_by),
        "approved by the person who entered it",
    ),
    "no_basis": (lambda rt, row: _set(rt, row, legal_basis=" "), "no legal basis"),
    "never_approved": (
        lambda rt, row: _set(rt, row, status="received", decided_at=None),
        "never approved",
    ),
    "file_changed": (
        lambda rt, row: _bundle(rt, row).write_bytes(_bundle(rt, row).read_bytes() + b"x"),
        "SHA-256",
    ),
    "file_missing": (lambda rt, row: _bundle(rt, row).unlink(), "file is missing"),
    "categories_beyond": (
        lambda rt, row: _set(rt, row, categories="identity"),
        "categories outside the approved scope",
    ),
    "people_beyond": (_drop_subject, "people outside the approved scope"),
    "unlinked": (lambda rt, row: _set(rt, row, disclosure_id=None), "no request on the register"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_p07_check_turns_red_on_each_broken_invariant(
    rt: Runtime, fulfilled: AuthorityRequest, name: str
) -> None:
    assert check(rt, AUTHORITIES)["status"] == "pass"
    breaking, expected = BREAKS[name]
    breaking(rt, fulfilled)
    result = check(rt, AUTHORITIES)
    assert result["status"] == "fail" and expected in result["detail"], result["detail"]


def test_p07_a_request_marked_fulfilled_without_a_disclosure_is_named(
    rt: Runtime, fulfilled: AuthorityRequest
) -> None:
    _set(rt, fulfilled, disclosure_id=fulfilled.disclosure_id + 1000)  # type: ignore[operator]
    result = check(rt, AUTHORITIES)
    assert result["status"] == "fail"
    assert f"request {fulfilled.id} fulfilled, not on the disclosure register" in result["detail"]
