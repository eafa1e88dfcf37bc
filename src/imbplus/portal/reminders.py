"""Reminders on the portal home page, contributed by domains (e.g. an unprotected box, P14).

A domain registers `provider(ctx, customer_id) -> list[Reminder]` in the module its plugin
names (`reminders`); the home page shows every reminder with a link to where it is fixed.
Invitations the subscriber has not answered yet (surveys, P21) are registered the same way
with `register_invitations(name, source)`: `source(session, customer_id)` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from imbplus import plugin
from imbplus.privacy.access import Context


@dataclass(frozen=True)
class Reminder:
    message_key: str  # a registered text (imbplus.web.i18n)
    link: str  # a portal path, without the language prefix


Provider = Callable[[Context, str], list[Reminder]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def collect(ctx: Context, customer_id: str) -> list[Reminder]:
    plugin.require("reminders")
    return [r for provider in _PROVIDERS.values() for r in provider(ctx, customer_id)]


InvitationSource = Callable[[Session, str], Sequence[object]]
_INVITATIONS: dict[str, InvitationSource] = {}


def register_invitations(name: str, source: InvitationSource) -> None:
    _INVITATIONS[name] = source


def invitations(session: Session, customer_id: str) -> list[object]:
    """Open invitations of the subscriber (the home page lists them with their titles)."""
    plugin.require("reminders")
    return [i for source in _INVITATIONS.values() for i in source(session, customer_id)]
