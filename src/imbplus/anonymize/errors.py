"""What the anonymizer refuses. A `DomainError`, so the CLI prints it as one line, exit 2."""

from __future__ import annotations

from imbplus.errors import DomainError


class AnonymizationError(DomainError):
    code = "anonymization_refused"
