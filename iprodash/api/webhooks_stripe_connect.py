"""``POST /api/webhooks/stripe-connect``: events from the companies' connected Stripe accounts.

Signature-verified on the raw body with the Connect endpoint's own secret and
handled once per event id (:mod:`iprodash.services.card_payments`). Answers:
200 when handled, ignored or a duplicate; 400 for a bad signature or a stale
timestamp; 404 when card payments are off; 503 when Stripe could not be
asked (Stripe retries later).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.integrations.stripe_connect import InvalidConnectWebhook, StripeUnavailable
from iprodash.services.card_payments import process_connect_webhook

log = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY_BYTES = 512 * 1024


@router.post("/api/webhooks/stripe-connect")
async def stripe_connect_webhook(request: Request) -> JSONResponse:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return JSONResponse({"error": "too_large"}, status_code=413)
    try:
        outcome = await run_in_threadpool(process_connect_webhook, get_db(), raw_body=raw,
                                          signature=request.headers.get("stripe-signature"))
    except InvalidConnectWebhook as exc:
        log.warning("Refused a Stripe Connect webhook: %s", type(exc).__name__)
        return JSONResponse({"error": "invalid_signature"}, status_code=400)
    except StripeUnavailable as exc:
        return JSONResponse(exc.as_dict(), status_code=503)
    except DomainError as exc:
        return JSONResponse(exc.as_dict(), status_code=exc.status_code)
    return JSONResponse({"received": True, "outcome": outcome})
