"""REST API v1: a FastAPI sub-application mounted at ``/api/v1``, with its
own OpenAPI schema (``/api/v1/openapi.json``) and docs (``/api/v1/docs``).

Every request carries an API key (``Authorization: Bearer ipd_...``), acts
inside that key's company only, is rate-limited per key, and is written to
the usage log; every change is audited by the service that makes it.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from iprodash.api.security import client_ip
from iprodash.api.v1 import clients, jobs, lead_sources, me, technicians
from iprodash.api.v1.common import install_error_handlers, no_unknown_query
from iprodash.db import get_db
from iprodash.services.api_keys import log_request

PREFIX = "/api/v1"


def create_v1_app() -> FastAPI:
    """The v1 application, ready to ``mount(PREFIX, ...)``."""
    app = FastAPI(title="iProDash API", version="1.0.0", docs_url="/docs", redoc_url=None,
                  openapi_url="/openapi.json", dependencies=[Depends(no_unknown_query)],
                  description="Jobs, clients, technicians and lead sources of one company. "
                              "Money is in integer cents.")
    install_error_handlers(app)
    app.include_router(me.router)
    app.include_router(technicians.router)
    app.include_router(lead_sources.router)
    app.include_router(clients.router)
    app.include_router(jobs.router)

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        response = await call_next(request)
        caller = getattr(request.state, "caller", None)
        if caller is not None or response.status_code in (401, 403, 429):
            await run_in_threadpool(log_request, get_db(), caller=caller, method=request.method,
                                    path=request.url.path, status=response.status_code,
                                    ip=client_ip(request))
        return response

    return app
