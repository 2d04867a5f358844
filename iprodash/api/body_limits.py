"""Request body limits, checked before a route reads the body.

A declared ``Content-Length`` over the limit is answered 413 without reading
a byte; a body without one (chunked) is counted while it streams and the
read fails with 413 as soon as it passes the limit, so a 50 MB webhook never
sits in memory. Routes keep their own, smaller checks (a photo's 12 MB, a
CSV import's 2 MB); these limits are the ceiling in front of them.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, _RequestBodyTooLarge
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iprodash.services.job_photos import MAX_UPLOAD_BYTES as PHOTO_BYTES

KB = 1024
MB = 1024 * KB
WEBHOOK_BYTES = 256 * KB
REST_JSON_BYTES = 1 * MB
# Uploads keep today's limits: photos 12 MB, and Reflex's /_upload carries
# a support attachment (5 MB) or a CSV import (2 MB); room for the multipart
# envelope on top.
_MULTIPART_SLACK = 64 * KB
UPLOAD_BYTES = 12 * MB + _MULTIPART_SLACK
# (path prefix, limit): the first match wins.
LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/webhooks/", WEBHOOK_BYTES),
    ("/api/v1/", REST_JSON_BYTES),
    ("/api/photos/", PHOTO_BYTES + _MULTIPART_SLACK),
    ("/_upload", UPLOAD_BYTES),
)
# Anything else (sign-in forms, file upload routes) gets the upload ceiling.
DEFAULT_BYTES = UPLOAD_BYTES


def limit_for(path: str) -> int:
    """The largest body accepted on ``path``."""
    for prefix, limit in LIMITS:
        if path.startswith(prefix):
            return limit
    return DEFAULT_BYTES


def _message(limit: int) -> str:
    size = f"{limit // MB} MB" if limit >= MB and limit % MB == 0 else f"{limit // KB} KB"
    return f"The request body is too large ({size} at most)."


class BodyTooLarge(_RequestBodyTooLarge):
    """Raised from ``receive`` once a streamed body passes its limit.

    A subclass of Starlette's own body-limit error (with the scope key its
    limiter sets), so FastAPI lets it through its body parsing and out of
    middleware task groups, and the route's app answers 413 with the sentence.
    """

    def __init__(self, limit: int):
        HTTPException.__init__(self, status_code=413, detail=_message(limit))


class BodyLimitMiddleware:
    """Pure ASGI middleware enforcing :func:`limit_for` on every HTTP request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope.get("path", "/"))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        scope[MAX_BODY_SIZE_SCOPE_KEY] = limit  # FastAPI: treat BodyTooLarge as a 413
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"error": "too_large", "message": _message(limit)}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
