"""Shared HTTP checks: allowed origins, the session cookie, client address."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from iprodash.settings import get_settings

SESSION_COOKIE = "iprodash_session"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def require_same_origin(request: Request) -> None:
    """Refuse state-changing requests sent from a foreign site."""
    origin = request.headers.get("origin") or ""
    if origin == "null":
        # A page served with "Referrer-Policy: no-referrer" (the sign-in link pages)
        # posts its form with "Origin: null"; the browser's Sec-Fetch-Site still tells.
        if request.headers.get("sec-fetch-site") == "same-origin":
            return
        raise HTTPException(status_code=403, detail="Requests from other sites are refused.")
    if not origin:
        referer = request.headers.get("referer") or ""
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    if origin and origin not in get_settings().allowed_origins:
        raise HTTPException(status_code=403, detail="Requests from other sites are refused.")


def set_session_cookie(response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_hours * 3600,
                        httponly=True, secure=settings.cookie_secure, samesite="lax", path="/")


def clear_session_cookie(response) -> None:
    settings = get_settings()
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True,
                           secure=settings.cookie_secure, samesite="lax")


def cookie_actor(request: Request):
    """The :class:`Actor` of the request's session cookie.

    Raises:
        NotAuthenticated: no live session (callers turn it into a 401 or a redirect).
    """
    from iprodash.db import get_db
    from iprodash.services import auth

    return auth.authenticate(get_db(), token=request.cookies.get(SESSION_COOKIE),
                             ip=client_ip(request))
