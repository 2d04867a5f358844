"""``GET /api/invoices/<job id>/pdf``: a job's invoice PDF, for its company's staff
(and the job's technician), rendered on request."""

from __future__ import annotations

from fastapi import APIRouter, Request

from iprodash.api.downloads import FileBody, serve_for_session
from iprodash.services import invoices

router = APIRouter(prefix="/api/invoices")


@router.get("/{job_id}/pdf")
def download_invoice(job_id: str, request: Request):
    """The PDF as an attachment; a sentence with the right status when refused."""
    def open_pdf(db, actor) -> FileBody:
        name, data = invoices.invoice_pdf(db, actor=actor, job_id=job_id[:64])
        return FileBody(filename=name, media_type="application/pdf", chunks=[data],
                        size=len(data))

    return serve_for_session(request, open_pdf)
