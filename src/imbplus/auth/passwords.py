"""argon2id hashing for passwords and PINs (P12, P14).

Parameters: one of OWASP's argon2id profiles, m=19 MiB, t=2, p=1 (Password Storage Cheat
Sheet). The library default (RFC 9106 low-memory: m=64 MiB, t=3, p=4) took 100 ms alone and over a
second on a loaded two-core server, and a staff login must answer within 300 ms. A hash made
with other parameters still verifies (they are read from the hash itself) and is replaced
on the next successful login (`needs_rehash`). See docs/operations.md.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
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
