"""Login and logout: the only places the HttpOnly session cookie is set."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from iprodash.api.security import (SESSION_COOKIE, clear_session_cookie, client_ip,
                                   require_same_origin, set_session_cookie)
from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import auth

router = APIRouter(prefix="/api/auth", dependencies=[Depends(require_same_origin)])


def _safe_next(next_path: str) -> str:
    """Only same-site relative paths; anything else goes to the home page."""
    if next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/home"


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form(""),
          next: str = Form("/home")) -> RedirectResponse:  # noqa: A002 - form field name
    """Form post from the login page; redirects back with a message on failure."""
    try:
        token = auth.login(get_db(), email=email, password=password, ip=client_ip(request),
                           user_agent=request.headers.get("user-agent", ""))
    except DomainError as exc:
        target = f"/login?error={quote(exc.message)}&email={quote(email[:254])}"
        return RedirectResponse(target, status_code=303)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token)
    return response


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    auth.logout(get_db(), token=request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login?info=You%20are%20logged%20out.", status_code=303)
    clear_session_cookie(response)
    return response


@router.post("/logout-everywhere")
def logout_everywhere(request: Request) -> RedirectResponse:
    db = get_db()
    try:
        actor = auth.authenticate(db, token=request.cookies.get(SESSION_COOKIE),
                                  ip=client_ip(request))
        auth.logout_everywhere(db, actor=actor)
    except DomainError:
        pass
    response = RedirectResponse("/login?info=You%20are%20logged%20out%20everywhere.",
                                status_code=303)
    clear_session_cookie(response)
    return response
