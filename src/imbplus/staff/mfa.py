"""The staff second factor (P12): TOTP codes and one-time recovery codes.

Every staff role that the access policy lets handle personal data must log in with a
second factor; the roles are read from the policy file through the gate, not listed here.
An account without one is taken to enrolment right after its password: the page shows a
new secret and its QR code (rendered here, as inline SVG), a code from the app confirms
it, and ten recovery codes are shown once. Each recovery code works once instead of a TOTP
code; only argon2id hashes of them are kept.

Codes come from the project's clock, so tests can compute them. A code is accepted for
the current 30-second step and the steps next to it (clock drift), never twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.auth import passwords, throttle
from imbplus.clock import clock
from imbplus.errors import NotFound
from imbplus.privacy.access import Actor, Context, Gate, Platform
from imbplus.privacy.catalog import CATEGORY_INFO, Category, Purpose, Role
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.runtime import Runtime
from imbplus.staff.models import RecoveryCode, Staff

TOTP_ISSUER = "IMB+ console"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
_GROUPS, _GROUP_LEN = 3, 4  # 12 characters, about 59 random bits


def roles_needing_second_factor(gate: Gate) -> frozenset[str]:
    """Staff roles the policy lets read, write, delete or export a personal category."""
    staff_roles = {r.value for r in Role}
    found = set()
    for role, category, _purpose, _action in gate.rules():
        try:
            personal = CATEGORY_INFO[Category(category)].personal
        except ValueError:
            continue  # the policy-vocabulary evidence check reports unknown names
        if role in staff_roles and personal:
            found.add(role)
    return frozenset(found)


def required(gate: Gate, roles: list[str]) -> bool:
    return bool(roles_needing_second_factor(gate) & set(roles))


def missing(gate: Gate, staff: Staff) -> bool:
    """The account must have a second factor and has none yet."""
    return not staff.totp_enabled and required(gate, staff.role_names)


def console_member(session: Session, gate: Gate, staff_id: int) -> Staff | None:
    """The staff member a signed-in console session names, or None when the account is gone,
    disabled, or lacks the second factor its roles need (P12): no console for them."""
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active or missing(gate, staff):
        return None
    return staff


# -- secrets -----------------------------------------------------------------------------
def _seal(rt: Platform, session: Session, staff: Staff, column: str, secret: str) -> bytes:
    key_id = rt.keyring.system_key(session, SCOPE_SYSTEM)
    return rt.keyring.seal(session, key_id, "staff", column, str(staff.id), secret)


def _open(rt: Platform, session: Session, staff: Staff, column: str) -> str | None:
    """A TOTP secret, opened through the gate by the system that checks the codes."""
    if getattr(staff, column) is None:
        return None
    ctx = Context(session, rt, Actor.system("second_factor"), Purpose.SECURITY)
    return ctx.reveal_one(
        Staff,
        staff,
        column,
        operation=f"staff.{column.removesuffix('_ct')}",
        subject=None,
        reason=f"staff:{staff.id}",
    )


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str

    @property
    def grouped(self) -> str:
        """The secret in groups of four, to type (apps ignore the spaces)."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    @property
    def qr_svg(self) -> str:
        """The otpauth:// URI as a QR code: inline SVG, no script, no outside service."""
        svg: str = segno.make(self.uri, error="m").svg_inline(scale=4, light="#fff")
        return svg


def _enrolment(staff: Staff, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=staff.username, issuer_name=TOTP_ISSUER)
    return Enrolment(secret, uri)


def begin(rt: Runtime, session: Session, staff: Staff, *, fresh: bool = False) -> Enrolment:
    """A secret awaiting its first code: the one already shown (a reloaded page shows the
    same one) or, when `fresh` or none is pending, a new one. The factor in use, if any,
    stays in force until the new one is confirmed."""
    pending = None if fresh else _open(rt, session, staff, "totp_pending_ct")
    if pending is None:
        pending = pyotp.random_base32()
        staff.totp_pending_ct = _seal(rt, session, staff, "totp_pending_ct", pending)
    return _enrolment(staff, pending)


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(clock.time() // totp.interval)
    for step in (now, now - 1, now + 1):
        if step > (last_step or 0) and secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def confirm(ctx: Context, staff: Staff, code: str, address: str) -> list[str] | None:
    """Turn the pending secret on with a code from it; returns new recovery codes (shown
    once; earlier ones stop working), or None for a wrong code (counted as a failure)."""
    rt, session = ctx.platform, ctx.session
    throttle.check(session, rt.keyring, rt.settings, account=staff.username, address=address)
    pending = _open(rt, session, staff, "totp_pending_ct")
    step = _matching_step(pending, code, None) if pending else None
    if pending is None or step is None:
        throttle.record_failure(session, rt.keyring, account=staff.username, address=address)
        return None
    staff.totp_secret_ct = _seal(rt, session, staff, "totp_secret_ct", pending)
    staff.totp_pending_ct = None
    staff.totp_enabled = True
    staff.totp_last_step = step
    throttle.record_success(session, rt.keyring, account=staff.username, address=address)
    ctx.note("staff.totp_enabled", reason=f"staff:{staff.id}")
    return issue_recovery_codes(ctx, staff)


def enrol_directly(ctx: Context, staff: Staff) -> str:
    """Give an account a second factor without a confirming code (the demo, an operator
    on the server); returns the secret, to be shown once."""
    secret = pyotp.random_base32()
    staff.totp_secret_ct = _seal(ctx.platform, ctx.session, staff, "totp_secret_ct", secret)
    staff.totp_pending_ct = None
    staff.totp_enabled = True
    staff.totp_last_step = None
    ctx.note("staff.totp_enabled", reason=f"staff:{staff.id} by operator")
    return secret


def current_code(rt: Runtime, session: Session, staff: Staff) -> str:
    """The code the account's app shows now (the demo and operators; tests)."""
    secret = _open(rt, session, staff, "totp_secret_ct") if staff.totp_enabled else None
    if secret is None:
        raise NotFound("this account has no second factor enrolled")
    return str(pyotp.TOTP(secret).at(clock.time()))


def verify(rt: Runtime, session: Session, staff: Staff, code: str, address: str) -> bool:
    """A TOTP code or an unused recovery code; failures are throttled like passwords."""
    throttle.check(session, rt.keyring, rt.settings, account=staff.username, address=address)
    secret = _open(rt, session, staff, "totp_secret_ct") if staff.totp_enabled else None
    step = _matching_step(secret, code, staff.totp_last_step) if secret else None
    if step is not None:
        staff.totp_last_step = step
    elif not (staff.totp_enabled and _use_recovery_code(rt, session, staff, code)):
        throttle.record_failure(session, rt.keyring, account=staff.username, address=address)
        return False
    throttle.record_success(session, rt.keyring, account=staff.username, address=address)
    return True


# -- recovery codes ----------------------------------------------------------------------
def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_code() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP_LEN))
    return "-".join(chars[i : i + _GROUP_LEN] for i in range(0, len(chars), _GROUP_LEN))


def _unused(session: Session, staff: Staff) -> list[RecoveryCode]:
    return list(
        session.execute(
            select(RecoveryCode).where(
                RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
            )
        ).scalars()
    )


def issue_recovery_codes(ctx: Context, staff: Staff) -> list[str]:
    now = clock.now()
    for old in _unused(ctx.session, staff):
        old.used_at = now  # withdrawn
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        ctx.session.add(
            RecoveryCode(
                staff_id=staff.id,
                code_hash=passwords.hash_random_secret(_normal(code)),
                created_at=now,
            )
        )
    ctx.session.flush()
    ctx.note("staff.recovery_codes_issued", reason=f"staff:{staff.id} codes={len(codes)}")
    return codes


def _use_recovery_code(rt: Runtime, session: Session, staff: Staff, code: str) -> bool:
    typed = _normal(code)
    if len(typed) != _GROUPS * _GROUP_LEN:
        return False
    for row in _unused(session, staff):
        if passwords.verify_secret(row.code_hash, typed):
            row.used_at = clock.now()
            ctx = Context(session, rt, Actor.staff(staff.id, staff.role_names), Purpose.SECURITY)
            ctx.note("staff.recovery_code_used", reason=f"staff:{staff.id}")
            return True
    return False


def recovery_codes_left(session: Session, staff: Staff) -> int:
    return len(_unused(session, staff))
