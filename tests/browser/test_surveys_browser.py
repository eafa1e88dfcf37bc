"""In a real browser: a survey built in the console, answered in the portal, and a
customer who opted out never invited (P19); the traffic page from masked addresses (P21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from imbplus.notify.models import OutboxMessage
from imbplus.portal import mail
from imbplus.surveys.models import Invitation
from tests.browser.conftest import Live
from tests.browser.test_portal_browser import console_login, portal_login
from tests.support.factories import make_staff, make_subscriber

pytestmark = pytest.mark.browser


def test_p19_survey_answered_and_opted_out_customer_never_invited(
    context: BrowserContext, live: Live, artifacts: Path
) -> None:
    answers, leaves = make_subscriber(live.rt), make_subscriber(live.rt)
    browser = context.browser
    assert browser is not None

    # one customer opts out, for good
    leaver = browser.new_context(locale="pl-PL")
    page = leaver.new_page()
    portal_login(page, live, leaves.email)
    page.get_by_role("link", name="Ankiety").first.click()
    page.get_by_label("Rozumiem, rezygnuję z ankiet na zawsze").check()
    page.get_by_role("button", name="Zrezygnuj z ankiet").click()
    expect(page.locator("#opted-out")).to_contain_text("Zrezygnowałeś")
    page.screenshot(path=artifacts / "portal-surveys-opted-out.png", full_page=True)

    # marketing builds, opens and sends out a survey
    staff, _ = make_staff(live.rt, "marketing")
    console = context.new_page()
    console_login(console, live, staff.username, "market_research")
    console.goto(f"{live.url}/console/surveys")
    console.get_by_label("Title").fill("Jak oceniasz naszą telewizję?")
    console.get_by_label("Who answers").select_option("customers")
    console.get_by_role("button", name="Create").click()
    console.get_by_label("Type").select_option("single_choice")
    console.get_by_label("Question", exact=True).fill("Ogólna ocena")
    console.get_by_label("Options, one per line").fill("Bardzo dobrze\nDobrze\nSłabo")
    console.get_by_label("An answer is required").check()
    console.get_by_role("button", name="Add").click()
    console.get_by_label("Type").select_option("postal_code")
    console.get_by_label("Question", exact=True).fill("Twój kod pocztowy")
    console.get_by_role("button", name="Add").click()
    console.get_by_role("button", name="Open for answers").click()
    console.get_by_role("button", name="Invite in the portal").click()
    expect(console.get_by_role("status")).to_contain_text("Invited")
    console.get_by_role("button", name="Invite by e-mail").click()
    expect(console.get_by_role("status")).to_contain_text("by e-mail")
    console.screenshot(path=artifacts / "console-survey.png", full_page=True)

    # the other customer sees the invitation and answers
    answerer = browser.new_context(locale="pl-PL")
    page = answerer.new_page()
    portal_login(page, live, answers.email)
    page.locator(".survey-invitation a").click()
    page.get_by_label("Dobrze", exact=True).check()
    page.locator("input[autocomplete=postal-code]").fill("31-042")
    page.screenshot(path=artifacts / "portal-survey-answer.png", full_page=True)
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("status")).to_contain_text("Dziękujemy")

    # the customer who opted out was never invited, by any path
    page = leaver.new_page()
    page.goto(f"{live.url}/portal")
    expect(page.locator(".survey-invitation")).to_have_count(0)
    mail.deliver_due(live.rt)
    assert live.mailbox.to(leaves.email) == []
    assert len(live.mailbox.to(answers.email)) == 1
    with live.rt.sessions() as s:
        invited = set(s.execute(select(Invitation.customer_id)).scalars())
        mailed = set(s.execute(select(OutboxMessage.customer_id)).scalars())
    assert leaves.id not in invited and leaves.id not in mailed
    assert answers.id in invited and answers.id in mailed

    # results: one answer is below the threshold, so nothing is shown
    console.get_by_role("link", name="results").click()
    expect(console.get_by_text("Fewer than 10 responses so far")).to_be_visible()
    console.screenshot(path=artifacts / "console-survey-results.png", full_page=True)
    leaver.close()
    answerer.close()


def test_p21_traffic_page_from_masked_addresses(
    context: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = context.new_page()
    for path in ("/portal/login", "/en/portal/login", "/portal/register", "/nope"):
        page.goto(f"{live.url}{path}")
    staff, _ = make_staff(live.rt, "analyst")
    console_login(page, live, staff.username, "traffic_statistics")
    page.wait_for_timeout(600)  # the server writes its request log every 0.3 s
    page.goto(f"{live.url}/console/traffic")
    expect(page.get_by_role("heading", level=1)).to_have_text("Web traffic")
    expect(page.locator("body")).to_contain_text("127.0.0.0/24")
    expect(page.locator("svg rect").first).to_be_attached()
    assert "127.0.0.1" not in page.content()
    page.screenshot(path=artifacts / "console-traffic.png", full_page=True)
