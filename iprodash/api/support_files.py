"""``GET /api/support/tickets/<id>/attachment``: a ticket's file, for its company or the operator."""

from __future__ import annotations

from fastapi import APIRouter, Request

from iprodash.api.downloads import FileBody, serve_for_session
from iprodash.services import support

router = APIRouter(prefix="/api/support")


@router.get("/tickets/{ticket_id}/attachment")
def download_attachment(ticket_id: str, request: Request):
    """Stream the attachment; a sentence with the right status code when refused."""
    def open_file(db, actor) -> FileBody:
        meta, stream = support.open_attachment(db, actor=actor, ticket_id=ticket_id[:64])
        return FileBody(filename=meta["filename"], media_type=meta["content_type"],
                        stream=stream, size=meta["size"])

    return serve_for_session(request, open_file)
