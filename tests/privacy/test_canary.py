"""P05 canary scan: the canary planted through the services is nowhere in plain text, and
realistic leaks of its values make the check fail, naming the store and the kind of value
but never the value."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from imbplus.compliance import canary, evidence
from imbplus.compliance.evidence_canary import TITLE
from imbplus.runtime import Runtime
from tests.support.factories import make_customer
from tests.support.shop import setup_shop


def _canary_check(rt: Runtime, *, whole_report: bool = False) -> dict:
    """This check's result, by its title: in a whole evidence run, or run alone."""
    if whole_report:
        report = evidence.run_all(rt)
        (check,) = [c for c in report["checks"] if c["title"] == TITLE]
        return check
    (found,) = [c for c in evidence.checks() if c.title == TITLE]
    outcome = found.run(rt)
    status = "not_exercised" if not outcome.exercised else "pass" if outcome.passed else "fail"
    return {
        "title": found.title,
        "status": status,
        "detail": outcome.detail,
        "figures": outcome.figures,
    }


def _assert_no_value(report_text: str) -> None:
    """No form of any canary value (the kind's name only, never the value)."""
    data = report_text.encode("utf-8")
    for needle in canary.needles():
        assert needle.value not in data, needle.kind


@pytest.fixture
def planted(rt: Runtime) -> str:
    make_customer(rt)
    setup_shop(rt)
    result = canary.plant(rt)
    assert result.skipped == []
    return result.customer_id


def test_p05_no_canary_is_not_exercised(rt: Runtime) -> None:
    make_customer(rt)
    check = _canary_check(rt)
    assert check["status"] == "not_exercised" and "imbplus canary plant" in check["detail"]


def test_p05_the_planted_canary_is_nowhere_in_plain_text(rt: Runtime, planted: str) -> None:
    from imbplus.shipping.models import Shipment
    from imbplus.shop.models import Order
    from imbplus.site.models import Feedback
    from imbplus.traffic.models import FullRequest

    with rt.sessions() as s:
        assert s.query(Order).filter_by(customer_id=planted).count() == 1
        assert s.query(Shipment).filter_by(customer_id=planted).count() == 1
        assert s.query(Feedback).count() == 1
        assert s.query(FullRequest).count() >= 1
    again = canary.plant(rt)  # idempotent
    assert again.customer_id == planted and again.done == [] and again.skipped == []
    check = _canary_check(rt, whole_report=True)
    assert check["status"] == "pass", check["detail"]
    figures = check["figures"]
    assert figures["rows_scanned"] > 0 and figures["tables_scanned"] > 10
    assert figures["bytes_scanned"] > 0 and figures["files_scanned"] >= 1
    assert figures["error_pages_asked"] >= 5


def _fails_naming(rt: Runtime, store: str, kind: str) -> dict:
    check = _canary_check(rt)
    assert check["status"] == "fail", check["detail"]
    assert store in check["detail"] and kind in check["detail"], check["detail"]
    _assert_no_value(json.dumps(check, ensure_ascii=False))
    return check


def test_p05_a_phone_in_a_plain_column_fails(rt: Runtime, planted: str) -> None:
    with rt.engine.begin() as conn:  # a plain column (the order's placed_by) gets the phone
        conn.execute(
            text("UPDATE orders SET placed_by = :v WHERE customer_id = :c"),
            {"v": canary.PHONE_E164, "c": planted},
        )
    _fails_naming(rt, "database table orders", "phone")


def test_p05_an_email_in_a_log_file_fails(rt: Runtime, planted: str) -> None:
    logs = rt.settings.data_dir / "logs"
    logs.mkdir()
    (logs / "imbplus.log").write_text(
        f"2026-11-15 12:00:00 INFO portal login ok for {canary.EMAIL}\n", encoding="utf-8"
    )
    _fails_naming(rt, "log file (logs/imbplus.log)", "e-mail")


def test_p05_a_card_number_in_a_backup_fails(rt: Runtime, planted: str) -> None:
    backups = rt.settings.backup_root
    backups.mkdir(parents=True, exist_ok=True)
    (backups / "orders-export.csv").write_text(f"order,card\n1,{canary.CARD_DIGITS}\n")
    _fails_naming(rt, "backup (backups/orders-export.csv)", "card number")


def test_p05_a_pdf_with_the_name_fails(rt: Runtime, planted: str) -> None:
    from imbplus.shipping.labels import LabelData, render_pdf

    pdf = render_pdf(
        LabelData(
            parcel_id="IMB0000000001",
            name=canary.NAME,
            street=canary.STREET,
            postal_code=canary.POSTAL_CODE,
            city=canary.CITY,
        )
    )
    (rt.settings.data_dir / "labels").mkdir()
    (rt.settings.data_dir / "labels" / "parcel.pdf").write_bytes(pdf)
    check = _canary_check(rt)
    assert check["status"] == "fail", check["detail"]
    assert "PDF (labels/parcel.pdf)" in check["detail"]
    assert "name" in check["detail"] or "address" in check["detail"]


def test_p05_the_check_never_prints_a_value(
    rt: Runtime, planted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # a file named after the canary, holding every kind of value
    leak = rt.settings.data_dir / f"{canary.NAME}.txt"
    leak.write_text(
        " ".join([canary.NAME, canary.EMAIL, canary.PHONE, canary.STREET, canary.CARD, canary.IP])
    )
    check = _canary_check(rt, whole_report=True)
    assert check["status"] == "fail"
    for kind in canary.KINDS:
        assert kind in check["detail"]
    assert "<a name holding a canary value>" in check["detail"]
    _assert_no_value(json.dumps(check, ensure_ascii=False))
    _assert_no_value(json.dumps(check))
    printed = capsys.readouterr()
    _assert_no_value(printed.out + printed.err)


def test_p05_a_value_in_an_api_path_stays_out_of_the_request_log(rt: Runtime, planted: str) -> None:
    from urllib.parse import quote

    from imbplus.app import create_app

    with TestClient(create_app(runtime=rt), raise_server_exceptions=False) as web:
        assert web.get(f"/api/v1/customers/{quote(canary.EMAIL)}").status_code == 401
    check = _canary_check(rt)  # route shapes keep the application's own words only
    assert check["status"] == "pass", check["detail"]


def test_p05_an_error_page_shows_no_value_from_the_path_asked_for(rt: Runtime) -> None:
    from starlette.testclient import TestClient

    from imbplus.app import create_app

    with TestClient(create_app(runtime=rt), base_url="https://127.0.0.1") as web:
        answer = web.get(
            "/jan.kowalski%40example.com/4000051703059175", headers={"accept": "text/html"}
        )
        english = web.get("/en/no-such-page-4000051703059175", headers={"accept": "text/html"})
    assert answer.status_code == english.status_code == 404
    assert b"kowalski" not in answer.content and b"4000051703059175" not in answer.content
    assert 'href="/en/"' in answer.text  # the language link leads home
    assert b"4000051703059175" not in english.content and 'href="/pl/"' in english.text
