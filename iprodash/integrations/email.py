"""Email through Resend (official ``resend`` SDK), or the local sent box without a key.

The outbox dispatcher calls :func:`send_email`; nothing else sends email.
Each send carries the outbox message's idempotency key, so Resend drops a
repeat of a message whose first answer was lost.
"""

from __future__ import annotations

import base64

import resend

from iprodash.integrations.delivery import PermanentFailure, SendResult, TemporaryFailure
from iprodash.settings import get_settings

EmailResult = SendResult  # the name callers used before SMS shared the type

__all__ = ["EmailResult", "PermanentFailure", "SendResult", "TemporaryFailure", "email_provider",
           "send_email"]


def _status_code(exc: Exception) -> int:
    try:
        return int(getattr(exc, "code", 0) or 0)
    except (TypeError, ValueError):
        return 0


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
    settings = get_settings()
    resend.api_key = settings.resend_api_key
    if settings.resend_api_url:
        resend.api_url = settings.resend_api_url
    params = {"from": sender or settings.email_from, "to": [to], "subject": subject,
              "text": text, "html": html}
    if reply_to:
        params["reply_to"] = reply_to
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
