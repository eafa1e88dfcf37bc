"""The subscriber's whole journey in Debian's Chromium, in Polish and in English: browse the
offer, decide on cookies, register and confirm by e-mail, order a box and a package and pay
with a sandbox card, the parcel is delivered, set the PIN, open the invoice, see who saw
the data, answer a survey. Every page is checked for text of the other language (the checks
of tests/i18n) and photographed at a phone's and a desktop's width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from imbplus.portal import mail
from imbplus.privacy.catalog import Purpose
from imbplus.surveys import invitations
from tests.browser.conftest import Live
from tests.i18n.test_pages_one_language import problems_with
from tests.support.factories import PASSWORD, api_headers, make_staff
from tests.support.shop import setup_shop
from tests.support.surveys import make_survey

pytestmark = pytest.mark.browser

JOURNEYS = Path(__file__).resolve().parents[1] / "artifacts" / "journeys"
WIDTHS = (390, 1280)
# what each step must show, per language
SAYS = {
    "pl": {
        "saved_pin": "Dekoder pobierze zmiany",
        "delivered": "doręczona",
        "shipping": "dział wysyłek",
        "invoice": "Faktura",
        "thanks": "Dziękujemy",
    },
    "en": {
        "saved_pin": "Your box picks up the change",
        "delivered": "delivered",
        "shipping": "shipping department",
        "invoice": "Faktura",  # a Polish VAT invoice, in Polish, its page says lang="pl"
        "thanks": "Thank you",
    },
}


class Journey:
    """One subscriber's walk: each step is checked and photographed at both widths."""

    def __init__(self, page: Any, live: Live, lang: str) -> None:
        self.page, self.live, self.lang = page, live, lang
        self.prefix = "" if lang == "pl" else "/en"
        self.step = 0
        self.problems: list[str] = []

    def go(self, path: str) -> None:
        self.page.goto(f"{self.live.url}{self.prefix}{path}")

    def seen(self, name: str) -> str:
        """Check the page in view and save it at a phone's and a desktop's width."""
        self.step += 1
        html: str = self.page.content()
        self.problems += problems_with(self.lang, f"{self.lang} {name}", html)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            shot = JOURNEYS / f"{self.lang}-{self.step:02d}-{name}-{width}.png"
            self.page.screenshot(path=str(shot), full_page=True)
        return html


def _register(j: Journey, email: str) -> None:
    j.go("/portal/register")
    page = j.page
    for name, value in (
        ("name", "Zofia Podróżna"),
        ("email", email),
        ("phone", "+48 512 345 679"),
        ("street", "ul. Kwiatowa 3"),
        ("postal_code", "30-001"),
        ("city", "Kraków"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ):
        page.fill(f"form input[name={name}]", value)
    j.seen("register")
    page.click("form[action$='/portal/register'] button[type=submit]")
    j.seen("register-sent")
    mail.deliver_due(j.live.rt)
    [message] = j.live.mailbox.to(email)
    page.goto(j.live.mailbox.link(message))
    j.seen("confirm")
    page.click("form button[type=submit]")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/portal/login'] button[type=submit]")
    page.wait_for_url(f"**{j.prefix}/portal")
    j.seen("portal")


def _order(j: Journey) -> None:
    j.go("/portal/shop")
    page = j.page
    page.check("input[name=stb][value=stb-4k-x2]")
    page.check("input[name=package][value=pkg-family]")
    for name, value in (
        ("card_number", "4242 4242 4242 4242"),
        ("exp_month", "12"),
        ("exp_year", "2030"),
        ("cvv", "902"),
    ):
        page.fill(f"input[name={name}]", value)
    j.seen("shop")
    page.click("form[action$='/portal/shop'] button[type=submit]")
    page.wait_for_url("**/portal/orders?placed=1")
    j.seen("paid")


def _deliver(j: Journey, email: str) -> None:
    _, token = make_staff(j.live.rt, "shipping")
    api = httpx.Client(base_url=j.live.url, headers=api_headers(token, "shipment_contact"))
    mine = [s for s in api.get("/api/v1/shipments").json() if s["status"] == "created"]
    assert len(mine) == 1, mine
    for status in ("handed_over", "in_transit", "delivered"):
        moved = api.post(f"/api/v1/shipments/{mine[0]['id']}/status", json={"status": status})
        assert moved.status_code == 200, moved.text
    read = api.get(f"/api/v1/shipments/{mine[0]['id']}")  # a staff read the customer sees
    assert read.status_code == 200


def _survey(j: Journey, survey_id: str) -> None:
    with j.live.rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx:
        invitations.invite(ctx, survey_id, "portal")
    j.go("/portal")
    j.page.click(".survey-invitation a")
    j.seen("survey")
    j.page.check("form.survey input[type=radio] >> nth=0")
    j.page.click("form.survey button[type=submit]")


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_subscriber_journey_speaks_one_language_at_both_widths(
    live: Live, chromium: Any, lang: str
) -> None:
    JOURNEYS.mkdir(parents=True, exist_ok=True)
    setup_shop(live.rt)
    survey = make_survey(
        live.rt,
        [{"kind": "single_choice", "prompt": "Jak oceniasz IMB+?", "options": ["Dobrze", "Źle"]}],
        title=f"Ankieta {lang}",
    )
    says = SAYS[lang]
    email = f"zofia.{lang}@example.org"
    context = chromium.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    j = Journey(context.new_page(), live, lang)
    try:
        j.go("/")
        j.seen("home")
        j.page.click(".cookie-banner button[value=accept_all]")
        j.go("/offer")
        assert "cookie-banner" not in j.seen("offer")
        j.go("/offer/pkg-family/channels")
        j.seen("channels")
        _register(j, email)
        _order(j)
        _deliver(j, email)
        j.go("/portal/stb")
        j.page.fill("input[name=pin]", "4826")
        j.page.click("form[action$='/portal/stb'] button[type=submit]")
        stb = j.seen("pin")
        assert says["saved_pin"] in stb and says["delivered"] in stb
        j.go("/portal/orders")
        j.page.click("a[href*='/portal/invoices/'] >> nth=0")
        invoice = j.seen("invoice")
        assert says["invoice"] in invoice and '<html lang="pl">' in invoice
        j.go("/portal/access-log")
        assert says["shipping"] in j.seen("access-log")
        _survey(j, survey.id)
        assert says["thanks"] in j.seen("survey-sent")
    finally:
        context.close()
    assert not j.problems, j.problems
