"""``GET /api/exports/<id>/download``: a finished data export, for its
requester only, while the link has not expired."""

from __future__ import annotations

from fastapi import APIRouter, Request

from iprodash.api.downloads import FileBody, serve_for_session
from iprodash.services import privacy_export

router = APIRouter(prefix="/api/exports")


@router.get("/{export_id}/download")
def download_export(export_id: str, request: Request):
    """Stream the ZIP; a sentence with the right status code when refused."""
    def open_zip(db, actor) -> FileBody:
        download = privacy_export.open_download(db, actor=actor, export_id=export_id[:64])
        return FileBody(filename=download.filename, media_type="application/zip",
                        stream=download.stream, size=download.size)

    return serve_for_session(request, open_zip)
