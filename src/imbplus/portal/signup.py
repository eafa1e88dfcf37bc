"""Registration, e-mail confirmation and password reset for subscribers (P12, P16).

A visitor registers with name, contact data, address and a password: the portal creates
the customer record through the customers service (as the `portal` system job), a portal
account that cannot log in yet, and e-mails a confirmation link through the outbox. The
answer never tells whether an address is known: when it is, the owner gets a link to set a
password instead, and no second record is made. A reset link works once, for
`portal_reset_minutes`; using it ends every session of the account.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from imbplus.auth import passwords, sessions
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict
from imbplus.portal import mail, tokens
from imbplus.portal.models import CustomerAccount
from imbplus.portal.schemas import RegistrationForm
from imbplus.privacy.access import Actor, Context, Platform
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.web import i18n

RESETS_PER_HOUR = 3
CONFIRM_RESEND_MINUTES = 10


def portal_job(rt: Platform, session: Session) -> Context:
    return Context(session, rt, Actor.system("portal"), Purpose.SERVICE_DELIVERY)


def link(rt: Platform, lang: str, path: str, token: str) -> str:
    base = rt.settings.public_base_url.rstrip("/")
    return f"{base}{i18n.localized(lang, path)}?token={token}"


def send_mail(ctx: Context, customer_id: str, lang: str, kind: str, **values: object) -> None:
    mail.send_to_customer(
        ctx,
        customer_id,
        i18n.translate(lang, f"mail.{kind}.subject"),
        i18n.translate(lang, f"mail.{kind}.body", **values),
        reference=f"portal:{kind}",
    )


def register(rt: Runtime, session: Session, form: RegistrationForm, lang: str) -> None:
    ctx = portal_job(rt, session)
    known = customers.id_for_login(rt, session, form.email)
    if known is not None:
        _send_reset(ctx, known, lang)
        return
    try:
        customer = customers.create(ctx, form.as_customer())
    except Conflict:
        return  # a suspended customer's address: same answer, nothing stored
    now = clock.now()
    session.add(
        CustomerAccount(
            customer_id=customer.id,
            password_hash=passwords.hash_secret(form.password),
            active=True,
            created_at=now,
            password_changed_at=now,
            confirmed_at=None,
        )
    )
    session.flush()
    ctx.note("portal.registered", subject=customer.id)
    _send_confirmation(ctx, customer.id, lang)


def _send_confirmation(ctx: Context, customer_id: str, lang: str) -> None:
    hours = ctx.platform.settings.portal_confirm_hours
    token = tokens.issue(ctx.session, customer_id, tokens.CONFIRM, timedelta(hours=hours))
    send_mail(
        ctx,
        customer_id,
        lang,
        "confirm",
        link=link(ctx.platform, lang, "/portal/confirm", token),
        hours=hours,
    )


def resend_confirmation(rt: Runtime, session: Session, customer_id: str, lang: str) -> None:
    """Again, at most once per CONFIRM_RESEND_MINUTES (asked for by logging in unconfirmed)."""
    since = clock.now() - timedelta(minutes=CONFIRM_RESEND_MINUTES)
    if tokens.issued_since(session, customer_id, tokens.CONFIRM, since) == 0:
        _send_confirmation(portal_job(rt, session), customer_id, lang)


def confirm(rt: Runtime, session: Session, token: str) -> str | None:
    """Confirm a registration; the customer id, or None for a dead link."""
    customer_id = tokens.redeem(session, token, tokens.CONFIRM)
    account = session.get(CustomerAccount, customer_id) if customer_id else None
    if account is None:
        return None
    account.confirmed_at = account.confirmed_at or clock.now()
    portal_job(rt, session).note("portal.confirmed", subject=account.customer_id)
    return account.customer_id


def _send_reset(ctx: Context, customer_id: str, lang: str) -> None:
    since = clock.now() - timedelta(hours=1)
    if tokens.issued_since(ctx.session, customer_id, tokens.RESET, since) >= RESETS_PER_HOUR:
        return  # no mail bombing of a subscriber through the form
    minutes = ctx.platform.settings.portal_reset_minutes
    token = tokens.issue(ctx.session, customer_id, tokens.RESET, timedelta(minutes=minutes))
    send_mail(
        ctx,
        customer_id,
        lang,
        "reset",
        link=link(ctx.platform, lang, "/portal/reset/confirm", token),
        minutes=minutes,
    )
    ctx.note("portal.reset_requested", subject=customer_id)


def request_reset(rt: Runtime, session: Session, email: str, lang: str) -> None:
    """E-mail a reset link when the address belongs to an active customer; silent otherwise."""
    customer_id = customers.id_for_login(rt, session, email)
    if customer_id is not None:
        _send_reset(portal_job(rt, session), customer_id, lang)


def reset_password(rt: Runtime, session: Session, token: str, password: str) -> str | None:
    """Set a new password with a reset link (opens the portal account of a customer who had
    none). Every session of the account ends. None for a dead link."""
    customer_id = tokens.redeem(session, token, tokens.RESET)
    if customer_id is None or customers.status_of(portal_job(rt, session), customer_id) != "active":
        return None
    now = clock.now()
    account = session.get(CustomerAccount, customer_id)
    if account is None:
        account = CustomerAccount(
            customer_id=customer_id, active=True, created_at=now, password_hash=""
        )
        session.add(account)
    account.password_hash = passwords.hash_secret(password)
    account.password_changed_at = now
    account.confirmed_at = account.confirmed_at or now  # the link proved the address
    tokens.withdraw(session, customer_id, tokens.RESET)
    tokens.withdraw(session, customer_id, tokens.EMAIL)  # whoever asked for a change: not now
    sessions.end_all(session, "customer", customer_id)
    session.flush()
    portal_job(rt, session).note("portal.password_reset", subject=customer_id)
    return customer_id
