"""Changing the portal login e-mail (P12, P16): asked for with the current password,
confirmed from the new address, told to the old one.

The subscriber gets the same answer whether or not the new address belongs to another
customer, so the form tells nobody who is a customer. When the address is free, a one-time
link goes to it; when it is taken, its owner hears that someone tried to use it for another
account and nothing changes. Either way the address on record hears of the request. The
address changes only when the link is followed (and only if it is still free then); the
old address then hears of the change. The new address waits, encrypted under the
customer's own key, in the link's row.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from imbplus.auth import passwords
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.customers.schemas import CustomerUpdate
from imbplus.errors import Conflict
from imbplus.portal import mail, tokens
from imbplus.portal.models import CustomerAccount, PortalToken
from imbplus.portal.signup import link, portal_job, send_mail
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from imbplus.web import i18n

REQUESTS_PER_HOUR = 3  # no mail bombing of someone else's address through the form
TABLE, COLUMN = "portal_tokens", "new_email_ct"


class Request(StrEnum):
    SENT = "sent"  # the one answer, whatever happened to the new address
    UNCHANGED = "unchanged"  # the address on record already
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - an outcome, not a secret


def request(ctx: Context, customer_id: str, current_password: str, new: str, lang: str) -> Request:
    """Ask for a change to `new` (validated and normalised) as the logged-in customer."""
    session, rt = ctx.session, ctx.platform
    account = session.get(CustomerAccount, customer_id)
    if account is None or not passwords.verify_secret(account.password_hash, current_password):
        return Request.WRONG_PASSWORD
    owner = customers.id_for_login(rt, session, new)
    if owner == customer_id:
        return Request.UNCHANGED
    hour_ago = clock.now() - timedelta(hours=1)
    reference = "portal:email_change_requested"
    if mail.queued_since(session, customer_id, reference, hour_ago) >= REQUESTS_PER_HOUR:
        return Request.SENT  # the same answer; nothing more is sent for a while
    send_mail(ctx, customer_id, lang, "email_change_requested")
    if owner is None:
        _send_link(ctx, customer_id, new, lang)
    else:
        send_mail(portal_job(rt, session), owner, lang, "email_in_use")
    ctx.note("portal.email_change_requested", subject=customer_id)
    return Request.SENT


def _send_link(ctx: Context, customer_id: str, new: str, lang: str) -> None:
    hours = ctx.platform.settings.portal_confirm_hours
    token = tokens.issue(ctx.session, customer_id, tokens.EMAIL, timedelta(hours=hours))
    row = tokens.row_of(ctx.session, token)
    assert row is not None
    ctx.check(
        Action.WRITE, {Category.CONTACT}, operation="portal.email_pending", subjects=[customer_id]
    )
    key_id = customers.data_key_id(ctx, customer_id)
    row.new_email_ct = ctx.keyring.seal(ctx.session, key_id, TABLE, COLUMN, row.id_hash, new)
    url = link(ctx.platform, lang, "/portal/email/confirm", token)
    subject, body = _texts(lang, "email_change", link=url, hours=hours)
    mail.send_to_new_address(ctx, customer_id, new, subject, body, reference="portal:email_change")


def _texts(lang: str, kind: str, **values: object) -> tuple[str, str]:
    return (
        i18n.translate(lang, f"mail.{kind}.subject"),
        i18n.translate(lang, f"mail.{kind}.body", **values),
    )


def confirm(rt: Runtime, session: Session, token: str, lang: str, request_id: str) -> bool:
    """Follow a link: the customer's address becomes the new one. False for a dead link, or
    when the address is no longer free (nothing changes then)."""
    row = tokens.redeem_row(session, token, tokens.EMAIL)
    if row is None or row.new_email_ct is None:
        return False
    customer_id = row.customer_id
    if customers.status_of(portal_job(rt, session), customer_id) != "active":
        row.new_email_ct = None
        return False
    ctx = Context(session, rt, Actor.customer(customer_id), Purpose.SERVICE_DELIVERY, request_id)
    new = ctx.reveal_one(
        PortalToken,
        row,
        COLUMN,
        key="id_hash",
        operation="portal.email_confirm",
        subject=customer_id,
    )
    row.new_email_ct = None
    try:
        with session.begin_nested():  # the notice is withdrawn if the change is refused
            send_mail(ctx, customer_id, lang, "email_changed")  # before the address changes
            customers.update(ctx, customer_id, CustomerUpdate(email=new))
    except Conflict:
        ctx.note("portal.email_change_refused", subject=customer_id, reason="address taken")
        return False
    ctx.note("portal.email_changed", subject=customer_id)
    return True
