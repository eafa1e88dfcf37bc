"""The unsubscribe link in every marketing message: signed, needs no login, safe to use
again and again (an objection recorded twice is the first one).

`<master key version>.<customer id>.<HMAC-SHA256 under a key derived from the master key>`:
nothing to store, nothing to expire (an objection can be made at any time, art. 21(2)),
and only this system can make one. The customer id is random and says nothing about the
person; the pages answer the same for a link that is not ours, so a guess learns nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from imbplus.errors import ConfigurationError
from imbplus.privacy.masterkey import MasterKey

PATH = "/unsubscribe"
MAX_LENGTH = 128


def _key(master: MasterKey, version: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"imbplus/marketing-unsubscribe/1"
    ).derive(master.material(version))


def _sign(key: bytes, customer_id: str) -> str:
    digest = hmac.new(key, customer_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token(master: MasterKey, customer_id: str) -> str:
    return f"{master.active}.{customer_id}.{_sign(_key(master, master.active), customer_id)}"


def customer_of(master: MasterKey, value: str) -> str | None:
    """The customer a link was made for; None for anything that is not ours."""
    if not value or len(value) > MAX_LENGTH:
        return None
    try:
        version_text, customer_id, signature = value.split(".")
        uuid.UUID(customer_id)
        key = _key(master, int(version_text))
    except (ValueError, ConfigurationError):
        return None
    expected = _sign(key, customer_id)
    return customer_id if hmac.compare_digest(expected.encode(), signature.encode()) else None


def url(base: str, master: MasterKey, customer_id: str, lang: str) -> str:
    prefix = "" if lang == "pl" else f"/{lang}"
    return f"{base.rstrip('/')}{prefix}{PATH}?token={token(master, customer_id)}"
