"""Provider webhooks: ``POST /api/webhooks/telnyx`` and ``POST /api/webhooks/resend``.

Nothing changes unless the signature is good and fresh: Telnyx signs
``f"{timestamp}|{raw_body}"`` with ed25519 (headers
``telnyx-signature-ed25519`` and ``telnyx-timestamp``); Resend signs through
Svix (``svix-id``, ``svix-timestamp``, ``svix-signature``: HMAC-SHA256 of
``id.timestamp.body``). Both reject a timestamp more than 5 minutes off, and
each event id is handled once, so a replayed or duplicate delivery changes
nothing. Without a configured key every call is refused (fail closed).
"""

from __future__ import annotations

import json
import logging

import resend
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from telnyx.lib import WebhookVerificationError, verify_webhook_signature

from iprodash.db import get_db
from iprodash.services.email_events import handle_resend_event
from iprodash.services.inbound_sms import handle_telnyx_event
from iprodash.settings import get_settings

router = APIRouter(prefix="/api/webhooks")
log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": "refused", "message": message}, status_code=status)


async def _raw_body(request: Request) -> bytes | None:
    body = await request.body()
    return body if len(body) <= MAX_BODY else None


@router.post("/telnyx")
async def telnyx_webhook(request: Request) -> JSONResponse:
    """Inbound texts and delivery reports from Telnyx."""
    public_key = get_settings().telnyx_public_key
    if not public_key:
        return _refuse(503, "Telnyx webhooks are not configured (TELNYX_PUBLIC_KEY).")
    raw = await _raw_body(request)
    if raw is None:
        return _refuse(413, "Body too large.")
    try:
        verify_webhook_signature(raw, dict(request.headers), public_key)
        event = json.loads(raw)
    except (WebhookVerificationError, ValueError) as exc:
        log.warning("telnyx webhook refused: %s", exc)
        return _refuse(401, "Bad or stale signature.")
    result = await run_in_threadpool(handle_telnyx_event, get_db(), event)
    return JSONResponse({"result": result})


@router.post("/resend")
async def resend_webhook(request: Request) -> JSONResponse:
    """Delivery, bounce and complaint events from Resend (Svix-signed)."""
    secret = get_settings().resend_webhook_secret
    if not secret:
        return _refuse(503, "Resend webhooks are not configured (RESEND_WEBHOOK_SECRET).")
    raw = await _raw_body(request)
    if raw is None:
        return _refuse(413, "Body too large.")
    headers = {"id": request.headers.get("svix-id", ""),
               "timestamp": request.headers.get("svix-timestamp", ""),
               "signature": request.headers.get("svix-signature", "")}
    try:
        event = resend.Webhooks.verify({"payload": raw.decode("utf-8"), "headers": headers,
                                        "webhook_secret": secret})
    except (ValueError, UnicodeDecodeError) as exc:
        log.warning("resend webhook refused: %s", exc)
        return _refuse(401, "Bad or stale signature.")
    result = await run_in_threadpool(handle_resend_event, get_db(), dict(event),
                                     event_id=headers["id"])
    return JSONResponse({"result": result})
