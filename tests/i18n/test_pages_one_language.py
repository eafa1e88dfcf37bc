"""Every public and portal page, and every form with its refusals, in Polish and English:
a Polish page shows no text that only the English catalogue has (and the other way round),
no catalogue key (a text missing from the catalogue) and no field path from the code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from httpx import Response

from imbplus.runtime import Runtime
from imbplus.web import i18n
from tests.portal.test_pages import portal_login
from tests.support.console import csrf_of
from tests.support.factories import make_device, make_subscriber
from tests.support.shop import setup_shop
from tests.support.site import token_of
from tests.support.surveys import field_names, make_survey, option_ids

PUBLIC = (
    "/",
    "/offer",
    "/offer/pkg-sport/channels",
    "/help",
    "/cookies",
    "/privacy",
    "/contact",
    "/feedback",
)
PORTAL = (
    "/portal",
    "/portal/account",
    "/portal/stb",
    "/portal/shop",
    "/portal/orders",
    "/portal/surveys",
    "/portal/access-log",
)
SIGN_IN = ("/portal/login", "/portal/register", "/portal/reset")
WORD = re.compile(r"[^\W\d_]{4,}")
# a dotted name as code writes it: `card.exp_year`, `portal.login.title`
CODE_PATH = re.compile(r"(?<![\w@/.-])[a-z][a-z0-9_]*(?:\.[a-z0-9_<>+-]+)+(?![\w@/-])")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# words both languages write alike (product names, terms); not a sign of the other language
SHARED = {"hdmi", "sport", "news", "internet", "bank", "premium", "start", "film", "mastercard"}


class _Text(HTMLParser):
    """The text a person reads in the page's language: text nodes outside script and style
    and outside an element marked as another language (`lang="pl"` around a quoted Polish
    invoice line, `lang="en"` on the language switch)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.parts: list[str] = []
        self._open: list[bool] = []  # per open element: is its text skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        other = dict(attrs).get("lang") not in (None, self.lang)
        self._open.append(tag in ("script", "style") or other or any(self._open[-1:]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not any(self._open[-1:]):
            self.parts.append(data)


def visible(page: str, lang: str = "pl") -> str:
    parser = _Text(lang)
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def _words(lang: str) -> set[str]:
    with i18n.catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po)
    words: set[str] = set()
    for message in catalogue:
        texts = [message.string] if isinstance(message.string, str) else message.string
        for text in texts:
            words |= {w.lower() for w in WORD.findall(re.sub(r"\{\w+\}", " ", text or ""))}
    return words


def _namespaces() -> set[str]:
    keys = i18n.catalogue("pl").keys | i18n.catalogue("en").keys
    return {key.split(".", 1)[0] for key in keys} | {"card", "body", "field", "problem"}


ONLY = {"pl": _words("en") - _words("pl") - SHARED, "en": _words("pl") - _words("en") - SHARED}
NAMESPACES = _namespaces()


def problems_with(lang: str, where: str, page: str) -> list[str]:
    """What a person should not see on a page in `lang`."""
    text = visible(page, lang)
    # a token with "_" is a name from the code (a cookie's, shown on purpose in <code>)
    words = [w for token in text.split() if "_" not in token for w in WORD.findall(token)]
    found = [f"{where}: {lang} page shows {w!r}" for w in words if w.lower() in ONLY[lang]]
    for path in CODE_PATH.findall(text):
        if path.split(".", 1)[0] in NAMESPACES or "_" in path:
            found.append(f"{where}: shows the code name {path!r}")
    return found


@pytest.fixture
def subscriber(client: TestClient, rt: Runtime) -> Iterator[str]:
    """A logged-in subscriber with a box, an order and a survey invitation: the e-mail."""
    setup_shop(rt)
    me = make_subscriber(rt)
    make_device(rt, me.id)
    make_survey(rt)
    yield me.email


def _page_checks(client: TestClient, prefix: str, lang: str, paths: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        page = client.get(prefix + path)
        assert page.status_code == 200, (prefix + path, page.status_code)
        assert f'lang="{lang}"' in page.text
        found += problems_with(lang, prefix + path, page.text)
    return found


@pytest.mark.parametrize(("prefix", "lang"), [("", "pl"), ("/en", "en")])
def test_public_and_sign_in_pages_speak_one_language(
    client: TestClient, rt: Runtime, prefix: str, lang: str
) -> None:
    preview = _page_checks(client, prefix, lang, ("/", "/offer"))  # example offer, no shop
    setup_shop(rt)
    found = preview + _page_checks(client, prefix, lang, PUBLIC + SIGN_IN)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("prefix", "lang"), [("", "pl"), ("/en", "en")])
def test_portal_pages_speak_one_language(
    client: TestClient, rt: Runtime, subscriber: str, prefix: str, lang: str
) -> None:
    portal_login(client, subscriber, prefix=prefix)
    order = _post_form(client, f"{prefix}/portal/shop", _order())
    assert order.status_code == 303
    found = _page_checks(client, prefix, lang, PORTAL)
    assert found == [], "\n".join(found)


def _order(**fields: str) -> dict[str, str]:
    return {
        "stb": "stb-4k-x2",
        "package": "pkg-family",
        "card_number": "4242 4242 4242 4242",
        "exp_month": "12",
        "exp_year": "2030",
        "cvv": "902",
        **fields,
    }


def _post_form(
    client: TestClient, path: str, data: dict[str, str], page_path: str | None = None
) -> Response:
    """Post a portal form with its CSRF field and idempotency key as the page gives them."""
    page = client.get(page_path or path).text
    hidden = dict(re.findall(r'name="(csrf|key|token)" value="([^"]+)"', page))
    return client.post(path, data={**hidden, **data}, follow_redirects=False)


def _refusals(client: TestClient, rt: Runtime, prefix: str) -> Iterator[tuple[str, str]]:
    """(which form, the refused page) for forms refused on the rules they check."""
    post = _post_form
    weak = post(client, f"{prefix}/portal/stb", {"pin": "1111", "password": "short"})
    yield "stb", weak.text
    none = post(client, f"{prefix}/portal/stb", {})
    yield "stb (nothing)", none.text
    details = {
        "name": "Jan Nowak",
        "phone": "600 123 456",
        "street": "ul. Polna 1",
        "city": "Kraków",
    }
    account = post(client, f"{prefix}/portal/account", {**details, "postal_code": "00950"})
    yield "account", account.text
    password = {"current": "x" * 12, "password": "short", "password2": "other"}
    mismatch = post(
        client, f"{prefix}/portal/account/password", password, f"{prefix}/portal/account"
    )
    yield "password", mismatch.text
    expired = post(client, f"{prefix}/portal/shop", _order(exp_year="2020"))
    yield "shop", expired.text
    cvv = post(client, f"{prefix}/portal/shop", _order(cvv="1", card_number="4242"))
    yield "shop (card)", cvv.text
    survey = make_survey(rt, title="IMB+ 2026")
    names = field_names(rt, survey.id)
    answers = {
        names["single_choice"]: option_ids(rt, survey.id, "single_choice")[0] + "x",
        names["postal_code"]: "3104",
        names["age"]: "130",
        names["email"]: "nie-email",
    }
    refused = post(client, f"{prefix}/portal/surveys/{survey.id}", answers)
    yield "survey", refused.text


@pytest.mark.parametrize(("prefix", "lang"), [("", "pl"), ("/en", "en")])
def test_refused_forms_name_fields_by_label_in_the_page_s_language(
    client: TestClient, rt: Runtime, subscriber: str, prefix: str, lang: str
) -> None:
    portal_login(client, subscriber, prefix=prefix)
    found = []
    for where, page in _refusals(client, rt, prefix):
        assert 'class="error"' in page, where
        found += problems_with(lang, where, page)
    assert found == [], "\n".join(found)


def test_the_polish_forms_say_what_is_wrong(
    client: TestClient, rt: Runtime, subscriber: str
) -> None:
    portal_login(client, subscriber)
    pages = {where: visible(page) for where, page in _refusals(client, rt, "")}
    assert "PIN jest zbyt łatwy do odgadnięcia" in pages["stb"]
    assert "Podaj PIN, hasło albo oba." in pages["stb (nothing)"]
    assert "Kod pocztowy w formacie 00-950." in pages["account"]
    assert "Hasła się różnią" in pages["password"]
    assert "Rok ważności karty" in pages["shop"] and "card.exp_year" not in pages["shop"]
    assert "Podaj liczbę od 0 do 120." in pages["survey"] or "Podaj liczbę" in pages["survey"]


def test_public_forms_refuse_in_the_page_s_language(client: TestClient) -> None:
    for prefix, lang in (("", "pl"), ("/en", "en")):
        form = client.get(f"{prefix}/feedback")
        answer = client.post(
            f"{prefix}/feedback",
            data={"token": token_of(form, f"{prefix}/feedback"), "topic": "nope", "message": "x"},
        )
        assert answer.status_code == 422
        assert problems_with(lang, f"{prefix}/feedback", answer.text) == []
        sign_up = client.get(f"{prefix}/portal/register")
        refused = client.post(
            f"{prefix}/portal/register",
            data={
                "csrf": csrf_of(sign_up),
                "email": "nie-email",
                "password": "a",
                "password2": "b",
            },
        )
        assert refused.status_code == 422
        assert problems_with(lang, f"{prefix}/portal/register", refused.text) == []


def test_the_english_offer_and_shop_show_english_products_and_prices(
    client: TestClient, rt: Runtime, subscriber: str
) -> None:
    offer = visible(client.get("/en/offer").text, "en")
    assert "PLN 399.00" in offer.replace("\u00a0", " ") and "zł" not in offer
    assert "Dekoder" not in offer and "4K HDR set-top box" in offer
    portal_login(client, subscriber, prefix="/en")
    shop = visible(client.get("/en/portal/shop").text, "en").replace("\u00a0", " ")
    assert "Family package – PLN 69.99 / month" in shop and "kanałów" not in shop
    english, polish = (
        visible(client.get("/en/cookies").text, "en"),
        visible(client.get("/cookies").text),
    )
    assert "1 hours" not in english and re.search(r"\b1 hour\b", english)
    assert "1 godzina" in polish and "godz." not in polish
