"""Portal texts in Polish and English."""

from imbplus.web.i18n import register

register(
    {
        "site.name": {"pl": "IMB+ telewizja internetowa", "en": "IMB+ internet television"},
        "portal.title": {"pl": "Moje konto", "en": "My account"},
        "portal.login.title": {"pl": "Logowanie do konta", "en": "Log in to your account"},
        "portal.login.email": {"pl": "Adres e-mail", "en": "E-mail address"},
        "portal.login.password": {"pl": "Hasło", "en": "Password"},
        "portal.login.submit": {"pl": "Zaloguj się", "en": "Log in"},
        "portal.login.failed": {
            "pl": "Nieprawidłowy e-mail lub hasło.",
            "en": "Wrong e-mail or password.",
        },
        "portal.logout": {"pl": "Wyloguj", "en": "Log out"},
        "portal.home.hello": {"pl": "Dzień dobry, {name}", "en": "Hello, {name}"},
        "portal.home.contact": {"pl": "Dane kontaktowe", "en": "Contact details"},
        "portal.home.address": {"pl": "Adres", "en": "Address"},
        "portal.home.email": {"pl": "E-mail", "en": "E-mail"},
        "portal.home.phone": {"pl": "Telefon", "en": "Phone"},
        "portal.nav.account": {"pl": "Konto", "en": "Account"},
        "portal.privacy.note": {
            "pl": "Każdy dostęp do Twoich danych jest rejestrowany.",
            "en": "Every access to your data is recorded.",
        },
        "portal.csrf": {
            "pl": "Formularz wygasł. Odśwież stronę i spróbuj ponownie.",
            "en": "The form has expired. Reload the page and try again.",
        },
    }
)
