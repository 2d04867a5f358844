"""Email through Resend (official ``resend`` SDK), or the local sent box without a key.

The outbox dispatcher calls :func:`send_email` and :func:`send_batch`;
nothing else sends email. A single send carries the outbox message's
idempotency key, a batch the key the dispatcher derives from its members'
ids, so Resend drops a repeat of a request whose first answer was lost.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

import resend

from iprodash.integrations.delivery import PermanentFailure, SendResult, TemporaryFailure
from iprodash.settings import get_settings

EmailResult = SendResult  # the name callers used before SMS shared the type

__all__ = ["BATCH_MAX", "BatchEmail", "BatchRejected", "EmailResult", "PermanentFailure",
           "SendResult", "TemporaryFailure", "email_provider", "send_batch", "send_email"]

log = logging.getLogger(__name__)
BATCH_MAX = 100  # Resend's limit of emails per batch request


class BatchRejected(PermanentFailure):
    """Resend refused the whole batch (400/422...): nothing was sent; one email is at fault."""


@dataclass(frozen=True)
class BatchEmail:
    """One email of a batch (the batch endpoint takes no attachments)."""

    to: str
    subject: str
    text: str
    html: str
    sender: str = ""
    reply_to: str = ""


def _status_code(exc: Exception) -> int:
    try:
        return int(getattr(exc, "code", 0) or 0)
    except (TypeError, ValueError):
        return 0


def _configure() -> None:
    settings = get_settings()
    resend.api_key = settings.resend_api_key
    if settings.resend_api_url:
        resend.api_url = settings.resend_api_url


def _params(*, to: str, subject: str, text: str, html: str, sender: str,
            reply_to: str) -> dict:
    params = {"from": sender or get_settings().email_from, "to": [to], "subject": subject,
              "text": text, "html": html}
    if reply_to:
        params["reply_to"] = reply_to
    return params


def email_provider() -> str:
    """``resend`` when an API key is configured, else ``local``."""
    return "resend" if get_settings().resend_api_key else "local"


def send_email(*, to: str, subject: str, text: str, html: str, idempotency_key: str,
               sender: str = "", reply_to: str = "", attachments: list | None = None) -> SendResult:
    """Send one email with Resend.

    Args:
        to: recipient address.
        subject: subject line.
        text: plain-text part.
        html: HTML part.
        idempotency_key: the outbox key (Resend's ``Idempotency-Key`` header).
        sender: "Name <address>" on the verified domain (default: settings).
        reply_to: where replies go (e.g. the company's admin), optional.
        attachments: files with ``filename``, ``content`` (bytes), ``content_type``.

    Raises:
        TemporaryFailure: retry later.
        PermanentFailure: do not retry.
    """
    _configure()
    params = _params(to=to, subject=subject, text=text, html=html, sender=sender,
                     reply_to=reply_to)
    if attachments:
        params["attachments"] = [{"filename": a.filename, "content_type": a.content_type,
                                  "content": base64.b64encode(a.content).decode("ascii")}
                                 for a in attachments]
    try:
        response = resend.Emails.send(params, {"idempotency_key": idempotency_key})
    except resend.exceptions.ResendError as exc:
        code = _status_code(exc)
        if code == 429 or code >= 500:
            raise TemporaryFailure(f"Resend {code}: {exc}") from exc
        raise PermanentFailure(f"Resend {code}: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise TemporaryFailure(str(exc)) from exc
    return SendResult(provider="resend", provider_id=str(response.get("id", "")))


def send_batch(emails: list[BatchEmail], *, idempotency_key: str) -> list[SendResult]:
    """Send up to :data:`BATCH_MAX` emails in one Resend request (``POST /emails/batch``).

    Strict validation (Resend's default): either every email is accepted or
    none is. The answer lists the new ids in the order of ``emails``.

    Args:
        emails: the emails, in the order their results are wanted.
        idempotency_key: the batch's ``Idempotency-Key``; a repeat of the same
            request under the same key is answered without sending again.

    Returns:
        One result per email, in order (``provider_id`` empty only if Resend
        answered with a different number of ids than emails sent).

    Raises:
        TemporaryFailure: 429, 5xx, network, or the same key still in flight: retry the
            same batch later.
        BatchRejected: another 4xx: nothing was sent; send the emails one by one.
        PermanentFailure: 409, the key was already used for a different batch.
    """
    if not 0 < len(emails) <= BATCH_MAX:
        raise ValueError(f"A batch holds 1 to {BATCH_MAX} emails, not {len(emails)}.")
    _configure()
    params = [_params(to=e.to, subject=e.subject, text=e.text, html=e.html, sender=e.sender,
                      reply_to=e.reply_to) for e in emails]
    try:
        response = resend.Batch.send(params, {"idempotency_key": idempotency_key})
    except resend.exceptions.ResendError as exc:
        code = _status_code(exc)
        if code == 429 or code >= 500 or (
                code == 409 and getattr(exc, "error_type", "") == "concurrent_idempotent_requests"):
            raise TemporaryFailure(f"Resend {code}: {exc}") from exc
        if code == 409:
            raise PermanentFailure(f"Resend 409: {exc} (this batch key was already used; the "
                                   "emails may have been sent)") from exc
        raise BatchRejected(f"Resend {code}: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise TemporaryFailure(str(exc)) from exc
    data = list(response.get("data") or [])
    if len(data) != len(emails):
        log.warning("Resend batch %s answered %d ids for %d emails", idempotency_key,
                    len(data), len(emails))
        return [SendResult(provider="resend", provider_id="") for _ in emails]
    return [SendResult(provider="resend", provider_id=str(item.get("id", ""))) for item in data]
