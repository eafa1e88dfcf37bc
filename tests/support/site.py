"""Helpers for the public site's forms in tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response


def token_of(page: Response, action: str | None = None) -> str:
    """The anti-forgery token of the form posting to `action` (default: the first form)."""
    text = page.text
    if action is not None:
        start = text.find(f'action="{action}"')
        assert start >= 0, f"no form posting to {action}"
        text = text[start:]
    found = re.search(r'name="token" value="([^"]+)"', text)
    assert found, "form without an anti-forgery token"
    return found.group(1)


def decide(client: TestClient, choice: str, prefix: str = "", **flags: str) -> Response:
    """Submit the cookie banner / cookie page form like a browser would."""
    page = client.get(f"{prefix}/cookies")
    return client.post(
        f"{prefix}/cookies/consent",
        data={"token": token_of(page), "choice": choice, **flags},
        follow_redirects=False,
    )


def cookie_names(response: Response) -> list[str]:
    return [h.split("=", 1)[0] for h in response.headers.get_list("set-cookie")]
