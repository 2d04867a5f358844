"""``GET /api/support/tickets/<id>/attachment``: a ticket's file, for its company or the operator."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from iprodash.api.security import SESSION_COOKIE, client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import auth, support

router = APIRouter(prefix="/api/support")
_CHUNK = 256 * 1024


def _chunks(stream):
    try:
        while chunk := stream.read(_CHUNK):
            yield chunk
    finally:
        stream.close()


@router.get("/tickets/{ticket_id}/attachment")
def download_attachment(ticket_id: str, request: Request):
    """Stream the attachment; a sentence with the right status code when refused."""
    db = get_db()
    try:
        actor = auth.authenticate(db, token=request.cookies.get(SESSION_COOKIE),
                                  ip=client_ip(request))
        meta, stream = support.open_attachment(db, actor=actor, ticket_id=ticket_id[:64])
    except DomainError as exc:
        return PlainTextResponse(exc.message, status_code=exc.status_code)
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(meta['filename'])}",
        "Content-Length": str(meta["size"]), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(_chunks(stream), media_type=meta["content_type"], headers=headers)
