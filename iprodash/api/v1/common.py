"""What every v1 endpoint shares: the API-key caller, strict input models,
and errors as JSON ``{"message": ...}`` with the right status code."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from iprodash.api.security import client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError, RateLimited, ValidationError
from iprodash.services import api_keys
from iprodash.services.api_keys import READ, WRITE, ApiCaller
from iprodash.services.plan_access import require_writable

bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey",
                    description="An API key from Settings > API keys: "
                                "`Authorization: Bearer ipd_...`")


class ErrorBody(BaseModel):
    """Every error: a sentence for a person, and for 422 the fields at fault."""

    message: str
    errors: list[dict[str, str]] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in (
        (400, "The request cannot be done"), (401, "Missing, wrong or revoked API key"),
        (403, "The key lacks the scope"), (404, "No such record in the key's company"),
        (409, "Conflicts with the record's state"), (422, "Invalid input"),
        (429, "Rate limit reached"))
}


def _no_operators(value: Any, path: str = "") -> None:
    """Refuse MongoDB operators and dotted paths anywhere in the input."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("$") or "." in key or "\0" in key:
                raise ValueError(f"Field name {key!r}{' in ' + path if path else ''} "
                                 "is not allowed.")
            _no_operators(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            _no_operators(item, path)


class StrictModel(BaseModel):
    """Input model: unknown fields and ``$``-operators are errors, not ignored,
    and no type is coerced (``false`` is not 0, ``"1"`` is not a number);
    date-time fields opt out with ``Field(strict=False)`` to parse ISO text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_operators(cls, data: Any) -> Any:
        _no_operators(data)
        return data


def no_unknown_query(request: Request) -> None:
    """Refuse query parameters the operation does not declare (typos, probes)."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    allowed: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        allowed.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ValidationError(f"Unknown query parameter {unknown[0][:40]!r}.", field=unknown[0])


def _caller(request: Request,
            credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> ApiCaller:
    caller = api_keys.authenticate_api_key(
        get_db(), key=credentials.credentials if credentials else None, ip=client_ip(request))
    request.state.caller = caller
    return caller


def reader(caller: ApiCaller = Depends(_caller)) -> ApiCaller:
    caller.require(READ)
    return caller


def writer(caller: ApiCaller = Depends(_caller)) -> ApiCaller:
    """A key with the write scope, of a company that may change its data now."""
    caller.require(WRITE)
    require_writable(get_db(), actor=caller.actor)
    return caller


# A page's next_cursor is the id of its last row: schema-checkable, and the
# row's sort key is read again (inside the caller's company) on the next call.
CURSOR = Query(None, pattern="^[0-9a-f]{24}$",
               description="next_cursor of the previous page (the last row's id)")


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"message": message, **extra}, status_code=status)


def install_error_handlers(app) -> None:
    """JSON errors with a message for everything a client can cause."""

    @app.exception_handler(DomainError)
    def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        response = _error(exc.status_code, exc.message)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = "60"
        return response

    @app.exception_handler(RequestValidationError)
    def invalid_input(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                   "problem": str(err.get("msg", "invalid"))} for err in exc.errors()]
        first = errors[0] if errors else {"field": "", "problem": "invalid"}
        message = f"{first['field'] or 'The request'}: {first['problem']}"
        return _error(422, message, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        text = exc.detail if isinstance(exc.detail, str) else "The request cannot be done."
        return _error(exc.status_code, text)

    @app.exception_handler(Exception)
    def unexpected(_: Request, exc: Exception) -> JSONResponse:  # noqa: ARG001
        return _error(500, "Something went wrong on our side. Try again later.")
