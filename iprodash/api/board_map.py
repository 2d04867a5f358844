"""The dispatch board's map of a day's stops: a PNG fetched from Google on the
server (the key stays there), for signed-in office staff of the company."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from iprodash.api.security import cookie_actor
from iprodash.db import get_db
from iprodash.domain.dates import read_day
from iprodash.domain.errors import DomainError
from iprodash.services import dispatch_board

router = APIRouter(prefix="/api/board")


@router.get("/map")
def day_map(request: Request) -> Response:
    day = read_day(request.query_params.get("day", ""))
    if day is None:
        return PlainTextResponse("Pick a day like 2025-06-30.", status_code=400)
    try:
        data = dispatch_board.day_map(get_db(), actor=cookie_actor(request), day=day)
    except DomainError as exc:
        return PlainTextResponse(exc.message, status_code=exc.status_code)
    return Response(data, media_type="image/png", headers={
        "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"})
