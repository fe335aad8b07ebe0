"""Errors that services raise and every front end (pages, API, CLI) shows the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class PortalError(Exception):
    """Base class. ``message`` is user-facing (Spanish, translatable)."""

    kind = "Error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


class ValidationError(PortalError):
    """Input that breaks a rule. ``fields`` maps a field name to its messages."""

    kind = "Validation Error"

    def __init__(self, fields: Mapping[str, Sequence[str] | str], message: str | None = None):
        self.fields = {
            name: [str(m) for m in ([msgs] if isinstance(msgs, str) else msgs)]
            for name, msgs in fields.items()
        }
        summary = message or "; ".join(
            f"{name}: {' '.join(msgs)}" for name, msgs in self.fields.items()
        )
        super().__init__(summary)


class NotFound(PortalError):
    kind = "Not Found Error"


class NotAuthorized(PortalError):
    kind = "Authorization Error"
