"""Documented error answers (OpenAPI), shared by every JSON router."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict


class ErrorBody(BaseModel):
    """Every refusal: a code, a message naming the problem, the request id; never a value."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str
    request_id: str


def _e(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _e("Malformed JSON, or a missing or unknown purpose (X-Purpose)."),
    401: _e("Missing, unknown, expired or revoked token."),
    403: _e(
        "The role may not use these data categories for this purpose (role, purpose, "
        "category in the body); the refusal is audited."
    ),
    404: _e("No such record."),
    409: _e("Conflicts with an existing record."),
    410: _e("The record's personal data was erased."),
    413: _e("Request body too large."),
    422: _e("A field failed validation; `fields` names each one and the rule."),
    429: _e("Too many requests."),
    500: _e("Server-side failure, e.g. a stored value failed its integrity check."),
}

PAYMENT_ERRORS: dict[int | str, dict[str, Any]] = {
    402: _e("The card was declined (`decline_code` says why); nothing was ordered."),
    503: _e("A processor this step needs has no valid contract registered; nothing done."),
    504: _e("The payment provider did not answer in time; nothing was ordered."),
}


def pdf_response(description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/pdf": {}}, "description": description}}


def pdf_file(content: bytes, filename: str) -> Response:
    """A PDF shown in the browser, saved under `filename`."""
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
