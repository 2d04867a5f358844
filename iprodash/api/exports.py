"""``GET /api/jobs/export.csv``: the filtered job list as a streamed CSV.

Access is checked with the session cookie like every page event; a refusal
is a plain sentence with its status code, never a partial file.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from iprodash.api.security import SESSION_COOKIE, client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import auth, job_csv

router = APIRouter(prefix="/api/jobs")


@router.get("/export.csv")
def export_jobs(request: Request):
    """Stream every job matching the query-string filters of the job list."""
    db = get_db()
    try:
        actor = auth.authenticate(db, token=request.cookies.get(SESSION_COOKIE),
                                  ip=client_ip(request))
        filters = job_csv.parse_export_filter(request.query_params)
        filename, chunks = job_csv.export_jobs_csv(db=db, actor=actor, filters=filters)
    except DomainError as exc:
        return PlainTextResponse(exc.message, status_code=exc.status_code)
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse((chunk.encode("utf-8") for chunk in chunks),
                             media_type="text/csv; charset=utf-8", headers=headers)
