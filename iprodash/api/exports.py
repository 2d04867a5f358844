"""``GET /api/jobs/export.csv``: the filtered job list as a streamed CSV.

Access is checked with the session cookie like every page event; a refusal
is a plain sentence with its status code, never a partial file.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from iprodash.api.downloads import FileBody, serve_for_session
from iprodash.services import job_csv

router = APIRouter(prefix="/api/jobs")


@router.get("/export.csv")
def export_jobs(request: Request):
    """Stream every job matching the query-string filters of the job list."""
    def open_csv(db, actor) -> FileBody:
        filters = job_csv.parse_export_filter(request.query_params)
        filename, chunks = job_csv.export_jobs_csv(db=db, actor=actor, filters=filters)
        return FileBody(filename=filename, media_type="text/csv; charset=utf-8",
                        chunks=(chunk.encode("utf-8") for chunk in chunks))

    return serve_for_session(request, open_csv)
