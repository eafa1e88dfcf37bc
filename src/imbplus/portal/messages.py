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
        "portal.login.forgot": {"pl": "Nie pamiętam hasła", "en": "I forgot my password"},
        "portal.login.register": {"pl": "Załóż konto", "en": "Create an account"},
        "portal.login.notice.confirmed": {
            "pl": "Adres e-mail potwierdzony. Możesz się zalogować.",
            "en": "Your e-mail address is confirmed. You can log in now.",
        },
        "portal.login.notice.reset": {
            "pl": "Hasło zmienione. Zaloguj się nowym hasłem.",
            "en": "Your password was changed. Log in with the new one.",
        },
        "portal.login.notice.password_changed": {
            "pl": "Hasło zmienione; wylogowaliśmy Cię ze wszystkich urządzeń. Zaloguj się "
            "ponownie.",
            "en": "Password changed; you were logged out everywhere. Please log in again.",
        },
        "portal.login.notice.email_changed": {
            "pl": "Adres e-mail zmieniony. Logujesz się teraz nowym adresem.",
            "en": "Your e-mail address is changed. Log in with the new one now.",
        },
        "portal.login.notice.unconfirmed": {
            "pl": "Najpierw potwierdź adres e-mail: wysłaliśmy link jeszcze raz.",
            "en": "Please confirm your e-mail address first: we sent the link again.",
        },
        "portal.logout": {"pl": "Wyloguj", "en": "Log out"},
        "portal.home.hello": {"pl": "Dzień dobry, {name}", "en": "Hello, {name}"},
        "portal.home.contact": {"pl": "Dane kontaktowe", "en": "Contact details"},
        "portal.home.address": {"pl": "Adres", "en": "Address"},
        "portal.home.email": {"pl": "E-mail", "en": "E-mail"},
        "portal.home.phone": {"pl": "Telefon", "en": "Phone"},
        "portal.home.edit": {"pl": "Zmień dane", "en": "Change your details"},
        "portal.nav.stb": {"pl": "Dekoder", "en": "Set-top box"},
        "portal.nav.account": {"pl": "Konto", "en": "Account"},
        "portal.nav.details": {"pl": "Moje dane", "en": "My details"},
        "portal.nav.surveys": {"pl": "Ankiety", "en": "Surveys"},
        "portal.nav.access_log": {"pl": "Kto widział moje dane", "en": "Who saw my data"},
        "portal.nav.register": {"pl": "Rejestracja", "en": "Register"},
        "portal.privacy.note": {
            "pl": "Każdy dostęp do Twoich danych jest rejestrowany.",
            "en": "Every access to your data is recorded.",
        },
        "portal.csrf": {
            "pl": "Formularz wygasł. Odśwież stronę i spróbuj ponownie.",
            "en": "The form has expired. Reload the page and try again.",
        },
        # -- forms ---------------------------------------------------------------------
        "form.fix_fields": {
            "pl": "Popraw zaznaczone pola.",
            "en": "Please correct the marked fields.",
        },
        "field.name": {"pl": "Imię i nazwisko", "en": "Full name"},
        "field.email": {"pl": "Adres e-mail", "en": "E-mail address"},
        "field.phone": {"pl": "Telefon", "en": "Phone"},
        "field.street": {"pl": "Ulica i numer", "en": "Street and number"},
        "field.postal_code": {"pl": "Kod pocztowy (NN-NNN)", "en": "Postal code (NN-NNN)"},
        "field.city": {"pl": "Miejscowość", "en": "City"},
        "field.password": {"pl": "Hasło (co najmniej 12 znaków)", "en": "Password (12+ chars)"},
        "field.password2": {"pl": "Powtórz hasło", "en": "Repeat the password"},
        "field.current_password": {"pl": "Obecne hasło", "en": "Current password"},
        "field.new_password": {"pl": "Nowe hasło (co najmniej 12 znaków)", "en": "New password"},
        "field.new_email": {"pl": "Nowy adres e-mail", "en": "New e-mail address"},
        # -- registration, confirmation, reset -----------------------------------------
        "register.title": {"pl": "Załóż konto abonenta", "en": "Create a subscriber account"},
        "register.intro": {
            "pl": "Podaj swoje dane. Na podany adres wyślemy link potwierdzający.",
            "en": "Tell us who you are. We will send a confirmation link to your e-mail.",
        },
        "register.privacy": {
            "pl": "Dane przetwarzamy, aby świadczyć usługę; są szyfrowane, a każdy dostęp do "
            "nich widzisz w zakładce „Kto widział moje dane”.",
            "en": "We use your data to provide the service; it is encrypted, and you can see "
            "every access to it under “Who saw my data”.",
        },
        "register.submit": {"pl": "Załóż konto", "en": "Create account"},
        "sent.title": {"pl": "Sprawdź skrzynkę e-mail", "en": "Check your e-mail"},
        "sent.register": {
            "pl": "Jeśli adres jest poprawny, wysłaliśmy na niego wiadomość z dalszymi "
            "krokami. Kliknij link, aby dokończyć rejestrację.",
            "en": "If the address is right, we sent it a message with the next step. Follow "
            "the link to finish your registration.",
        },
        "sent.reset": {
            "pl": "Jeśli ten adres należy do naszego abonenta, wysłaliśmy na niego link do "
            "ustawienia nowego hasła.",
            "en": "If this address belongs to one of our subscribers, we sent it a link to "
            "set a new password.",
        },
        "sent.spam": {
            "pl": "Nie widzisz wiadomości? Zajrzyj do folderu spam.",
            "en": "No message? Look in your spam folder.",
        },
        "confirm.title": {"pl": "Potwierdź adres e-mail", "en": "Confirm your e-mail address"},
        "confirm.intro": {
            "pl": "Kliknij, aby potwierdzić adres i włączyć konto.",
            "en": "Click to confirm the address and switch your account on.",
        },
        "confirm.submit": {"pl": "Potwierdzam", "en": "Confirm"},
        "dead_link.title": {"pl": "Ten link już nie działa", "en": "This link no longer works"},
        "dead_link.text": {
            "pl": "Link wygasł, został już użyty albo jest niepełny. Poproś o nowy.",
            "en": "The link expired, was used already or is incomplete. Ask for a new one.",
        },
        "reset.title": {"pl": "Nowe hasło", "en": "New password"},
        "reset.intro": {
            "pl": "Podaj adres e-mail konta. Wyślemy link do ustawienia nowego hasła.",
            "en": "Enter your account's e-mail. We will send a link to set a new password.",
        },
        "reset.submit": {"pl": "Wyślij link", "en": "Send the link"},
        "reset.new.title": {"pl": "Ustaw nowe hasło", "en": "Set a new password"},
        "reset.new.intro": {
            "pl": "Po zmianie wylogujemy Cię ze wszystkich urządzeń.",
            "en": "After the change you will be logged out everywhere.",
        },
        "reset.new.submit": {"pl": "Zapisz hasło", "en": "Save the password"},
        # -- account -------------------------------------------------------------------
        "account.title": {"pl": "Moje dane", "en": "My details"},
        "account.save": {"pl": "Zapisz zmiany", "en": "Save changes"},
        "account.notice.saved": {"pl": "Zapisano zmiany.", "en": "Your changes are saved."},
        "account.notice.unchanged": {"pl": "Nic się nie zmieniło.", "en": "Nothing changed."},
        "account.notice.email_sent": {
            "pl": "Jeśli nowy adres jest poprawny, wysłaliśmy na niego link potwierdzający. "
            "Adres zmieni się, gdy go klikniesz; do tego czasu logujesz się obecnym adresem.",
            "en": "If the new address is right, we sent it a confirmation link. Your address "
            "changes when you follow it; until then you log in with the current one.",
        },
        "account.email.title": {"pl": "Adres e-mail", "en": "E-mail address"},
        "account.email.current": {
            "pl": "Obecny adres (nim się logujesz):",
            "en": "Current address (you log in with it):",
        },
        "account.email.note": {
            "pl": "Na nowy adres wyślemy link potwierdzający; adres zmieni się dopiero po jego "
            "kliknięciu. O prośbie i o zmianie powiadomimy też obecny adres.",
            "en": "We send a confirmation link to the new address; the address changes only "
            "when you follow it. We also tell your current address of the request and the "
            "change.",
        },
        "account.email.submit": {"pl": "Zmień adres e-mail", "en": "Change e-mail address"},
        "email_confirm.title": {
            "pl": "Potwierdź nowy adres e-mail",
            "en": "Confirm your new e-mail address",
        },
        "email_confirm.intro": {
            "pl": "Kliknij, aby od teraz logować się do konta IMB+ tym adresem.",
            "en": "Click to log in to your IMB+ account with this address from now on.",
        },
        "email_confirm.submit": {"pl": "Potwierdzam", "en": "Confirm"},
        "account.password.title": {"pl": "Zmiana hasła", "en": "Change password"},
        "account.password.note": {
            "pl": "Po zmianie hasła wylogujemy Cię ze wszystkich urządzeń.",
            "en": "After the change you will be logged out everywhere.",
        },
        "account.password.submit": {"pl": "Zmień hasło", "en": "Change password"},
        "account.password_wrong": {
            "pl": "Obecne hasło jest nieprawidłowe.",
            "en": "The current password is wrong.",
        },
        # -- e-mails -------------------------------------------------------------------
        "mail.confirm.subject": {
            "pl": "IMB+: potwierdź adres e-mail",
            "en": "IMB+: confirm your e-mail address",
        },
        "mail.confirm.body": {
            "pl": "Dzień dobry,\n\ndziękujemy za założenie konta w IMB+. Aby je włączyć, "
            "potwierdź adres e-mail (link ważny {hours} godz.):\n\n{link}\n\nJeśli to nie Ty, "
            "zignoruj tę wiadomość.\n\nIMB+",
            "en": "Hello,\n\nthank you for creating an IMB+ account. To switch it on, confirm "
            "your e-mail address (the link works for {hours} hours):\n\n{link}\n\nIf this "
            "was not you, ignore this message.\n\nIMB+",
        },
        "mail.reset.subject": {"pl": "IMB+: ustaw hasło", "en": "IMB+: set your password"},
        "mail.reset.body": {
            "pl": "Dzień dobry,\n\nktoś (zapewne Ty) poprosił o ustawienie hasła do konta IMB+ "
            "dla tego adresu. Link działa raz, przez {minutes} min:\n\n{link}\n\nJeśli to nie "
            "Ty, zignoruj tę wiadomość; hasło się nie zmieni.\n\nIMB+",
            "en": "Hello,\n\nsomeone (probably you) asked to set the password of the IMB+ "
            "account of this address. The link works once, for {minutes} minutes:\n\n{link}"
            "\n\nIf this was not you, ignore this message; nothing changes.\n\nIMB+",
        },
        "mail.email_change.subject": {
            "pl": "IMB+: potwierdź nowy adres e-mail",
            "en": "IMB+: confirm your new e-mail address",
        },
        "mail.email_change.body": {
            "pl": "Dzień dobry,\n\npotwierdź, proszę, że ten adres ma od teraz służyć do "
            "logowania do konta IMB+. Link działa raz, przez {hours} godz.:\n\n{link}\n\n"
            "Jeśli to nie Ty, zignoruj tę wiadomość; nic się nie zmieni.\n\nIMB+",
            "en": "Hello,\n\nplease confirm that this address is to be the login of an IMB+ "
            "account from now on. The link works once, for {hours} hours:\n\n{link}\n\nIf "
            "this was not you, ignore this message; nothing changes.\n\nIMB+",
        },
        "mail.email_change_requested.subject": {
            "pl": "IMB+: prośba o zmianę adresu e-mail",
            "en": "IMB+: a change of your e-mail address was asked for",
        },
        "mail.email_change_requested.body": {
            "pl": "Dzień dobry,\n\nw Twoim koncie IMB+ poproszono o zmianę adresu e-mail. "
            "Adres zmieni się dopiero po kliknięciu linku wysłanego na nowy adres; do tego "
            "czasu logujesz się tym adresem. Jeśli to nie Ty, zmień hasło i skontaktuj się z "
            "nami.\n\nIMB+",
            "en": "Hello,\n\na change of the e-mail address of your IMB+ account was asked "
            "for. It takes effect only when the link sent to the new address is followed; "
            "until then you log in with this address. If this was not you, change your "
            "password and contact us.\n\nIMB+",
        },
        "mail.email_in_use.subject": {
            "pl": "IMB+: próba użycia Twojego adresu e-mail",
            "en": "IMB+: someone tried to use your e-mail address",
        },
        "mail.email_in_use.body": {
            "pl": "Dzień dobry,\n\nktoś poprosił, by ten adres służył do logowania do innego "
            "konta IMB+. Ten adres należy już do Twojego konta, więc nic się nie zmieniło. "
            "Jeśli to Ty, zaloguj się tym adresem do swojego konta.\n\nIMB+",
            "en": "Hello,\n\nsomeone asked for this address to be the login of another IMB+ "
            "account. It belongs to your account already, so nothing changed. If this was "
            "you, log in to your account with this address.\n\nIMB+",
        },
        "mail.email_changed.subject": {
            "pl": "IMB+: zmiana adresu e-mail",
            "en": "IMB+: your e-mail address was changed",
        },
        "mail.email_changed.body": {
            "pl": "Dzień dobry,\n\nadres e-mail Twojego konta IMB+ został właśnie zmieniony. "
            "Jeśli to nie Ty, skontaktuj się z nami.\n\nIMB+",
            "en": "Hello,\n\nthe e-mail address of your IMB+ account was just changed. If "
            "this was not you, please contact us.\n\nIMB+",
        },
    }
)

# "Who saw my data" (B02): roles, purposes, categories and operations in plain words
register(
    {
        "access.title": {"pl": "Kto widział moje dane", "en": "Who saw my data"},
        "access.intro": {
            "pl": "Każdy dostęp do Twoich danych osobowych: kiedy, kto (rola, nigdy nazwisko "
            "pracownika), w jakim celu i do jakich danych.",
            "en": "Every access to your personal data: when, who (the role, never an "
            "employee's name), for which purpose and to which data.",
        },
        "access.when": {"pl": "Kiedy (UTC)", "en": "When (UTC)"},
        "access.who": {"pl": "Kto", "en": "Who"},
        "access.purpose": {"pl": "Cel", "en": "Purpose"},
        "access.data": {"pl": "Dane", "en": "Data"},
        "access.what": {"pl": "Co", "en": "What"},
        "access.result": {"pl": "Wynik", "en": "Result"},
        "access.none": {"pl": "Brak wpisów.", "en": "Nothing recorded yet."},
        "access.older": {"pl": "Starsze wpisy", "en": "Older entries"},
        "access.note": {
            "pl": "Wpisy pochodzą z dziennika, którego nie da się niepostrzeżenie zmienić.",
            "en": "The entries come from a log that cannot be changed unnoticed.",
        },
        "access.who.you": {"pl": "Ty", "en": "You"},
        "access.who.staff": {"pl": "Pracownik", "en": "Employee"},
        "access.who.system": {"pl": "Proces automatyczny", "en": "Automatic process"},
        "access.who.processor": {"pl": "Podmiot przetwarzający", "en": "Processor"},
        "access.who.customer": {"pl": "Inny klient", "en": "Another customer"},
        "access.result.allowed": {"pl": "udostępniono", "en": "allowed"},
        "access.result.denied": {"pl": "odmówiono", "en": "refused"},
        "access.result.done": {"pl": "wykonano", "en": "done"},
        "access.result.error": {"pl": "błąd", "en": "error"},
        "purpose.service_delivery": {"pl": "świadczenie usługi", "en": "providing the service"},
        "purpose.service_improvement": {"pl": "ulepszanie usługi", "en": "improving the service"},
        "purpose.marketing": {"pl": "marketing", "en": "marketing"},
        "purpose.market_research": {"pl": "badania rynku", "en": "market research"},
        "purpose.pricing": {"pl": "ustalanie cen", "en": "pricing"},
        "purpose.credit": {"pl": "ocena kredytowa", "en": "credit decision"},
        "purpose.billing": {"pl": "rozliczenia", "en": "billing"},
        "purpose.regulatory_compliance": {
            "pl": "obowiązki regulacyjne",
            "en": "regulatory compliance",
        },
        "purpose.shipment_contact": {"pl": "kontakt w sprawie przesyłki", "en": "shipment"},
        "purpose.security": {"pl": "bezpieczeństwo", "en": "security"},
        "purpose.traffic_statistics": {"pl": "statystyki ruchu", "en": "traffic statistics"},
        "purpose.legal_obligation": {"pl": "żądanie organu", "en": "authority request"},
        "purpose.data_subject_request": {"pl": "Twoje żądanie", "en": "your own request"},
        "category.identity": {"pl": "imię i nazwisko", "en": "name"},
        "category.contact": {"pl": "e-mail i telefon", "en": "e-mail and phone"},
        "category.address": {"pl": "adres", "en": "address"},
        "category.payment_card": {"pl": "karta płatnicza", "en": "payment card"},
        "category.billing_record": {"pl": "rozliczenia", "en": "billing records"},
        "category.account_credentials": {"pl": "dane logowania", "en": "login data"},
        "category.stb_device": {"pl": "dekoder", "en": "set-top box"},
        "category.stb_activity": {"pl": "aktywność dekodera", "en": "set-top box activity"},
        "category.shipment_record": {"pl": "przesyłka", "en": "shipment"},
        "category.shipment_contact": {"pl": "kontakt do przesyłki", "en": "shipment contact"},
        "category.survey_response": {"pl": "odpowiedzi w ankietach", "en": "survey answers"},
        "category.web_request_log": {"pl": "dziennik odwiedzin", "en": "web request log"},
        "category.consent_record": {"pl": "zgody", "en": "consents"},
        "category.feedback": {"pl": "opinie", "en": "feedback"},
        "category.legal_request": {"pl": "żądania organów", "en": "authority requests"},
        "category.audit_record": {"pl": "historia dostępu", "en": "access history"},
        "category.reference": {"pl": "identyfikator", "en": "identifier"},
        "op.customer.create": {"pl": "utworzenie danych", "en": "created your record"},
        "op.customer.read": {"pl": "odczyt danych", "en": "viewed your data"},
        "op.customer.update": {"pl": "zmiana danych", "en": "changed your data"},
        "op.customer.list": {"pl": "lista (dane zamaskowane)", "en": "list (masked)"},
        "op.customer.search": {"pl": "wyszukiwanie (dane zamaskowane)", "en": "search (masked)"},
        "op.mail.queue": {"pl": "przygotowanie e-maila do Ciebie", "en": "e-mail to you queued"},
        "op.mail.deliver": {"pl": "wysłanie e-maila do Ciebie", "en": "e-mail to you sent"},
        "op.mail.cancelled": {"pl": "wstrzymanie e-maila", "en": "e-mail withdrawn"},
        "op.audit.own_trail": {
            "pl": "przegląd tej historii",
            "en": "you viewed this history",
        },
        "op.portal.registered": {"pl": "rejestracja konta", "en": "account registered"},
        "op.portal.confirmed": {"pl": "potwierdzenie e-maila", "en": "e-mail confirmed"},
        "op.portal.account_opened": {"pl": "otwarcie konta", "en": "account opened"},
        "op.portal.password_changed": {"pl": "zmiana hasła", "en": "password changed"},
        "op.portal.reset_requested": {"pl": "prośba o nowe hasło", "en": "password reset asked"},
        "op.portal.password_reset": {"pl": "ustawienie hasła", "en": "password set"},
        "op.portal.email_change_requested": {
            "pl": "prośba o zmianę e-maila",
            "en": "e-mail change asked for",
        },
        "op.portal.email_pending": {
            "pl": "zapisanie nowego e-maila do potwierdzenia",
            "en": "new e-mail kept for confirmation",
        },
        "op.portal.email_confirm": {
            "pl": "potwierdzenie nowego e-maila",
            "en": "new e-mail confirmed",
        },
        "op.portal.email_changed": {"pl": "zmiana e-maila", "en": "e-mail changed"},
        "op.portal.email_change_refused": {
            "pl": "zmiana e-maila wstrzymana",
            "en": "e-mail change not made",
        },
    }
)
