"""Typed errors. The web layer turns them into JSON 4xx bodies, the CLI into messages.

Messages name the field or rule that failed and never carry a personal value.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"

    def __init__(self, problems: list[dict[str, str]]) -> None:
        fields = ", ".join(p["field"] for p in problems)
        super().__init__(f"invalid value for: {fields}", fields=problems)


class PurposeRequired(DomainError):
    status = 400
    code = "purpose_required"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class AccessDenied(DomainError):
    status = 403
    code = "access_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class IntegrityFailure(DomainError):
    """A stored ciphertext or record failed its integrity check (tampering or corruption)."""

    status = 500
    code = "integrity_check_failed"


class ConfigurationError(DomainError):
    status = 500
    code = "configuration_error"


class Erased(DomainError):
    """The value was erased (its data key destroyed); it can never be read again."""

    status = 410
    code = "erased"
