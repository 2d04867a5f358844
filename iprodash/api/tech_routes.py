"""Technician sign-in links: ``/api/tech/open/<token>``.

``GET`` only shows a small page with an "Open my jobs" button and spends
nothing, so a link-preview bot (messaging apps fetch texted links) cannot use
the link up. The button's ``POST`` spends the link and sets the session
cookie. Every bad link (unknown, used, expired, turned off) lands on the same
refusal page.
"""

from __future__ import annotations

import re
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from iprodash.api.security import client_ip, require_same_origin, set_session_cookie
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services.technician_access import open_technician_link, technician_link_usable

router = APIRouter(prefix="/api/tech")

TECH_HOME = "/tech"
LINK_EXPIRED_PAGE = "/tech/link-expired"
OPEN_BUTTON = "Open my jobs"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")
_JOB = re.compile(r"[0-9a-f]{24}")
# A token in the address must not leak onward or be kept by a shared cache.
_TOKEN_PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                       "X-Robots-Tag": "noindex, nofollow"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Open my jobs</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">
<h1>Your jobs</h1>
<p>This link opens once and then keeps you signed in on this phone.</p>
<form method="post" action="{action}">
<button type="submit" style="font-size:1.2rem;padding:.8rem 1.4rem">{button}</button>
</form>
</body></html>
"""


def _refused() -> RedirectResponse:
    response = RedirectResponse(LINK_EXPIRED_PAGE, status_code=303)
    response.headers.update(_TOKEN_PAGE_HEADERS)
    return response


def _job(job: str) -> str:
    return job if _JOB.fullmatch(job or "") else ""


@router.get("/open/{token}", response_model=None)
def show_link(token: str, job: str = "") -> HTMLResponse | RedirectResponse:
    """The page a texted or emailed link opens: one button, nothing spent yet."""
    if not _TOKEN.fullmatch(token) or not technician_link_usable(get_db(), token=token):
        return _refused()
    action = f"/api/tech/open/{token}" + (f"?job={_job(job)}" if _job(job) else "")
    page = _PAGE.format(action=escape(action), button=OPEN_BUTTON)
    return HTMLResponse(page, headers=_TOKEN_PAGE_HEADERS)


@router.post("/open/{token}")
def open_link(token: str, request: Request, job: str = "") -> RedirectResponse:
    """The "Open my jobs" button: spend the link and start a technician session."""
    require_same_origin(request)
    if not _TOKEN.fullmatch(token):
        return _refused()
    try:
        session = open_technician_link(get_db(), token=token, ip=client_ip(request),
                                       user_agent=request.headers.get("user-agent", ""))
    except DomainError:
        return _refused()
    target = f"{TECH_HOME}/job/{_job(job)}" if _job(job) else TECH_HOME
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, session)
    response.headers.update(_TOKEN_PAGE_HEADERS)
    return response
