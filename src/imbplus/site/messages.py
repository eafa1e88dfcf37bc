"""Texts of the public site in Polish and English (longer page content lives in
`templates/site/content/<lang>/`)."""

from imbplus.web.i18n import register

register(
    {
        # navigation and footer
        "site.nav.home": {"pl": "Start", "en": "Home"},
        "site.nav.offer": {"pl": "Oferta", "en": "Offer"},
        "site.nav.help": {"pl": "Pomoc", "en": "Help"},
        "site.nav.contact": {"pl": "Kontakt", "en": "Contact"},
        "site.nav.account": {"pl": "Moje konto", "en": "My account"},
        "site.nav.main": {"pl": "Menu główne", "en": "Main menu"},
        "site.footer.privacy": {"pl": "Polityka prywatności", "en": "Privacy policy"},
        "site.footer.cookies": {"pl": "Pliki cookie", "en": "Cookies"},
        "site.footer.cookie_settings": {"pl": "Ustawienia cookie", "en": "Cookie settings"},
        "site.footer.feedback": {"pl": "Uwagi i sugestie", "en": "Comments and ideas"},
        "site.footer.contact_dpo": {
            "pl": "Pytania o dane osobowe",
            "en": "Questions about personal data",
        },
        "site.footer.company": {
            "pl": "IMB+ sp. z o.o. · telewizja internetowa (IPTV) · dane fikcyjne, projekt "
            "demonstracyjny",
            "en": "IMB+ sp. z o.o. · internet television (IPTV) · fictitious data, a "
            "demonstration project",
        },
        "site.external.mark": {"pl": "(strona zewnętrzna)", "en": "(external site)"},
        "site.external.notice": {
            "pl": "Linki oznaczone ↗ prowadzą do stron innych podmiotów. Podajemy je dla "
            "wygody; nie oznacza to, że polecamy te strony, i nie odpowiadamy za ich treść "
            "ani za to, jak przetwarzają dane.",
            "en": "Links marked ↗ lead to sites run by others. We give them for convenience; "
            "this does not mean we endorse those sites, and we are not responsible for their "
            "content or for how they process data.",
        },
        # cookie banner
        "consent.banner.title": {"pl": "Pliki cookie", "en": "Cookies"},
        "consent.banner.text": {
            "pl": "Do działania strony wystarczą niezbędne pliki cookie. Za Twoją zgodą "
            "zapamiętamy też wybrany język i policzymy wizyty (bez identyfikowania Ciebie). "
            "Odmowa nie ogranicza korzystania ze strony.",
            "en": "The site needs only necessary cookies to work. With your consent we also "
            "remember the language you chose and count visits (without identifying you). "
            "Saying no does not limit your use of the site.",
        },
        "consent.banner.reask": {
            "pl": "Zmieniła się nasza polityka prywatności, dlatego prosimy o ponowną decyzję.",
            "en": "Our privacy policy has changed, so we ask for your decision again.",
        },
        "consent.accept_all": {"pl": "Akceptuję wszystkie", "en": "Accept all"},
        "consent.reject_all": {"pl": "Odrzucam wszystkie", "en": "Reject all"},
        "consent.choose": {"pl": "Wybieram sam(a)", "en": "Let me choose"},
        "consent.save": {"pl": "Zapisz mój wybór", "en": "Save my choice"},
        "consent.saved": {"pl": "Zapisaliśmy Twój wybór.", "en": "Your choice is saved."},
        # cookie page
        "cookies.title": {"pl": "Pliki cookie", "en": "Cookies"},
        "cookies.intro": {
            "pl": "Plik cookie to mała porcja danych, którą strona zapisuje w przeglądarce. "
            "Poniżej jest pełna lista plików cookie, których używamy — generowana "
            "bezpośrednio z kodu serwisu, więc zawsze aktualna. Nie używamy plików cookie "
            "ani skryptów innych firm.",
            "en": "A cookie is a small piece of data a site stores in your browser. Below is "
            "the full list of cookies we use — generated directly from the site's code, so it "
            "is always current. We use no cookies or scripts from other companies.",
        },
        "cookies.register": {"pl": "Rejestr plików cookie", "en": "Cookie register"},
        "cookies.col.name": {"pl": "Nazwa", "en": "Name"},
        "cookies.col.category": {"pl": "Kategoria", "en": "Category"},
        "cookies.col.purpose": {"pl": "Cel", "en": "Purpose"},
        "cookies.col.lifetime": {"pl": "Ważność", "en": "Lifetime"},
        "cookies.col.kind": {"pl": "Rodzaj", "en": "Kind"},
        "cookies.col.where": {"pl": "Gdzie", "en": "Where"},
        "cookies.kind.session": {"pl": "sesyjny", "en": "session"},
        "cookies.kind.persistent": {"pl": "trwały", "en": "persistent"},
        "cookies.lifetime.session": {
            "pl": "do zamknięcia przeglądarki",
            "en": "until the browser closes",
        },
        "cookies.lifetime.days": {"pl": "{days} dni", "en": "{days} days"},
        "cookies.lifetime.hours": {"pl": "{hours} godz.", "en": "{hours} hours"},
        "cookies.category.necessary": {"pl": "niezbędne", "en": "necessary"},
        "cookies.category.preferences": {"pl": "preferencje", "en": "preferences"},
        "cookies.category.statistics": {"pl": "statystyka", "en": "statistics"},
        "cookies.category.necessary.about": {
            "pl": "Bez nich nie zadziała logowanie ani zapamiętanie Twojej decyzji. Nie "
            "wymagają zgody i nie służą do śledzenia.",
            "en": "Logging in and remembering your decision do not work without them. They "
            "need no consent and are not used for tracking.",
        },
        "cookies.category.preferences.about": {
            "pl": "Zapamiętują Twoje ustawienia, np. język. Bez nich język wybierasz adresem "
            "strony (/en).",
            "en": "Remember your settings, such as the language. Without them the address "
            "chooses the language (/en).",
        },
        "cookies.category.statistics.about": {
            "pl": "Pozwalają policzyć nowych i powracających odwiedzających. Bez zgody "
            "liczymy tylko wyświetlenia stron, bez żadnego identyfikatora.",
            "en": "Let us count new and returning visitors. Without consent we count only "
            "page views, with no identifier at all.",
        },
        "cookies.choice.title": {"pl": "Twój wybór", "en": "Your choice"},
        "cookies.choice.none": {
            "pl": "Nie podjąłeś(-ęłaś) jeszcze decyzji. Do tego czasu używamy tylko "
            "niezbędnych plików cookie.",
            "en": "You have not decided yet. Until you do, we use only necessary cookies.",
        },
        "cookies.choice.stale": {
            "pl": "Twoja wcześniejsza decyzja dotyczyła poprzedniej wersji polityki "
            "prywatności. Podejmij ją ponownie.",
            "en": "Your earlier decision was made under the previous version of the privacy "
            "policy. Please decide again.",
        },
        "cookies.choice.current": {
            "pl": "Decyzja z {when} (polityka prywatności w wersji {version}). Numer zgody: "
            "{id}. Możesz ją zmienić w każdej chwili.",
            "en": "Decision of {when} (privacy policy version {version}). Consent number: "
            "{id}. You can change it at any time.",
        },
        "cookies.choice.withdraw": {
            "pl": "Wycofaj zgodę (tylko niezbędne)",
            "en": "Withdraw consent (necessary only)",
        },
        "cookies.always_on": {"pl": "zawsze włączone", "en": "always on"},
        "cookies.proof": {
            "pl": "Każdą decyzję zapisujemy jako dowód: numer zgody, wybrane kategorie, wersję "
            "polityki, czas i skrócony adres IP (bez ostatniej części). Usunięcie plików "
            "cookie w przeglądarce też jest odmową.",
            "en": "We keep each decision as proof: the consent number, the categories, the "
            "policy version, the time and a shortened IP address (without its last part). "
            "Deleting the cookies in your browser is a refusal too.",
        },
        # policy pages
        "policy.title": {"pl": "Polityka prywatności", "en": "Privacy policy"},
        "policy.version": {"pl": "Wersja {number}", "en": "Version {number}"},
        "policy.effective": {"pl": "obowiązuje od {date}", "en": "in force from {date}"},
        "policy.effective_future": {"pl": "obowiązuje od {date}", "en": "takes effect {date}"},
        "policy.in_force": {"pl": "obecnie obowiązuje", "en": "in force now"},
        "policy.earlier": {"pl": "wcześniejsza", "en": "earlier"},
        "policy.announced": {"pl": "zapowiedziana", "en": "announced"},
        "policy.announced.notice": {
            "pl": "Od {date} obowiązuje nowa wersja ({number}).",
            "en": "A new version ({number}) takes effect on {date}.",
        },
        "policy.read_announced": {"pl": "Przeczytaj ją", "en": "Read it"},
        "policy.versions": {"pl": "Wersje i zmiany", "en": "Versions and changes"},
        "policy.changes": {"pl": "Co się zmieniło", "en": "What changed"},
        "policy.diff": {
            "pl": "Porównanie z wersją {number}",
            "en": "Comparison with version {number}",
        },
        "policy.diff.legend": {
            "pl": "Dodane wiersze są podkreślone na zielono, usunięte przekreślone na czerwono.",
            "en": "Added lines are underlined in green, removed ones struck through in red.",
        },
        "policy.none": {
            "pl": "Polityka prywatności nie została jeszcze opublikowana.",
            "en": "The privacy policy has not been published yet.",
        },
        "policy.show_current": {"pl": "Wersja obowiązująca", "en": "The version in force"},
        "policy.published": {"pl": "opublikowana {date}", "en": "published {date}"},
        "policy.sha": {"pl": "Skrót SHA-256 tekstu", "en": "SHA-256 of the text"},
        "policy.notice.title": {
            "pl": "Zmiana polityki prywatności",
            "en": "Privacy policy update",
        },
        "policy.notice.text": {
            "pl": "Opublikowaliśmy wersję {number} polityki prywatności; obowiązuje od "
            "{date}. Co się zmienia: {changes}",
            "en": "We published version {number} of our privacy policy; it applies from "
            "{date}. What changes: {changes}",
        },
        "policy.notice.read": {"pl": "Zobacz zmiany", "en": "See the changes"},
        "policy.notice.ok": {"pl": "Rozumiem", "en": "Got it"},
        # contact form (P23)
        "contact.title": {"pl": "Pytania o dane osobowe", "en": "Questions about personal data"},
        "contact.intro": {
            "pl": "Tu zadasz pytanie inspektorowi ochrony danych IMB+: o politykę prywatności, "
            "o to, jakie Twoje dane mamy, albo o swoje prawa (dostęp, sprostowanie, "
            "usunięcie, sprzeciw). Odpowiadamy e-mailem najpóźniej w ciągu miesiąca.",
            "en": "Ask the IMB+ data-protection officer about the privacy policy, about the "
            "data we hold about you, or about your rights (access, rectification, erasure, "
            "objection). We answer by e-mail within one month at the latest.",
        },
        "contact.use": {
            "pl": "Twoje imię, e-mail i treść pytania wykorzystamy tylko do odpowiedzi. Są "
            "szyfrowane i widzi je wyłącznie inspektor ochrony danych.",
            "en": "Your name, e-mail and question are used only to answer you. They are "
            "encrypted and only the data-protection officer sees them.",
        },
        "contact.other": {
            "pl": "Sprawy techniczne, płatności i zamówienia: zobacz stronę Pomoc.",
            "en": "Technical matters, payments and orders: see the Help page.",
        },
        "contact.name": {"pl": "Imię i nazwisko (nieobowiązkowo)", "en": "Name (optional)"},
        "contact.email": {"pl": "E-mail do odpowiedzi", "en": "E-mail for the answer"},
        "contact.topic": {"pl": "Temat", "en": "Topic"},
        "contact.topic.policy": {"pl": "Polityka prywatności", "en": "The privacy policy"},
        "contact.topic.my_data": {"pl": "Moje dane w IMB+", "en": "My data at IMB+"},
        "contact.topic.rights": {
            "pl": "Moje prawa (dostęp, usunięcie, sprzeciw…)",
            "en": "My rights (access, erasure, objection…)",
        },
        "contact.topic.other": {"pl": "Inne", "en": "Other"},
        "contact.message": {"pl": "Pytanie", "en": "Your question"},
        "contact.send": {"pl": "Wyślij pytanie", "en": "Send the question"},
        "contact.thanks.title": {"pl": "Dziękujemy", "en": "Thank you"},
        "contact.thanks.text": {
            "pl": "Otrzymaliśmy pytanie. Numer sprawy: {reference}. Odpowiemy najpóźniej {due}.",
            "en": "We received your question. Reference: {reference}. We will answer by "
            "{due} at the latest.",
        },
        # feedback form (P24)
        "feedback.title": {"pl": "Uwagi i sugestie", "en": "Comments and ideas"},
        "feedback.intro": {
            "pl": "Co możemy zrobić lepiej? Każda uwaga trafia do zespołu, który rozwija usługę.",
            "en": "What could we do better? Every comment reaches the team that develops "
            "the service.",
        },
        "feedback.nonconfidential.title": {
            "pl": "Zanim wyślesz",
            "en": "Before you send",
        },
        "feedback.nonconfidential": {
            "pl": "Uwagi i sugestie nie są poufne. IMB+ może je swobodnie wykorzystać, "
            "zmienić lub opublikować, bez wynagrodzenia i bez podawania autora. Nie wpisuj "
            "danych osobowych, których nie chcesz nam przekazać. Uwag nie łączymy z kontem "
            "klienta; jeśli podasz e-mail, posłuży tylko do ewentualnej odpowiedzi.",
            "en": "Comments and suggestions are not confidential. IMB+ may use, change or "
            "publish them freely, without payment and without naming the author. Do not "
            "include personal data you do not want to give us. Feedback is not linked to "
            "any customer account; an e-mail, if you give one, is used only to reply.",
        },
        "feedback.topic": {"pl": "Czego dotyczy", "en": "About"},
        "feedback.topic.site": {"pl": "Strona internetowa", "en": "The web site"},
        "feedback.topic.offer": {"pl": "Oferta i ceny", "en": "Offer and prices"},
        "feedback.topic.service": {"pl": "Telewizja i dekoder", "en": "The TV service and box"},
        "feedback.topic.other": {"pl": "Inne", "en": "Other"},
        "feedback.message": {"pl": "Twoja uwaga", "en": "Your comment"},
        "feedback.email": {
            "pl": "E-mail, jeśli chcesz odpowiedzi (nieobowiązkowo)",
            "en": "E-mail, if you would like a reply (optional)",
        },
        "feedback.understood": {
            "pl": "Rozumiem, że moja uwaga nie jest poufna i IMB+ może ją wykorzystać.",
            "en": "I understand that my comment is not confidential and IMB+ may use it.",
        },
        "feedback.send": {"pl": "Wyślij uwagę", "en": "Send the comment"},
        "feedback.thanks": {
            "pl": "Dziękujemy! Uwaga trafiła do zespołu.",
            "en": "Thank you! Your comment has reached the team.",
        },
        # form errors
        "form.errors": {
            "pl": "Popraw zaznaczone pola:",
            "en": "Please correct the marked fields:",
        },
        "form.required": {"pl": "pole wymagane", "en": "required"},
        "field.topic": {"pl": "Temat", "en": "Topic"},
        "field.message": {"pl": "Treść", "en": "Text"},
        "field.understood": {"pl": "Potwierdzenie", "en": "Confirmation"},
        "field.choice": {"pl": "Wybór", "en": "Choice"},
        # localized error messages (by error code)
        "error.message.csrf_failed": {
            "pl": "Formularz wygasł albo nie pochodzi z naszej strony. Odśwież stronę i "
            "spróbuj ponownie. Niczego nie zapisaliśmy.",
            "en": "The form has expired or did not come from our site. Reload the page and "
            "try again. Nothing was stored.",
        },
        "error.message.not_found": {
            "pl": "Pod tym adresem nic nie ma. Może link jest nieaktualny?",
            "en": "There is nothing at this address. Perhaps the link is out of date?",
        },
        "error.message.validation_failed": {
            "pl": "Niektóre dane są niepoprawne: {fields}. Niczego nie zapisaliśmy.",
            "en": "Some of the data is not valid: {fields}. Nothing was stored.",
        },
        "error.message.rate_limited": {
            "pl": "Zbyt wiele prób. Spróbuj ponownie za chwilę.",
            "en": "Too many attempts. Please try again in a moment.",
        },
        "error.message.internal_error": {
            "pl": "Wystąpił błąd po naszej stronie. Spróbuj ponownie za chwilę; jeśli się "
            "powtarza, podaj nam numer zgłoszenia.",
            "en": "Something went wrong on our side. Try again in a moment; if it keeps "
            "happening, give us the reference below.",
        },
        "error.message.method_not_allowed": {
            "pl": "Tej strony nie można otworzyć w ten sposób.",
            "en": "This page cannot be opened this way.",
        },
        "error.message.bad_request": {
            "pl": "Nieprawidłowe żądanie.",
            "en": "The request is not valid.",
        },
        "error.languages": {
            "pl": "Strona jest dostępna po polsku i angielsku:",
            "en": "The site is available in Polish and English:",
        },
        # offer
        "offer.title": {"pl": "Oferta", "en": "Offer"},
        "offer.packages": {"pl": "Pakiety telewizji", "en": "TV packages"},
        "offer.boxes": {"pl": "Dekodery", "en": "Set-top boxes"},
        "offer.per_month": {"pl": "{price} zł / mies.", "en": "PLN {price} / month"},
        "offer.one_off": {"pl": "{price} zł", "en": "PLN {price}"},
        "offer.vat": {"pl": "Ceny brutto (z VAT).", "en": "Prices include VAT."},
        "offer.order_now": {"pl": "Zamów w portalu", "en": "Order in the portal"},
        "offer.order": {
            "pl": "Zamów przez portal klienta lub pod numerem 800 000 000.",
            "en": "Order in the customer portal or on 800 000 000.",
        },
        "offer.preview": {
            "pl": "Oferta poglądowa — sklep internetowy wkrótce.",
            "en": "Preview of the offer — the online shop is coming soon.",
        },
    }
)
