"""``GET /api/reports/<id>/download``: a stored PDF report, for staff of its
company who may see that kind of report."""

from __future__ import annotations

from fastapi import APIRouter, Request

from iprodash.api.downloads import FileBody, serve_for_session
from iprodash.services import reports

router = APIRouter(prefix="/api/reports")


@router.get("/{report_id}/download")
def download_report(report_id: str, request: Request):
    """Stream the PDF as an attachment; a sentence with the right status when refused."""
    def open_pdf(db, actor) -> FileBody:
        download = reports.open_report_download(db=db, actor=actor, report_id=report_id[:64])
        return FileBody(filename=download.filename, media_type="application/pdf",
                        stream=download.stream, size=download.size)

    return serve_for_session(request, open_pdf)
