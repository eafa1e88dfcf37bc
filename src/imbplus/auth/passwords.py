"""argon2id hashing for passwords and PINs (P12, P14)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# Machine-made secrets of 60+ random bits (staff recovery codes) cannot be guessed from their
# hash even when hashing is cheap; a light argon2id profile keeps checking ten of them quick.
_light = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
# A valid hash to verify against when the account does not exist (same timing).
_DUMMY = _hasher.hash("imbplus-timing-equaliser")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def hash_random_secret(secret: str) -> str:
    """Hash a high-entropy random secret (not a password a person chose)."""
    return _light.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, secret) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def check_password_strength(password: str) -> str | None:
    """A reason the password is too weak, or None."""
    if len(password) < 12:
        return "at least 12 characters"
    if len(password) > 256:
        return "at most 256 characters"
    if len(set(password)) < 5:
        return "too few distinct characters"
    return None
