"""The public site as a visitor sees it: Debian's Chromium against `imbplus serve`.

P16 (anonymous browsing), P17 (external links), P18 (cookies only after consent, rejection
deletes them, the site works with everything rejected), P22 (a new policy version shows on
the policy page and asks for consent again). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.demo.policy import load as load_policy
from imbplus.notify.senders import SmtpSender
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.site import consent, mail, policy
from imbplus.site.models import ConsentRecord, Feedback, PrivacyInquiry
from tests.support.cli import imbplus
from tests.support.console import browser_login
from tests.support.factories import PASSWORD, make_staff, make_subscriber
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    ("/", "home-pl"),
    ("/en/", "home-en"),
    ("/offer", "offer-pl"),
    ("/help", "help-pl"),
    ("/en/help", "help-en"),
    ("/privacy", "privacy-pl"),
    ("/en/privacy", "privacy-en"),
    ("/privacy/versions/2/changes", "privacy-changes-pl"),
    ("/cookies", "cookies-pl"),
    ("/en/cookies", "cookies-en"),
    ("/contact", "contact-pl"),
    ("/feedback", "feedback-pl"),
    ("/en/feedback", "feedback-en"),
]


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
    yield context.new_page()
    context.close()


def cookies(page: Page) -> dict[str, dict[str, object]]:
    return {str(c["name"]): dict(c) for c in page.context.cookies()}


def test_p16_p18_public_pages_set_no_cookie_before_consent(
    live: str, rt: Runtime, page: Page, artifacts: Path
) -> None:
    load_policy(rt)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    for path, name in PUBLIC_PAGES:
        response = page.goto(live + path)
        assert response is not None and response.status == 200, path
        assert page.locator(".cookie-banner").is_visible() or path.endswith("/cookies")
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        assert cookies(page) == {}, f"a cookie after {path}"
    for path, name in (("/nie-ma-takiej-strony", "404-pl"), ("/en/no-such-page", "404-en")):
        response = page.goto(live + path)
        assert response is not None and response.status == 404
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert cookies(page) == {}
    # P16/P12: nothing is fetched from anyone else (no CDN, fonts or third-party scripts)
    assert requested and all(url.startswith(live) for url in requested)
    # P17: the help page's links to other sites are marked and open safely
    page.goto(live + "/help")
    external = page.locator("a.external")
    assert external.count() >= 3
    for i in range(external.count()):
        link = external.nth(i)
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert not (link.get_attribute("href") or "").startswith(live)
    assert "nie oznacza to, że polecamy te strony" in page.inner_text("main")


def test_p18_accept_all_then_language_and_statistics_cookies(
    live: str, rt: Runtime, page: Page, artifacts: Path
) -> None:
    load_policy(rt)
    page.goto(live + "/en/offer")
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_url(live + "/en/offer")
    jar = cookies(page)
    assert set(jar) == {"imb_consent", "imb_lang", "imb_stats"}
    for cookie in jar.values():
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert jar["imb_lang"]["value"] == "en"
    assert jar["imb_stats"]["value"] == clock.now().strftime("%Y%m%d")
    assert page.locator(".cookie-banner").count() == 0
    # the remembered language: an address without a prefix opens in English
    page.goto(live + "/help")
    assert page.url == live + "/en/help"
    assert page.locator("html").get_attribute("lang") == "en"
    # choosing Polish explicitly updates the preference
    page.get_by_role("link", name="Polski").click()
    assert page.url == live + "/pl/help"
    assert cookies(page)["imb_lang"]["value"] == "pl"
    page.goto(live + "/cookies")
    page.screenshot(path=str(artifacts / "cookies-after-consent.png"), full_page=True)
    assert jar["imb_consent"]["value"] in page.inner_text("#choice")
    # the proof, as the DPO reads it (masked address, policy version in force)
    staff, _ = make_staff(rt, "dpo")
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(staff.id, ["dpo"]), Purpose.REGULATORY_COMPLIANCE)
        proof = consent.proofs(ctx, consent_id=str(jar["imb_consent"]["value"]))[0]
        in_force = policy.current(s, "imbplus", "en")
    assert in_force is not None
    assert (proof.action, proof.preferences, proof.statistics) == ("accept_all", True, True)
    assert proof.ip_masked == "127.0.0.0/24" and proof.policy_version == in_force.number


def test_p18_rejecting_deletes_cookies_and_the_site_still_works(
    live: str, rt: Runtime, page: Page, artifacts: Path
) -> None:
    load_policy(rt)
    page.goto(live + "/en/")
    page.get_by_role("button", name="Accept all").click()
    assert set(cookies(page)) == {"imb_consent", "imb_lang", "imb_stats"}
    # changing one's mind: one click from the footer, one to withdraw
    page.get_by_role("link", name="Cookie settings").click()
    page.get_by_role("button", name="Withdraw consent (necessary only)").click()
    assert set(cookies(page)) == {"imb_consent"}
    assert "Your choice is saved." in page.inner_text("#choice")

    # everything rejected: every page, the language switch and both forms still work
    for path, _name in PUBLIC_PAGES:
        response = page.goto(live + path)
        assert response is not None and response.status == 200, path
        assert page.locator(".cookie-banner").count() == 0
    page.goto(live + "/help")
    assert page.locator("html").get_attribute("lang") == "pl"  # no remembered language
    page.get_by_role("link", name="English").click()
    assert page.url == live + "/en/help"

    page.goto(live + "/contact")
    page.fill("input[name=name]", "Ewa <b>Kowal</b>")
    page.fill("input[name=email]", "ewa.kowal@example.pl")
    page.select_option("select[name=topic]", "my_data")
    page.fill("textarea[name=message]", "Jakie dane o mnie przechowujecie? <script>x</script>")
    page.get_by_role("button", name="Wyślij pytanie").click()
    assert "Numer sprawy: PRV-" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "contact-sent.png"), full_page=True)

    page.goto(live + "/feedback")
    notice = page.locator("#nonconfidential")
    assert "nie są poufne" in notice.inner_text()
    # the notice comes before the form's send button
    notice_box = notice.bounding_box()
    send_box = page.get_by_role("button", name="Wyślij uwagę").bounding_box()
    assert notice_box is not None and send_box is not None
    assert notice_box["y"] < send_box["y"]
    page.select_option("select[name=topic]", "site")
    page.fill("textarea[name=message]", "Przydałby się tryb ciemny na stronie.")
    page.check("input[name=understood]")
    page.get_by_role("button", name="Wyślij uwagę").click()
    assert "Dziękujemy" in page.inner_text("main")
    assert set(cookies(page)) == {"imb_consent"}
    with rt.unit_of_work() as s:
        assert s.execute(select(func.count()).select_from(PrivacyInquiry)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(Feedback)).scalar_one() == 1
        decisions = s.execute(select(ConsentRecord).order_by(ConsentRecord.decided_at)).scalars()
        actions = [(r.action, r.preferences, r.statistics) for r in decisions]
    assert actions == [("accept_all", True, True), ("reject_all", False, False)]


def test_p22_new_policy_version_shows_and_asks_again(
    live: str, rt: Runtime, settings: Settings, page: Page, artifacts: Path, tmp_path: Path
) -> None:
    load_policy(rt)
    me = make_subscriber(rt)
    page.goto(live + "/")
    page.get_by_role("button", name="Akceptuję wszystkie").click()
    assert "imb_stats" in cookies(page)

    policy_text = tmp_path / "policy-3.pl.md"
    policy_text.write_text(
        "# Polityka prywatności IMB+\n\n## Nowość\n\nDodaliśmy zasady dla ankiet (P19).\n",
        encoding="utf-8",
    )
    today = date.fromtimestamp(clock.time()).isoformat()
    result = imbplus(
        settings,
        "policy",
        "publish",
        str(policy_text),
        "--lang",
        "pl",
        "--effective",
        today,
        "--changes",
        "Nowe zasady dla ankiet.",
    )
    assert result.returncode == 0, result.stderr
    assert "published imbplus/pl version 3" in result.stdout

    page.goto(live + "/privacy")
    main = page.inner_text("main")
    assert "Wersja 3" in main and "Dodaliśmy zasady dla ankiet." in main
    assert "(P19)" not in main  # clause ids are for staff, not for readers
    assert "Nowe zasady dla ankiet." in main  # the change log
    # consent is asked again, and the statistics cookie of the old consent is gone
    banner = page.locator(".cookie-banner")
    assert banner.is_visible() and "Zmieniła się nasza polityka prywatności" in banner.inner_text()
    assert set(cookies(page)) == {"imb_consent"}
    page.screenshot(path=str(artifacts / "privacy-new-version.png"), full_page=True)
    page.locator(".versions").get_by_role("link", name="Co się zmieniło").first.click()
    assert page.url.endswith("/privacy/versions/3/changes")
    assert page.locator("ins.diff-line", has_text="Dodaliśmy zasady dla ankiet").count() == 1
    assert page.locator("del.diff-line").count() > 5
    page.screenshot(path=str(artifacts / "privacy-diff.png"), full_page=True)

    # a subscriber is told on their next visit to the portal, until they dismiss it
    page.goto(live + "/portal/login")
    page.fill("input[name=email]", me.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    notice = page.locator(".policy-notice")
    assert notice.is_visible() and "wersję 3" in notice.inner_text()
    page.screenshot(path=str(artifacts / "portal-policy-notice.png"), full_page=True)
    notice.get_by_role("button", name="Rozumiem").click()
    assert page.locator(".policy-notice").count() == 0
    page.reload()
    assert page.locator(".policy-notice").count() == 0


def test_p22_p23_the_dpo_answers_and_publishes_in_the_console(
    live: str, rt: Runtime, page: Page, artifacts: Path, mail_server: SmtpServer
) -> None:
    load_policy(rt)
    page.goto(live + "/en/contact")
    page.fill("input[name=email]", "olga.nowak@example.pl")
    page.select_option("select[name=topic]", "rights")
    page.fill("textarea[name=message]", "Please tell me which data you keep about me.")
    page.get_by_role("button", name="Send the question").click()
    reference = page.inner_text("main").split("Reference: ")[1].split(".")[0]

    dpo, _ = make_staff(rt, "dpo")
    browser_login(page, live, rt, dpo.username, "/en")  # password, then the code (P12)
    page.locator("input[name=purpose][value=data_subject_request]").check()  # why, first
    page.locator("form.purposes button[type=submit]").click()
    page.get_by_role("link", name="Privacy inbox").click()
    page.screenshot(path=str(artifacts / "console-privacy-inbox.png"), full_page=True)
    page.get_by_role("link", name=reference).click()
    assert "olga.nowak@example.pl" in page.inner_text("main")
    page.fill("textarea[name=answer]", "We keep your name, address and e-mail.")
    page.get_by_role("button", name="Send the answer").click()
    assert "answered" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "console-privacy-question.png"), full_page=True)
    sender = SmtpSender(rt.settings.model_copy(update={"smtp_port": mail_server.port}))
    assert mail.deliver(rt, sender).sent == 1
    assert "We keep your name" in mail_server.mailbox.to("olga.nowak@example.pl")[0].get_content()

    page.goto(live + "/en/console")  # publishing the policy is work under another purpose
    page.locator("input[name=purpose][value=regulatory_compliance]").check()
    page.locator("form.purposes button[type=submit]").click()
    page.get_by_role("link", name="Policy").click()
    page.select_option("select[name=lang]", "en")
    page.fill("textarea[name=changes]", "A paragraph on surveys.")
    page.fill(
        "textarea[name=text]",
        "# IMB+ privacy policy\n\n## Surveys\n\nYou may opt out of surveys for good (P19).\n",
    )
    page.get_by_role("checkbox").uncheck()
    page.screenshot(path=str(artifacts / "console-policy.png"), full_page=True)
    page.get_by_role("button", name="Publish").click()
    assert "Published en-3" in page.inner_text("main")
    page.goto(live + "/en/privacy")
    assert "Version 3" in page.inner_text("main")
    assert "You may opt out of surveys for good." in page.inner_text("main")
