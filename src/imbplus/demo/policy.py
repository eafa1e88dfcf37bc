"""The demo's privacy policy: two versions in Polish and English, written for the project
(summaries of P01-P24), so that the policy page has a history and differences to show."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources

from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.site import policy

CHANGES = {
    "pl": "Konkretne okresy przechowywania (P13) i adresów IP (P21); nowa sekcja o prawach "
    "osób, których dane dotyczą.",
    "en": "Specific retention periods (P13) and for IP addresses (P21); a new section on the "
    "rights of the people the data is about.",
}


def text(number: int, lang: str) -> str:
    return (resources.files("imbplus.demo") / "content" / f"policy-{number}.{lang}.md").read_text(
        encoding="utf-8"
    )


def load(rt: Runtime) -> int:
    """Publish the demo policy where the main site has none yet; returns versions added."""
    today = policy.today()
    first = min(date(2026, 1, 1), today - timedelta(days=30))
    added = 0
    with rt.job("policy", Purpose.REGULATORY_COMPLIANCE) as ctx:
        for lang in ("pl", "en"):
            if policy.versions(ctx.session, policy.MAIN_SITE, lang):
                continue
            for number, effective, changes in ((1, first, ""), (2, today, CHANGES[lang])):
                policy.publish(
                    ctx,
                    site=policy.MAIN_SITE,
                    lang=lang,
                    text=text(number, lang),
                    effective_from=effective,
                    changes=changes,
                )
                added += 1
    return added
