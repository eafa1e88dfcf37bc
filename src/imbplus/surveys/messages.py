"""Survey texts for subscribers and visitors, in Polish and English."""

from imbplus.web.i18n import register

register(
    {
        "surveys.title": {"pl": "Ankiety", "en": "Surveys"},
        "surveys.intro": {
            "pl": "Czasem prosimy o opinię. Odpowiedzi służą badaniom rynku i ulepszaniu "
            "usług; na zewnątrz trafiają tylko zanonimizowane.",
            "en": "Now and then we ask for your opinion. Answers serve market research and "
            "better services; they leave the company only anonymized.",
        },
        "surveys.invited": {"pl": "Zaproszenia do ankiet", "en": "Surveys you are invited to"},
        "surveys.none": {
            "pl": "Nie masz teraz zaproszeń do ankiet.",
            "en": "You have no survey invitations right now.",
        },
        "surveys.answer": {"pl": "Wypełnij", "en": "Answer"},
        "surveys.home_notice": {
            "pl": "Mamy dla Ciebie ankietę:",
            "en": "We have a survey for you:",
        },
        "surveys.optout.title": {"pl": "Rezygnacja z ankiet", "en": "Opting out of surveys"},
        "surveys.optout.text": {
            "pl": "Możesz raz na zawsze zrezygnować z ankiet: nie zaprosimy Cię do żadnej "
            "(ani w portalu, ani e-mailem), a zaplanowane zaproszenia wstrzymamy. Tej decyzji "
            "nie da się cofnąć.",
            "en": "You can opt out of surveys once and for good: we will never invite you "
            "again (neither in the portal nor by e-mail) and withdraw invitations on their "
            "way. This cannot be undone.",
        },
        "surveys.optout.confirm": {
            "pl": "Rozumiem, rezygnuję z ankiet na zawsze",
            "en": "I understand; opt me out of surveys for good",
        },
        "surveys.optout.submit": {"pl": "Zrezygnuj z ankiet", "en": "Opt out of surveys"},
        "surveys.optout.missing": {
            "pl": "Zaznacz potwierdzenie, aby zrezygnować.",
            "en": "Tick the confirmation to opt out.",
        },
        "surveys.optout.done": {
            "pl": "Zrezygnowałeś(-aś) z ankiet {date}. Nie będziemy Cię o nie prosić.",
            "en": "You opted out of surveys on {date}. We will not ask you again.",
        },
        "surveys.notice.answered": {
            "pl": "Dziękujemy za odpowiedzi!",
            "en": "Thank you for your answers!",
        },
        "surveys.notice.opted_out": {
            "pl": "Zapisaliśmy rezygnację z ankiet.",
            "en": "Your opt-out is recorded.",
        },
        "surveys.required": {"pl": "wymagane", "en": "required"},
        "surveys.submit": {"pl": "Wyślij odpowiedzi", "en": "Send answers"},
        "surveys.personal_note": {
            "pl": "Odpowiedzi tekstowe, e-mail i telefon przechowujemy zaszyfrowane; wyniki "
            "pokazujemy tylko zbiorczo, nigdy dla grup mniejszych niż 10 osób.",
            "en": "Text answers, e-mail and phone are stored encrypted; results are shown "
            "only in aggregate, never for groups under 10 people.",
        },
        "surveys.visitor_note": {
            "pl": "Odpowiadasz anonimowo; nie zapisujemy, kim jesteś.",
            "en": "You answer anonymously; we do not record who you are.",
        },
        "surveys.postal_hint": {"pl": "np. 00-950", "en": "e.g. 00-950"},
        "surveys.unavailable.closed": {
            "pl": "Ta ankieta jest już zamknięta.",
            "en": "This survey is closed.",
        },
        "surveys.unavailable.answered": {
            "pl": "Ta ankieta ma już Twoje odpowiedzi. Dziękujemy!",
            "en": "You answered this survey already. Thank you!",
        },
        "surveys.unavailable.opted_out": {
            "pl": "Zrezygnowałeś(-aś) z ankiet, więc o nic nie pytamy.",
            "en": "You opted out of surveys, so we do not ask you anything.",
        },
        "surveys.unavailable.thanks": {
            "pl": "Dziękujemy za odpowiedzi!",
            "en": "Thank you for your answers!",
        },
        "surveys.back": {"pl": "Wróć", "en": "Back"},
        "surveys.age_band.<18": {"pl": "poniżej 18 lat", "en": "under 18"},
        "surveys.age_band.65+": {"pl": "65 lat i więcej", "en": "65 and over"},
        "surveys.company_size.1": {"pl": "1 osoba", "en": "1 person"},
        "surveys.company_size.250+": {"pl": "250 osób i więcej", "en": "250 people or more"},
        "surveys.people": {"pl": "osób", "en": "people"},
        "surveys.years": {"pl": "lat", "en": "years"},
        "surveys.mail.invite": {
            "pl": "Dzień dobry,\n\nzapraszamy do ankiety „{title}”. Zajmie kilka minut:\n\n"
            "{link}\n\nNie chcesz ankiet? Zrezygnujesz z nich w portalu, w zakładce Ankiety; "
            "wtedy nie zapytamy Cię już nigdy.\n\nIMB+",
            "en": "Hello,\n\nplease take our survey “{title}”; it takes a few minutes:\n\n"
            "{link}\n\nNo surveys, please? Opt out under Surveys in the portal and we will "
            "never ask again.\n\nIMB+",
        },
    }
)
