"""Portal accounts: open, log in (rate-limited, argon2id), change password (P12, P16)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from imbplus.auth import passwords, sessions, throttle
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.customers import validation
from imbplus.errors import Conflict, ValidationFailed
from imbplus.portal import tokens
from imbplus.portal.models import CustomerAccount
from imbplus.privacy.access import Context
from imbplus.runtime import Runtime


def _weak(password: str) -> None:
    reason = passwords.check_password_strength(password)
    if reason:
        raise ValidationFailed([{"field": "password", "problem": reason}])


def open_account(ctx: Context, customer_id: str, password: str) -> CustomerAccount:
    """Give an existing customer a portal login."""
    _weak(password)
    customers.status_of(ctx, customer_id)  # 404 for an unknown customer
    if ctx.session.get(CustomerAccount, customer_id) is not None:
        raise Conflict("this customer already has a portal account")
    now = clock.now()
    account = CustomerAccount(
        customer_id=customer_id,
        password_hash=passwords.hash_secret(password),
        active=True,
        created_at=now,
        password_changed_at=now,
        confirmed_at=now,  # opened by staff or a job for a known customer
    )
    ctx.session.add(account)
    ctx.session.flush()
    ctx.note("portal.account_opened", subject=customer_id)
    return account


def change_password(ctx: Context, customer_id: str, current: str, new: str) -> bool:
    account = ctx.session.get(CustomerAccount, customer_id)
    if account is None or not passwords.verify_secret(account.password_hash, current):
        return False
    _weak(new)
    account.password_hash = passwords.hash_secret(new)
    account.password_changed_at = clock.now()
    sessions.end_all(ctx.session, "customer", customer_id)
    tokens.withdraw(ctx.session, customer_id, tokens.EMAIL)  # a pending change dies too
    ctx.note("portal.password_changed", subject=customer_id)
    return True


@dataclass(frozen=True)
class Login:
    customer_id: str | None
    # the password was right but the e-mail address is not confirmed yet
    unconfirmed: str | None = None


def login_identity(email: str) -> str:
    """The identity a login e-mail resolves to: normalised as the customer lookup does it
    (so `anna@ｅxample.pl` with a full-width letter is `anna@example.pl`); what is no valid
    address at all is compared in its compatibility form, case-folded."""
    try:
        return validation.email(email)
    except ValueError:
        return unicodedata.normalize("NFKC", email.strip()).casefold()


def login(rt: Runtime, session: Session, email: str, password: str, address: str) -> Login:
    """Check e-mail and password. Raises RateLimited; a failure is returned (not raised) so
    that the failure counter commits with the caller's unit of work."""
    identity = login_identity(email)
    throttle.check(session, rt.keyring, rt.settings, account=identity, address=address)
    customer_id = customers.id_for_login(rt, session, identity)
    account = session.get(CustomerAccount, customer_id) if customer_id else None
    stored = account.password_hash if account is not None and account.active else None
    if not passwords.verify_secret(stored, password) or account is None:
        throttle.record_failure(session, rt.keyring, account=identity, address=address)
        return Login(None)
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_secret(password)
    throttle.record_success(session, rt.keyring, account=identity, address=address)
    if account.confirmed_at is None:
        return Login(None, unconfirmed=account.customer_id)
    account.last_login_at = clock.now()
    return Login(account.customer_id)


def has_account(session: Session, customer_id: str) -> bool:
    return session.get(CustomerAccount, customer_id) is not None


def account_opened(session: Session, customer_id: str) -> datetime | None:
    """When the subscriber's active account was opened; None when there is none (a closed
    account's session serves nothing)."""
    account = session.get(CustomerAccount, customer_id)
    if account is None or not account.active:
        return None
    return account.created_at
