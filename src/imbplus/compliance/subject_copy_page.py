"""The readable page of a subject's copy (`index.html` in the ZIP), in Polish or English:
what we hold, why, on which basis, for how long, from where, who received it and who
accessed it. Self-contained (one file, its own style), opened from the unpacked ZIP."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from imbplus.web import i18n
from imbplus.web.pages import templates_dir

if TYPE_CHECKING:
    from imbplus.compliance.subject_copy import SubjectCopy

KEYS = (
    "title",
    "intro",
    "files",
    "categories",
    "category",
    "purposes",
    "retention",
    "source",
    "days",
    "while",
    "activity",
    "events",
    "recipients",
    "none",
    "when",
    "recipient",
    "purpose",
    "data",
    "sandbox",
    "accesses",
    "who",
    "what",
    "complaint",
)  # texts in the catalogues as copy.page.<key>


@lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())), autoescape=select_autoescape(["html"])
    )
    return env.get_template("documents/subject_copy.html")


def render_page(copy: SubjectCopy, lang: str) -> str:
    lang = lang if lang in ("pl", "en") else "pl"
    return _template().render(
        copy=copy, lang=lang, t={key: i18n.translate(lang, f"copy.page.{key}") for key in KEYS}
    )
