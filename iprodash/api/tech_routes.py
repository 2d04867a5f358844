"""Technician sign-in links: ``GET /api/tech/open/<token>`` sets the cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from iprodash.api.security import client_ip, set_session_cookie
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services.technician_access import open_technician_link

router = APIRouter(prefix="/api/tech")

TECH_HOME = "/tech"
LINK_EXPIRED_PAGE = "/tech/link-expired"


@router.get("/open/{token}")
def open_link(token: str, request: Request, job: str = "") -> RedirectResponse:
    """Start a technician session from a texted or emailed link."""
    try:
        session = open_technician_link(get_db(), token=token[:200], ip=client_ip(request),
                                       user_agent=request.headers.get("user-agent", ""))
    except DomainError:
        return RedirectResponse(LINK_EXPIRED_PAGE, status_code=303)
    target = f"{TECH_HOME}/job/{job}" if job.isalnum() and len(job) == 24 else TECH_HOME
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, session)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
