"""``GET /api/receipt/<job id>/<token>``: the client's receipt PDF from the "job done" text.

Public (the HMAC token is the credential), rate-limited per address, never
cached by a shared cache. Every refusal is the same small HTML page, so a
link tells nothing about a job it does not open. The rules are in
:mod:`iprodash.services.client_receipts`.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from iprodash.api.public_pages import NO_STORE, refusal
from iprodash.api.security import client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError, RateLimited
from iprodash.integrations.pdf import PdfRenderError
from iprodash.services.client_receipts import ReceiptUnavailable, open_public_receipt

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/receipt")

NOT_AVAILABLE = ("This receipt is not available",
                 "The link may have expired, or the job was changed after it was sent. "
                 "Please ask the company that did the work for a copy.")
TOO_MANY = ("Please wait a moment",
            "Too many receipt requests came from your connection. Try again in a few minutes.")
NOT_NOW = ("The receipt cannot be shown right now",
           "Something went wrong while preparing it. Please try again in a minute.")


@router.get("/{job_id}/{token}")
def client_receipt(job_id: str, token: str, request: Request) -> Response:
    """The receipt inline as ``receipt-<company>-<number>.pdf``, or a plain page why not."""
    try:
        receipt = open_public_receipt(get_db(), job_id=job_id[:64], token=token[:64],
                                      ip=client_ip(request))
    except RateLimited:
        return refusal(TOO_MANY, 429)
    except (ReceiptUnavailable, DomainError):
        return refusal(NOT_AVAILABLE, 404)
    except PdfRenderError:
        log.exception("receipt rendering failed")
        return refusal(NOT_NOW, 503)
    name = receipt.filename
    headers = {**NO_STORE, "Content-Disposition": (f'inline; filename="{name}"; '
                                                    f"filename*=UTF-8''{quote(name)}")}
    return Response(receipt.pdf, media_type="application/pdf", headers=headers)
