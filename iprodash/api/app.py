"""The FastAPI app mounted into Reflex through ``api_transformer``."""

from __future__ import annotations

from fastapi import FastAPI

from iprodash.api import auth_routes, exports_privacy, health, tech_routes, v1
from iprodash.api import support_files, webhooks_messaging
from iprodash.api import webhooks_stripe
from iprodash.api import exports
from iprodash.api import report_downloads
from iprodash.api import photos
from iprodash.api import receipts


def create_api() -> FastAPI:
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
    api.include_router(receipts.router)
    api.mount(v1.PREFIX, v1.create_v1_app())
    return api
