"""The FastAPI app mounted into Reflex through ``api_transformer``."""

from __future__ import annotations

from fastapi import FastAPI

from iprodash.api.body_limits import BodyLimitMiddleware
from iprodash.api.proxies import TrustedProxyMiddleware, parse_trusted_proxies
from iprodash.api.security_headers import SecurityHeadersMiddleware
from iprodash.settings import get_settings

from iprodash.api import auth_routes, exports_privacy, health, tech_routes, v1
from iprodash.api import support_files, webhooks_messaging
from iprodash.api import webhooks_stripe
from iprodash.api import exports
from iprodash.api import report_downloads
from iprodash.api import photos
from iprodash.api import board_map
from iprodash.api import receipts
from iprodash.api import invoice_downloads, pay_pages, webhooks_stripe_connect


def create_api() -> FastAPI:
    """The API app; Reflex mounts its own app (pages, websocket, uploads) inside it.

    Its middleware therefore wraps the whole site. Outermost first: the
    trusted-proxy rewrite (so the rest sees the real client and scheme),
    security headers (also on a 413), body limits.
    """
    parse_trusted_proxies(get_settings().trusted_proxies)  # a bad setting stops startup
    api = FastAPI(title="iProDash API", docs_url=None, redoc_url=None, openapi_url=None)
    api.include_router(health.router)
    api.include_router(auth_routes.router)
    api.include_router(tech_routes.router)
    api.include_router(exports_privacy.router)
    api.include_router(exports.router)
    api.include_router(webhooks_messaging.router)
    api.include_router(support_files.router)
    api.include_router(webhooks_stripe.router)
    api.include_router(report_downloads.router)
    api.include_router(photos.router)
    api.include_router(board_map.router)
    api.include_router(receipts.router)
    api.include_router(invoice_downloads.router)
    api.include_router(pay_pages.router)
    api.include_router(webhooks_stripe_connect.router)
    api.mount(v1.PREFIX, v1.create_v1_app())
    api.add_middleware(BodyLimitMiddleware)
    api.add_middleware(SecurityHeadersMiddleware)
    api.add_middleware(TrustedProxyMiddleware)
    return api
