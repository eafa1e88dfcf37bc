"""Anti-forgery for public forms without a cookie (P12, P16).

Public pages set no cookie before consent, so their forms cannot use a double-submit
cookie. Instead a form carries a signed, expiring token (HMAC under a key derived from the
master key) and the request must come from this site (Origin / Sec-Fetch-Site).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.requests import Request

from imbplus.clock import clock
from imbplus.errors import ConfigurationError
from imbplus.privacy.masterkey import MasterKey
from imbplus.web.deps import get_runtime
from imbplus.web.guards import posted_field
from imbplus.web.pages import CsrfFailed

LIFETIME_S = 4 * 3600
_MESSAGE = "the form is stale or forged; reload the page and try again"


def _key(master: MasterKey, version: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"imbplus/site-forms/1"
    ).derive(master.material(version))


def _sign(key: bytes, form: str, expires: int) -> str:
    digest = hmac.new(key, f"{form}|{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(master: MasterKey, form: str) -> str:
    expires = int(clock.time()) + LIFETIME_S
    return f"{master.active}.{expires}.{_sign(_key(master, master.active), form, expires)}"


def verify(master: MasterKey, request: Request, form: str, token: str) -> None:
    """Raise CsrfFailed (403) unless the token is ours, fresh, for this form, and the
    request came from this site."""
    _same_site(request)
    try:
        version_text, expires_text, signature = token.split(".")
        version, expires = int(version_text), int(expires_text)
        key = _key(master, version)
    except (ValueError, ConfigurationError):
        raise CsrfFailed(_MESSAGE) from None
    expected = _sign(key, form, expires)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise CsrfFailed(_MESSAGE)
    if expires < clock.time():
        raise CsrfFailed(_MESSAGE)


class SignedForm:
    """Route dependency of a public form: an unsafe request carries, in its `token` field,
    a fresh token signed for this form (`{{ form_token('name') }}` in the template)."""

    def __init__(self, form: str) -> None:
        self.form = form

    async def __call__(self, request: Request) -> None:
        token = await posted_field(request, "token")
        if token is not None:
            verify(get_runtime(request).keyring.master, request, self.form, token)


def _same_site(request: Request) -> None:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise CsrfFailed(_MESSAGE)
    origin = request.headers.get("origin")
    if origin is not None:
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise CsrfFailed(_MESSAGE)
