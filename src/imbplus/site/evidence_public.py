"""Live checks of what the public site does for a stranger (P15, P16, P24).

Each check asks the running application in-process, as a visitor with no cookie would, and
compares what it served with what the database says should be there.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import inspect, select

from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.site import policy
from imbplus.site.models import Feedback
from imbplus.web import selfcheck
from imbplus.web.audiences import audiences

LANGS = ("pl", "en")
# the only pages behind /portal and /console a stranger may open: the ways in
WAYS_IN = (
    "/portal/login",
    "/portal/register",
    "/portal/confirm",
    "/portal/reset",
    "/portal/email/confirm",
    "/console/login",
)
# columns that would tie a comment to a person or a visit (P24)
LINKING = re.compile(r"customer|account|subscriber|session|user|ip|device|order", re.I)


def _prefixed(lang: str, path: str) -> str:
    return path if lang == "pl" else f"/{lang}{path}"


@register("P15", "The policy in force is what the site serves, unchanged, in every language")
def policy_served(rt: Runtime) -> Outcome:
    site = rt.settings.site_id
    problems: list[str] = []
    in_force: dict[str, int] = {}
    with rt.sessions() as s:
        for lang in LANGS:
            shown = policy.current(s, site, lang)
            if shown is None:
                problems.append(f"{lang}: no version in force")
                continue
            in_force[lang] = shown.number
            if hashlib.sha256(shown.body.encode()).hexdigest() != shown.body_sha256:
                problems.append(
                    f"{lang}: the text of version {shown.number} differs from its published digest"
                )
    client = selfcheck.client(rt)
    for lang, number in in_force.items():
        page = client.get(_prefixed(lang, "/privacy"))
        if page.status_code != 200 or f'data-version="{number}"' not in page.text:
            problems.append(
                f"{lang}: /privacy answered {page.status_code} without version {number}"
            )
    return Outcome(
        not problems,
        "the version in force is served in Polish and English, its text as published"
        if not problems
        else "; ".join(problems),
        {"languages": len(LANGS), "pages_served": len(in_force)},
    )


def _stranger_answer(client: Any, path: str) -> tuple[int, str]:
    answer = client.get(path, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", "")


@register("P16", "Public pages open to a stranger; portal and console pages ask for a login")
def pages_for_strangers(rt: Runtime) -> Outcome:
    client = selfcheck.client(rt)
    pages = sorted(
        (path, aud)
        for (method, path), aud in audiences(selfcheck.app(rt)).items()
        if method == "GET" and "{" not in path and not path.startswith(("/api/", "/static"))
    )
    opened = refused = 0
    problems: list[str] = []
    for path, aud in pages:
        status, location = _stranger_answer(client, path)
        asked_to_log_in = status in (401, 403) or (status in (303, 307) and "/login" in location)
        behind_login = path.startswith(("/portal", "/console")) and not path.startswith(WAYS_IN)
        if aud == {"public"} and behind_login:
            problems.append(f"{path} is open to strangers although it is behind the login")
        elif aud == {"public"}:
            if asked_to_log_in or status >= 500:
                problems.append(f"public page {path} answered a stranger with {status}")
            else:
                opened += 1
        elif aud & {"staff", "subscriber"}:
            if asked_to_log_in:
                refused += 1
            else:
                problems.append(f"{path} answered a stranger with {status}")
        elif not aud:
            problems.append(f"{path} names no audience and answered a stranger with {status}")
    return Outcome(
        not problems,
        f"{opened} public pages open anonymously, {refused} closed pages send a stranger to log in"
        if not problems
        else "; ".join(problems),
        {"public_pages": opened, "closed_pages": refused},
    )


@register("P24", "Feedback is received as non-confidential and tied to no customer")
def feedback_apart(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        received = len(s.execute(select(Feedback.id).limit(1)).all())
        linked = list(
            s.execute(
                select(AuditRecord.seq).where(
                    AuditRecord.action.like("feedback.%"), AuditRecord.subject_id.is_not(None)
                )
            ).scalars()
        )
    if not received:
        return not_exercised("no comment or suggestion has been sent yet")
    columns = [c["name"] for c in inspect(rt.engine).get_columns(Feedback.__tablename__)]
    problems = [
        f"the feedback table has a linking column {c}" for c in columns if LINKING.search(c)
    ]
    problems += [f"audit record {seq} ties feedback to a customer" for seq in linked[:5]]
    form = selfcheck.client(rt).get("/feedback").text
    if 'id="nonconfidential"' not in form or 'name="understood"' not in form:
        problems.append("the feedback form no longer states that comments are not confidential")
    return Outcome(
        not problems,
        "comments are sent after the non-confidential notice and stored with no customer link"
        if not problems
        else "; ".join(problems),
        {"feedback_columns": len(columns), "linked_records": len(linked)},
    )
