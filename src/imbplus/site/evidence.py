"""Live checks for the public site (P16, P17, P18, P22, P23)."""

from __future__ import annotations

import re

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.runtime import Runtime
from imbplus.site.models import PolicyVersion, PrivacyInquiry
from imbplus.web import cookies, selfcheck

PUBLIC = ("/", "/en/", "/offer", "/help", "/privacy", "/cookies", "/contact", "/feedback")


@register("P18", "Public pages set no cookie but necessary ones before consent")
def no_cookies_before_consent(rt: Runtime) -> Outcome:
    client = selfcheck.client(rt)
    seen: dict[str, str] = {}
    statuses = []
    for path in PUBLIC:
        response = client.get(path)
        statuses.append(response.status_code)
        for header in response.headers.get_list("set-cookie"):
            name = header.split("=", 1)[0].strip()
            if "max-age=0" in header.lower() or "expires=thu, 01 jan 1970" in header.lower():
                continue  # a deletion
            seen[name] = cookies.BY_NAME[name].category.value if name in cookies.BY_NAME else "?"
    optional = sorted(n for n, c in seen.items() if c != "necessary")
    return Outcome(
        not optional and all(s == 200 for s in statuses),
        "only necessary cookies (or none) before consent; every page answered"
        if not optional
        else f"set before consent: {optional}",
        {
            "pages": len(PUBLIC),
            "cookies_set": len(seen),
            "registered_cookies": len(cookies.REGISTER),
        },
    )


@register("P17", "External links are marked and open without referrer")
def external_links(rt: Runtime) -> Outcome:
    client = selfcheck.client(rt)
    links = bad = 0
    for path in PUBLIC:
        for tag in re.findall(r"<a\s[^>]*href=\"https?://[^\"]+\"[^>]*>", client.get(path).text):
            links += 1
            if 'rel="noopener noreferrer"' not in tag:
                bad += 1
    return Outcome(
        bad == 0,
        f"{links} external links, all rel=noopener noreferrer"
        if bad == 0
        else f"{bad} external links without noopener noreferrer",
        {"external_links": links, "without_rel": bad},
    )


@register("P22", "A dated policy version is in force in every language")
def policy_in_force(rt: Runtime) -> Outcome:
    today = clock.now().date()
    with rt.sessions() as s:
        rows = s.execute(
            select(PolicyVersion.lang, PolicyVersion.number).where(
                PolicyVersion.site == rt.settings.site_id, PolicyVersion.effective_from <= today
            )
        ).all()
    langs = {lang for lang, _n in rows}
    missing = sorted({"pl", "en"} - langs)
    return Outcome(
        not missing,
        "Polish and English versions in force"
        if not missing
        else f"no version in force for: {missing}",
        {"versions": len(rows), "languages": len(langs)},
    )


@register("P23", "Privacy questions are answered within one month")
def inquiries_answered(rt: Runtime) -> Outcome:
    now = clock.now()
    with rt.sessions() as s:
        rows = s.execute(
            select(PrivacyInquiry.due_at, PrivacyInquiry.answered_at, PrivacyInquiry.closed_at)
        ).all()
    open_ = [due for due, answered, closed in rows if answered is None and closed is None]
    late = sum(1 for due in open_ if due < now)
    answered_late = sum(1 for due, answered, _c in rows if answered is not None and answered > due)
    figures = {
        "questions": len(rows),
        "open_questions": len(open_),
        "overdue": late,
        "answered_late": answered_late,
    }
    if not rows:
        return not_exercised("no privacy question has been asked yet", figures)
    if late or answered_late:
        return Outcome(
            False,
            f"{late} questions past their answer date, {answered_late} answered after it",
            figures,
        )
    return Outcome(True, "every question answered, or open, within its month", figures)
