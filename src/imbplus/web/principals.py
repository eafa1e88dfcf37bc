"""Who is behind a request, as far as the accounts go.

The framework resolves session cookies and reads tokens; which staff member or subscriber
account they name belongs to the staff and portal domains, and which policy notice a
subscriber still has to see to the site. The application (`imbplus.app`) hands those look-ups
over when it is built (`app.state.principals`), so the framework imports no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fastapi import Request
from sqlalchemy.orm import Session

from imbplus.privacy.access import Actor, Gate


class StaffMember(Protocol):
    """The staff account behind a console session (`staff.models.Staff`)."""

    @property
    def id(self) -> int: ...

    @property
    def role_names(self) -> list[str]: ...

    @property
    def totp_enabled(self) -> bool: ...


class PolicyNotice(Protocol):
    """A privacy-policy version the subscriber has not acknowledged yet (P22)."""

    @property
    def version_id(self) -> int: ...


@dataclass(frozen=True)
class Principals:
    # the staff member behind an API token, as an actor (refuses a bad token)
    staff_for_token: Callable[[Session, str, Gate], Actor]
    # the active staff member of a console session, None if the account may not use it
    console_staff: Callable[[Session, Gate, int], StaffMember | None]
    # when an active subscriber account was opened; None if there is none
    account_opened: Callable[[Session, str], datetime | None]
    # (session, site, lang, customer id, since): the notice the subscriber has still to see
    policy_notice: Callable[[Session, str, str, str, datetime], PolicyNotice | None]


def of(request: Request) -> Principals:
    principals: Principals = request.app.state.principals
    return principals
