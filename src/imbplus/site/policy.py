"""Privacy-policy versions per site and language (P15, P22).

A version is published once and never changed (the table is append-only). It takes effect
on its effective date; until then the previous one is in force and the new one is shown as
announced. A site without a policy of its own shows the main site's (P15).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import Conflict, NotFound, ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.site.models import PolicyVersion
from imbplus.web.i18n import LANGS

MAIN_SITE = "imbplus"
MAX_CHARS = 100_000
MAX_CHANGES = 2_000
_SITE = re.compile(r"^[a-z0-9-]{2,32}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The policy is public text in a small Markdown subset; raw HTML is escaped, never passed.
_MD = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])


def today() -> date:
    return clock.now().date()


@dataclass(frozen=True)
class PolicyDoc:
    title: str
    body: str


def parse_document(text: str) -> PolicyDoc:
    """`# Title` on the first non-empty line, then the text (Markdown subset)."""
    problems = []
    if len(text) > MAX_CHARS:
        problems.append({"field": "text", "problem": f"at most {MAX_CHARS} characters"})
    if _CONTROL.search(text):
        problems.append({"field": "text", "problem": "contains control characters"})
    lines = text.replace("\r\n", "\n").strip().split("\n")
    title = lines[0].strip() if lines else ""
    if not title.startswith("# ") or len(title) > 202:
        problems.append({"field": "text", "problem": "must start with a '# Title' line"})
    body = "\n".join(lines[1:]).strip()
    if not body:
        problems.append({"field": "text", "problem": "has no text after the title"})
    if problems:
        raise ValidationFailed(problems)
    return PolicyDoc(title[2:].strip(), body)


def check_target(site: str, lang: str) -> None:
    problems = []
    if not _SITE.fullmatch(site):
        problems.append({"field": "site", "problem": "2-32 of a-z, 0-9 and -"})
    if lang not in LANGS:
        problems.append({"field": "lang", "problem": f"one of {', '.join(LANGS)}"})
    if problems:
        raise ValidationFailed(problems)


def publish(
    ctx: Context, *, site: str, lang: str, text: str, effective_from: date, changes: str
) -> PolicyVersion:
    """Publish the next version. The first version of a site and language may carry an
    earlier date (loading an existing policy); later ones take effect today or later and
    never before the latest one."""
    ctx.check(Action.WRITE, {Category.REFERENCE}, operation="policy.publish")
    check_target(site, lang)
    doc = parse_document(text)
    changes = changes.strip()
    latest = _latest(ctx.session, site, lang)
    if latest is not None:
        problems = []
        if not changes:
            problems.append({"field": "changes", "problem": "say what changed"})
        if effective_from < today():
            problems.append({"field": "effective", "problem": "cannot be in the past"})
        elif effective_from < latest.effective_from:
            problems.append(
                {"field": "effective", "problem": "before the latest version's effective date"}
            )
        if problems:
            raise ValidationFailed(problems)
    if len(changes) > MAX_CHANGES or _CONTROL.search(changes):
        raise ValidationFailed(
            [{"field": "changes", "problem": f"at most {MAX_CHANGES} plain characters"}]
        )
    digest = hashlib.sha256(doc.body.encode()).hexdigest()
    if latest is not None and latest.body_sha256 == digest and latest.title == doc.title:
        raise Conflict("this text is the same as the latest version", number=latest.number)
    version = PolicyVersion(
        site=site,
        lang=lang,
        number=(latest.number + 1) if latest is not None else 1,
        title=doc.title,
        body=doc.body,
        changes=changes or ("Pierwsza wersja." if lang == "pl" else "First version."),
        effective_from=effective_from,
        published_at=clock.now(),
        published_by=ctx.actor.label[:64],
        body_sha256=digest,
    )
    ctx.session.add(version)
    ctx.session.flush()
    ctx.note("policy.published", reason=f"{site}/{lang}/v{version.number}")
    return version


def _latest(session: Session, site: str, lang: str) -> PolicyVersion | None:
    return session.execute(
        select(PolicyVersion)
        .where(PolicyVersion.site == site, PolicyVersion.lang == lang)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    ).scalar()


def _own_site(session: Session, site: str, lang: str) -> str:
    """The site whose documents apply: its own once it has published one, else the main."""
    if site == MAIN_SITE:
        return site
    has_own = session.execute(
        select(func.count())
        .select_from(PolicyVersion)
        .where(PolicyVersion.site == site, PolicyVersion.lang == lang)
    ).scalar_one()
    return site if has_own else MAIN_SITE


def current(session: Session, site: str, lang: str, on: date | None = None) -> PolicyVersion | None:
    """The version in force on a day (today by default)."""
    owner = _own_site(session, site, lang)
    return session.execute(
        select(PolicyVersion)
        .where(
            PolicyVersion.site == owner,
            PolicyVersion.lang == lang,
            PolicyVersion.effective_from <= (on or today()),
        )
        .order_by(PolicyVersion.effective_from.desc(), PolicyVersion.number.desc())
        .limit(1)
    ).scalar()


def versions(session: Session, site: str, lang: str) -> list[PolicyVersion]:
    """Every version, newest first, announced ones included."""
    owner = _own_site(session, site, lang)
    return list(
        session.execute(
            select(PolicyVersion)
            .where(PolicyVersion.site == owner, PolicyVersion.lang == lang)
            .order_by(PolicyVersion.number.desc())
        ).scalars()
    )


def announced(session: Session, site: str, lang: str) -> PolicyVersion | None:
    """The next version, published but not yet in force."""
    owner = _own_site(session, site, lang)
    return session.execute(
        select(PolicyVersion)
        .where(
            PolicyVersion.site == owner,
            PolicyVersion.lang == lang,
            PolicyVersion.effective_from > today(),
        )
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    ).scalar()


def latest(session: Session, site: str, lang: str) -> PolicyVersion | None:
    """The newest version, announced or in force."""
    return _latest(session, _own_site(session, site, lang), lang)


def get(session: Session, site: str, lang: str, number: int) -> PolicyVersion:
    owner = _own_site(session, site, lang)
    found = session.execute(
        select(PolicyVersion).where(
            PolicyVersion.site == owner, PolicyVersion.lang == lang, PolicyVersion.number == number
        )
    ).scalar()
    if found is None:
        raise NotFound("no policy version with this number", number=number)
    return found


# "**P01.** " before a commitment, and a sentence that speaks of the numbers: the clause
# ids are the system's own (staff, tests, evidence); a reader of the policy sees the text
_CLAUSE_MARK = re.compile(r"\*\*[PB]\d{2}\.\*\*\s*")
_CLAUSE_RANGE_SENTENCE = re.compile(r"[^.\n]*\b[PB]\d{2}[–-][PB]\d{2}\b[^.\n]*\.[ \t]?")
_CLAUSE_REFS = re.compile(r"\s*\((?:[PB]\d{2}(?:,\s*|\s*[–-]\s*)?)+\)")


def for_readers(text: str) -> str:
    """The policy's Markdown (or a version's summary) without internal clause ids: the
    "**P01.**" marks, "(P13)" references and a sentence about the numbering go."""
    text = _CLAUSE_RANGE_SENTENCE.sub("", _CLAUSE_MARK.sub("", text))
    return _CLAUSE_REFS.sub("", text).rstrip()


def render(body: str) -> Markup:
    """The policy as a reader sees it: Markdown as HTML, without clause ids."""
    return Markup(_MD.render(for_readers(body)))  # noqa: S704 - markdown-it escapes; no raw HTML


@dataclass(frozen=True)
class DiffLine:
    kind: str  # same | added | removed
    text: str

    @property
    def block(self) -> str:
        """How the line reads in the document: heading, list item or paragraph."""
        if self.text.startswith("#"):
            return "heading"
        return "item" if self.text.startswith(("- ", "* ")) else "text"

    @property
    def html(self) -> Markup:
        """The line's text as it reads in the document (emphasis rendered, markers and
        clause ids dropped), never as raw Markdown."""
        text = for_readers(self.text.lstrip("#").removeprefix(" ").strip())
        if self.block == "item":
            text = text[2:]
        return Markup(_MD.renderInline(text))  # noqa: S704 - markdown-it escapes; no raw HTML


def differences(old: PolicyVersion, new: PolicyVersion) -> list[DiffLine]:
    """Line-by-line differences between two versions (title included)."""
    before = [f"# {old.title}", *old.body.split("\n")]
    after = [f"# {new.title}", *new.body.split("\n")]
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(DiffLine("same", line) for line in before[a0:a1])
            continue
        out.extend(DiffLine("removed", line) for line in before[a0:a1])
        out.extend(DiffLine("added", line) for line in after[b0:b1])
    return out
