"""Typed errors carry a readable message, a status code and, for forms, a field."""

import pytest

from iprodash.domain.errors import (Conflict, DomainError, NotAuthenticated, NotFound,
                                    PermissionDenied, RateLimited, ValidationError)


@pytest.mark.parametrize("cls, status", [
    (ValidationError, 422), (PermissionDenied, 403), (NotAuthenticated, 401), (NotFound, 404),
    (Conflict, 409), (RateLimited, 429),
])
def test_every_error_is_a_domain_error_with_its_status(cls, status):
    error = cls("Something a dispatcher can read.")
    assert isinstance(error, DomainError)
    assert error.status_code == status
    assert error.message == str(error) == "Something a dispatcher can read."


@pytest.mark.parametrize("cls", [DomainError, ValidationError, PermissionDenied, NotFound,
                                 Conflict, RateLimited])
def test_default_messages_are_sentences(cls):
    message = cls().message
    assert message[0].isupper() and message.endswith(".")


def test_validation_error_names_its_field_in_the_api_body():
    error = ValidationError("Enter a valid email address.", field="email")
    assert error.field == "email"
    assert error.as_dict() == {"error": "ValidationError",
                               "message": "Enter a valid email address.", "field": "email"}
    assert "field" not in ValidationError("Bad.").as_dict()


def test_not_authenticated_is_a_permission_denied():
    assert issubclass(NotAuthenticated, PermissionDenied)


def test_rate_limited_can_say_when_to_retry():
    assert RateLimited("Wait a minute.", retry_after_seconds=60).retry_after_seconds == 60
    assert RateLimited().retry_after_seconds is None
