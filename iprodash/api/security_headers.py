"""Security headers on every HTTP answer: pages, websocket handshake aside,
the HTTP API, downloads and the static frontend.

The middleware is added to the FastAPI app that Reflex mounts its own app
into (``api_transformer``), so in ``reflex run --env prod`` it wraps the
compiled pages served as static files too.

The script policy allows ``'unsafe-inline'`` and ``'unsafe-eval'`` because
the built Reflex frontend needs both: React Router inlines its hydration
data as a script, and Reflex runs ``rx.set_clipboard`` and other client
events through ``eval``. Everything else is same-origin only, and no page
may be framed (``frame-ancestors 'none'``), which is what stops one-click
actions on ``/users``, ``/api-keys`` or ``/settlements`` from another site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iprodash.settings import get_settings

# Pages and routes whose URL carries a secret: the address must never leave
# in a Referer header (reset/confirm/invite links, technician links,
# receipts, the public SMS opt-in page).
TOKEN_PATH_PREFIXES = ("/reset/", "/confirm/", "/join", "/tech", "/api/tech/",
                       "/api/receipt/", "/sms/optin/")
# The REST API's Swagger page loads its script and style from jsDelivr.
_API_DOCS_PATH = "/api/v1/docs"
_SWAGGER_CDN = "https://cdn.jsdelivr.net"
HSTS_VALUE = "max-age=31536000; includeSubDomains"
# Technicians photograph jobs from the portal (camera, location kept with a
# photo when the company allows it); nothing needs the rest.
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"


def _websocket_twins(origins: list[str]) -> list[str]:
    """``https://host`` -> ``https://host wss://host``: the websocket goes to the API URL."""
    sources: list[str] = []
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        ws = "wss" if parts.scheme == "https" else "ws"
        sources += [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]
    return list(dict.fromkeys(sources))


def content_security_policy(path: str = "/") -> str:
    """The policy for one path (the API docs page alone may load jsDelivr)."""
    settings = get_settings()
    connect = " ".join(["'self'", *_websocket_twins([settings.public_url,
                                                     *settings.allowed_origins])])
    script = "'self' 'unsafe-inline' 'unsafe-eval'"
    style = "'self' 'unsafe-inline'"
    img = "'self' data: blob:"
    if path.startswith(_API_DOCS_PATH):
        script += f" {_SWAGGER_CDN}"
        style += f" {_SWAGGER_CDN}"
        img += " https://fastapi.tiangolo.com"  # Swagger's favicon
    return "; ".join([
        "default-src 'self'",
        f"script-src {script}",
        f"style-src {style}",
        f"img-src {img}",
        "font-src 'self' data:",
        f"connect-src {connect}",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(path: str, scheme: str) -> dict[str, str]:
    """The headers added to an answer for ``path`` served over ``scheme``."""
    token_route = path.startswith(TOKEN_PATH_PREFIXES)
    headers = {
        "Content-Security-Policy": content_security_policy(path),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer" if token_route else "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if scheme == "https":
        headers["Strict-Transport-Security"] = HSTS_VALUE
    return headers


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (streaming downloads pass through untouched).

    A route that set its own value keeps it, except that a token route's
    ``Referrer-Policy`` is always ``no-referrer``.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = security_headers(scope.get("path", "/"), scope.get("scheme", "http"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    if name not in headers or (name == "Referrer-Policy"
                                               and value == "no-referrer"):
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
