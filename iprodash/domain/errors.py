"""Typed errors raised by services and shown to users as plain sentences.

The UI turns them into toasts or form errors and the API into JSON with
``status_code``; a stack trace never reaches a user.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user may see; ``message`` reads as a sentence.

    Attributes:
        message: What went wrong, in words a dispatcher understands.
        status_code: The HTTP status the API answers with.
    """

    status_code = 400
    default_message = "Something went wrong. Please try again."

    def __init__(self, message: str | None = None):
        message = message or self.default_message
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict:
        """The error as the API's JSON body: ``{"error", "message"}``."""
        return {"error": type(self).__name__, "message": self.message}


class ValidationError(DomainError):
    """Input that cannot be accepted; ``field`` names the form field."""

    status_code = 422
    default_message = "Please check the form and try again."

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__(message)
        self.field = field

    def as_dict(self) -> dict:
        """Like :meth:`DomainError.as_dict`, plus ``field`` when known."""
        body = super().as_dict()
        if self.field:
            body["field"] = self.field
        return body


class PermissionDenied(DomainError):
    """The caller may not do this."""

    status_code = 403
    default_message = "You do not have permission to do that."


class NotAuthenticated(PermissionDenied):
    """No valid session: the caller must log in (again)."""

    status_code = 401
    default_message = "Please log in to continue."


class NotFound(DomainError):
    """The record does not exist (or is not visible to the caller)."""

    status_code = 404
    default_message = "That record does not exist."


class Conflict(DomainError):
    """The change clashes with the current state of the record."""

    status_code = 409
    default_message = "Someone else changed this record. Reload and try again."


class RateLimited(DomainError):
    """Too many attempts; try again later.

    Attributes:
        retry_after_seconds: When known, how long the caller should wait.
    """

    status_code = 429
    default_message = "Too many attempts. Please wait a moment and try again."

    def __init__(self, message: str | None = None, retry_after_seconds: int | None = None):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
