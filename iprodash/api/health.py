"""``GET /api/health``: 200 when the database answers, 503 when not."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError

from iprodash.db import get_client

router = APIRouter()


@router.get("/api/health")
def health() -> JSONResponse:
    try:
        get_client().admin.command("ping")
    except PyMongoError:
        return JSONResponse({"status": "degraded", "db": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "db": "ok", "service": "iprodash"})
