"""``GET /api/exports/<id>/download``: a finished data export, for its
requester only, while the link has not expired."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from iprodash.api.security import SESSION_COOKIE, client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import auth, privacy_export

router = APIRouter(prefix="/api/exports")
_CHUNK = 256 * 1024


def _chunks(stream):
    try:
        while chunk := stream.read(_CHUNK):
            yield chunk
    finally:
        stream.close()


@router.get("/{export_id}/download")
def download_export(export_id: str, request: Request):
    """Stream the ZIP; a sentence with the right status code when refused."""
    db = get_db()
    try:
        actor = auth.authenticate(db, token=request.cookies.get(SESSION_COOKIE),
                                  ip=client_ip(request))
        download = privacy_export.open_download(db, actor=actor, export_id=export_id[:64])
    except DomainError as exc:
        return PlainTextResponse(exc.message, status_code=exc.status_code)
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(download.filename)}",
        "Content-Length": str(download.size),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_chunks(download.stream), media_type="application/zip",
                             headers=headers)
