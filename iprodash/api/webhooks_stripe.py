"""``POST /api/webhooks/stripe``: Stripe's subscription and invoice events.

The signature is checked on the raw body (no origin check: Stripe is the
caller, the signature is the authentication). Answers: 200 when handled or a
duplicate, 400 for a bad signature or a stale timestamp, 404 when billing is
off, 503 when Stripe could not be asked (Stripe retries later).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.integrations.billing import BillingUnavailable, InvalidWebhook
from iprodash.services.billing_webhooks import process_webhook

log = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY_BYTES = 512 * 1024  # Stripe events are a few kB


@router.post("/api/webhooks/stripe")
async def stripe_webhook(request: Request) -> JSONResponse:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return JSONResponse({"error": "too_large"}, status_code=413)
    signature = request.headers.get("stripe-signature")
    try:
        outcome = await run_in_threadpool(process_webhook, get_db(), raw_body=raw,
                                          signature=signature)
    except InvalidWebhook as exc:
        log.warning("Refused a Stripe webhook: %s", exc)
        return JSONResponse({"error": "invalid_signature"}, status_code=400)
    except BillingUnavailable as exc:
        return JSONResponse(exc.as_dict(), status_code=503)
    except DomainError as exc:
        return JSONResponse(exc.as_dict(), status_code=exc.status_code)
    return JSONResponse({"received": True, "outcome": outcome})
