"""One way to answer a download: stream the file or say, in a sentence, why not.

Every file route (reports, data exports, CSV, support attachments) checks the
session cookie, asks its service to open the file for that actor, and uses
:func:`serve_for_session`, so headers and refusals are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from pymongo.database import Database

from iprodash.api.security import cookie_actor
from iprodash.db import get_db
from iprodash.domain.errors import DomainError

CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class FileBody:
    """What a service hands back to be streamed: a readable stream or an iterable of chunks."""

    filename: str
    media_type: str
    stream: Any = None  # has .read(n) and .close()
    chunks: Iterable[bytes] | None = None
    size: int | None = None
    inline: bool = False


def read_chunks(stream) -> Iterable[bytes]:
    """Yield ``stream`` in chunks and close it, even when the client goes away."""
    try:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk
    finally:
        stream.close()


def refused(exc: DomainError) -> PlainTextResponse:
    """The service's sentence with its status code; never a partial file."""
    return PlainTextResponse(exc.message, status_code=exc.status_code,
                             headers={"Cache-Control": "no-store"})


def file_response(body: FileBody) -> StreamingResponse:
    disposition = "inline" if body.inline else "attachment"
    ascii_name = body.filename.encode("ascii", "replace").decode().replace('"', "")
    headers = {
        "Content-Disposition": (f'{disposition}; filename="{ascii_name}"; '
                                f"filename*=UTF-8''{quote(body.filename)}"),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if body.size is not None:
        headers["Content-Length"] = str(body.size)
    chunks = body.chunks if body.chunks is not None else read_chunks(body.stream)
    return StreamingResponse(chunks, media_type=body.media_type, headers=headers)


def serve_for_session(request: Request,
                      open_file: Callable[[Database, Any], FileBody]) -> Response:
    """Authenticate the cookie, let ``open_file(db, actor)`` check access, stream it."""
    db = get_db()
    try:
        body = open_file(db, cookie_actor(request))
    except DomainError as exc:
        return refused(exc)
    return file_response(body)
