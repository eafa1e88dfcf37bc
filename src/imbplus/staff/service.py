"""Staff accounts: creation, tokens, password login (P11, P12); the second factor is in
`mfa`."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from imbplus.auth import passwords, throttle
from imbplus.clock import clock
from imbplus.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from imbplus.privacy.access import Actor, Context, Gate
from imbplus.privacy.catalog import Role
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff.models import ApiToken, Staff, StaffRole

TOKEN_PREFIX = "imbst_"  # noqa: S105 - a prefix, not a secret
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def _problem(field: str, problem: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "problem": problem}])


def parse_roles(roles: list[str]) -> list[Role]:
    if not roles:
        raise _problem("role", "at least one role is required")
    try:
        return sorted({Role(r.strip()) for r in roles})
    except ValueError:
        raise _problem(
            "role", f"unknown role; allowed: {', '.join(r.value for r in Role)}"
        ) from None


def username_from_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.lower().replace("ł", "l"))
    ascii_name = "".join(ch for ch in ascii_name if not unicodedata.combining(ch))
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")[:40] or "staff"
    return base if USERNAME.match(base) else f"staff.{base}"[:64]


def add(
    ctx: Context,
    *,
    name: str,
    roles: list[str],
    username: str | None = None,
    password: str | None = None,
) -> tuple[Staff, str]:
    """Create an employee; returns the account and its first API token (shown once)."""
    session = ctx.session
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise _problem("name", "1 to 200 characters")
    role_list = parse_roles(roles)
    username = username or username_from_name(name)
    if not USERNAME.match(username):
        raise _problem("username", "2-64 characters: a-z, 0-9, dot, dash, underscore")
    if session.execute(select(Staff.id).where(Staff.username == username)).first():
        raise Conflict("a staff account with this username already exists", field="username")
    staff = Staff(username=username, display_name=name, active=True, created_at=clock.now())
    if password is not None:
        _set_password(staff, password)
    staff.roles = [StaffRole(role=r.value) for r in role_list]
    session.add(staff)
    session.flush()
    token = issue_token(ctx, staff)
    ctx.note("staff.add", reason=f"staff:{staff.id} roles={','.join(staff.role_names)}")
    return staff, token


def _set_password(staff: Staff, password: str) -> None:
    weak = passwords.check_password_strength(password)
    if weak:
        raise _problem("password", weak)
    staff.password_hash = passwords.hash_secret(password)


def set_password(ctx: Context, staff: Staff, password: str) -> None:
    _set_password(staff, password)
    ctx.note("staff.password_set", reason=f"staff:{staff.id}")


def get_by_username(session: Session, username: str) -> Staff:
    staff = session.execute(select(Staff).where(Staff.username == username)).scalar()
    if staff is None:
        raise NotFound("no staff account with this username")
    return staff


def list_staff(session: Session) -> list[Staff]:
    return list(session.execute(select(Staff).order_by(Staff.id)).scalars())


def set_active(ctx: Context, staff: Staff, active: bool) -> None:
    staff.active = active
    if not active:
        revoke_tokens(ctx, staff)
    ctx.note("staff.enabled" if active else "staff.disabled", reason=f"staff:{staff.id}")


# -- API tokens --------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(ctx: Context, staff: Staff) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    ctx.session.add(
        ApiToken(
            staff_id=staff.id,
            token_hash=_token_hash(token),
            prefix=token[:12],
            created_at=now,
            expires_at=now + timedelta(days=ctx.platform.settings.token_days),
        )
    )
    ctx.note("staff.token_issued", reason=f"staff:{staff.id}")
    return token


def revoke_tokens(ctx: Context, staff: Staff) -> int:
    result = ctx.session.execute(
        update(ApiToken)
        .where(ApiToken.staff_id == staff.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    ctx.note("staff.tokens_revoked", reason=f"staff:{staff.id}")
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def actor_for_token(session: Session, token: str, gate: Gate) -> Actor:
    """The staff member behind an API token. The token of an account that must have a
    second factor works only once the account has one: its owner logs in to the console
    once and enrols (tokens are issued to accounts, not to a logged-in session)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        raise Unauthenticated("invalid API token")
    row = session.execute(
        select(ApiToken, Staff)
        .join(Staff, Staff.id == ApiToken.staff_id)
        .where(ApiToken.token_hash == _token_hash(token))
    ).first()
    if row is None:
        raise Unauthenticated("invalid API token")
    api_token, staff = row
    now = clock.now()
    if api_token.revoked_at is not None:
        raise Unauthenticated("API token revoked")
    if api_token.expires_at <= now:
        raise Unauthenticated("API token expired")
    if not staff.active:
        raise Unauthenticated("staff account disabled")
    if mfa.missing(gate, staff):
        raise Unauthenticated(
            "this account has no second factor yet; log in to the console once to set it up"
        )
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=5):
        api_token.last_used_at = now
    return Actor.staff(staff.id, staff.role_names)


# -- console login -----------------------------------------------------------------------
class LoginStatus(StrEnum):
    OK = "ok"
    NEEDS_TOTP = "needs_totp"  # password right; a code (or recovery code) is due
    NEEDS_ENROLMENT = "needs_enrolment"  # password right; no second factor yet: enrol now
    FAILED = "failed"


@dataclass(frozen=True)
class LoginOutcome:
    status: LoginStatus
    staff: Staff | None = None


def login_identity(username: str) -> str:
    """Usernames are compared in their compatibility form, case-folded."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def login(
    rt: Runtime, session: Session, username: str, password: str, address: str
) -> LoginOutcome:
    """Check a password. Raises RateLimited; a failure is recorded and returned, not raised,
    so that the caller's unit of work commits the failure counter. The throttle is cleared
    only once the whole login, second factor included, succeeded."""
    identity = login_identity(username)
    throttle.check(session, rt.keyring, rt.settings, account=identity, address=address)
    staff = session.execute(select(Staff).where(Staff.username == identity)).scalar()
    stored = staff.password_hash if staff is not None and staff.active else None
    if not passwords.verify_secret(stored, password) or staff is None:
        throttle.record_failure(session, rt.keyring, account=identity, address=address)
        return LoginOutcome(LoginStatus.FAILED)
    assert staff.password_hash is not None
    if passwords.needs_rehash(staff.password_hash):
        staff.password_hash = passwords.hash_secret(password)
    if staff.totp_enabled:
        return LoginOutcome(LoginStatus.NEEDS_TOTP, staff)
    if mfa.required(rt.gate, staff.role_names):
        return LoginOutcome(LoginStatus.NEEDS_ENROLMENT, staff)
    throttle.record_success(session, rt.keyring, account=identity, address=address)
    return LoginOutcome(LoginStatus.OK, staff)
