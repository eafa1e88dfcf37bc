"""The cookie register (P18): every cookie the web application sets, declared in one place.

`web.pages.set_cookie` refuses a name that is not registered here, the consent middleware
drops a non-necessary cookie the visitor did not consent to, and the cookie page prints this
register. Adding a cookie therefore means describing it here first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CookieCategory(StrEnum):
    NECESSARY = "necessary"  # the site or a requested feature cannot work without it
    PREFERENCES = "preferences"  # remembers a choice (language)
    STATISTICS = "statistics"  # anonymous usage statistics


@dataclass(frozen=True)
class CookieSpec:
    name: str
    category: CookieCategory
    purpose_pl: str
    purpose_en: str
    max_age_s: int | None  # None: a session cookie, gone when the browser closes
    set_on: str  # where it appears, for the cookie page

    @property
    def persistent(self) -> bool:
        return self.max_age_s is not None

    def purpose(self, lang: str) -> str:
        return self.purpose_pl if lang == "pl" else self.purpose_en


CSRF = "imb_csrf"
STAFF_SESSION = "imb_staff"
CUSTOMER_SESSION = "imb_session"
CONSENT = "imb_consent"
LANGUAGE = "imb_lang"
STATISTICS = "imb_stats"

DAY = 86_400
CONSENT_MAX_AGE = 180 * DAY
LANGUAGE_MAX_AGE = 365 * DAY
STATISTICS_MAX_AGE = 395 * DAY  # 13 months
CSRF_MAX_AGE = 3600

_N, _P, _S = CookieCategory.NECESSARY, CookieCategory.PREFERENCES, CookieCategory.STATISTICS

REGISTER: tuple[CookieSpec, ...] = (
    CookieSpec(
        CONSENT,
        _N,
        "Zapamiętuje Twoją decyzję o plikach cookie (numer zgody), aby nie pytać przy każdej "
        "stronie. Powstaje dopiero, gdy podejmiesz decyzję.",
        "Remembers your cookie decision (its consent number) so that we do not ask on every "
        "page. Set only once you decide.",
        CONSENT_MAX_AGE,
        "site",
    ),
    CookieSpec(
        CSRF,
        _N,
        "Chroni formularz logowania przed podszyciem się innej strony (CSRF).",
        "Protects the login form against forged submissions from other sites (CSRF).",
        CSRF_MAX_AGE,
        "login pages",
    ),
    CookieSpec(
        CUSTOMER_SESSION,
        _N,
        "Utrzymuje zalogowanie w portalu klienta. Znika po wylogowaniu lub zamknięciu "
        "przeglądarki.",
        "Keeps you logged in to the customer portal. Gone after logging out or closing the "
        "browser.",
        None,
        "portal",
    ),
    CookieSpec(
        STAFF_SESSION,
        _N,
        "Utrzymuje zalogowanie pracownika w konsoli obsługi.",
        "Keeps an employee logged in to the staff console.",
        None,
        "staff console",
    ),
    CookieSpec(
        LANGUAGE,
        _P,
        "Zapamiętuje wybrany język strony (pl lub en).",
        "Remembers the language you chose for the site (pl or en).",
        LANGUAGE_MAX_AGE,
        "site",
    ),
    CookieSpec(
        STATISTICS,
        _S,
        "Zawiera tylko datę ostatniej wizyty, aby policzyć nowych i powracających "
        "odwiedzających. Bez identyfikatora: nie odróżnia jednej osoby od drugiej.",
        "Holds only the date of the last visit, to count new and returning visitors. No "
        "identifier: it cannot tell one person from another.",
        STATISTICS_MAX_AGE,
        "site",
    ),
)
BY_NAME: dict[str, CookieSpec] = {c.name: c for c in REGISTER}


def spec(name: str) -> CookieSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"cookie {name!r} is not in the cookie register") from None


def optional_names() -> list[str]:
    return [c.name for c in REGISTER if c.category != CookieCategory.NECESSARY]
