"""The readable page of a subject's copy (`index.html` in the ZIP), in Polish or English:
what we hold, why, on which basis, for how long, from where, who received it and who
accessed it. Self-contained (one file, its own style), opened from the unpacked ZIP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape

from imbplus.web.pages import templates_dir

if TYPE_CHECKING:
    from imbplus.compliance.subject_copy import SubjectCopy

TEXTS: dict[str, dict[str, str]] = {
    "title": {"pl": "Twoje dane w IMB+", "en": "Your data at IMB+"},
    "intro": {
        "pl": "Kopia wszystkich danych, które o Tobie przechowujemy (art. 15 i 20 RODO), stan na",
        "en": "A copy of all the data we hold about you (GDPR art. 15 and 20), as of",
    },
    "files": {
        "pl": "Dane do odczytu maszynowego są w plikach data.json i activity.csv; "
        "manifest.json podaje skrót SHA-256 każdego pliku.",
        "en": "Machine-readable data is in data.json and activity.csv; manifest.json gives "
        "each file's SHA-256.",
    },
    "categories": {"pl": "Co przechowujemy i dlaczego", "en": "What we hold and why"},
    "category": {"pl": "Kategoria", "en": "Category"},
    "purposes": {"pl": "Cele", "en": "Purposes"},
    "retention": {"pl": "Jak długo i na jakiej podstawie", "en": "How long, on which basis"},
    "source": {"pl": "Skąd", "en": "Source"},
    "days": {"pl": "dni", "en": "days"},
    "while": {"pl": "wg umowy", "en": "while the contract lasts"},
    "activity": {"pl": "Aktywność Twoich dekoderów", "en": "Activity of your set-top boxes"},
    "events": {"pl": "zdarzeń, w pliku activity.csv", "en": "events, in activity.csv"},
    "recipients": {"pl": "Komu przekazaliśmy dane", "en": "Who received your data"},
    "none": {"pl": "Brak.", "en": "None."},
    "when": {"pl": "Kiedy", "en": "When"},
    "recipient": {"pl": "Odbiorca", "en": "Recipient"},
    "purpose": {"pl": "Cel", "en": "Purpose"},
    "data": {"pl": "Dane", "en": "Data"},
    "sandbox": {
        "pl": "(środowisko testowe: dane nie opuściły systemu)",
        "en": "(sandbox: the data never left the system)",
    },
    "accesses": {"pl": "Kto korzystał z Twoich danych", "en": "Who accessed your data"},
    "who": {"pl": "Kto", "en": "Who"},
    "what": {"pl": "Co", "en": "What"},
    "complaint": {
        "pl": "Masz prawo wnieść skargę do Prezesa Urzędu Ochrony Danych Osobowych.",
        "en": "You may lodge a complaint with the President of the Personal Data Protection "
        "Office (UODO).",
    },
}


def render_page(copy: SubjectCopy, lang: str) -> str:
    lang = lang if lang in ("pl", "en") else "pl"
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())), autoescape=select_autoescape(["html"])
    )
    return env.get_template("documents/subject_copy.html").render(
        copy=copy, lang=lang, t={key: texts[lang] for key, texts in TEXTS.items()}
    )
