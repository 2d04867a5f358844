"""``GET /api/reports/<id>/download``: a stored PDF report, for staff of its
company who may see that kind of report."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from iprodash.api.security import SESSION_COOKIE, client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import auth, reports

router = APIRouter(prefix="/api/reports")
_CHUNK = 256 * 1024


def _chunks(stream):
    try:
        while chunk := stream.read(_CHUNK):
            yield chunk
    finally:
        stream.close()


@router.get("/{report_id}/download")
def download_report(report_id: str, request: Request):
    """Stream the PDF as an attachment; a sentence with the right status when refused."""
    db = get_db()
    try:
        actor = auth.authenticate(db, token=request.cookies.get(SESSION_COOKIE),
                                  ip=client_ip(request))
        download = reports.open_report_download(db=db, actor=actor, report_id=report_id[:64])
    except DomainError as exc:
        return PlainTextResponse(exc.message, status_code=exc.status_code,
                                 headers={"Cache-Control": "no-store"})
    headers = {
        "Content-Disposition": (f'attachment; filename="{download.filename}"; '
                                f"filename*=UTF-8''{quote(download.filename)}"),
        "Content-Length": str(download.size),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_chunks(download.stream), media_type="application/pdf",
                             headers=headers)
