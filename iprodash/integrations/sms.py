"""Texts through Telnyx (official ``telnyx`` SDK), or the local sent box without a key.

The outbox dispatcher calls :func:`send_sms`; nothing else sends texts. The
SDK's own retries are off: the dispatcher retries with backoff and knows
when to give up. ``TELNYX_BASE_URL`` points the SDK at another server (the
tests' fake).
"""

from __future__ import annotations

from functools import lru_cache

import telnyx

from iprodash.integrations.delivery import OptedOut, PermanentFailure, SendResult, TemporaryFailure
from iprodash.settings import get_settings

OPTED_OUT_CODE = "40300"
_TIMEOUT_S = 20.0


def sms_provider() -> str:
    """``telnyx`` when an API key is configured, else ``local``."""
    return "telnyx" if get_settings().telnyx_api_key else "local"


@lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, public_key: str) -> telnyx.Telnyx:
    return telnyx.Telnyx(api_key=api_key, base_url=base_url or None,
                         public_key=public_key or None, max_retries=0, timeout=_TIMEOUT_S)


def telnyx_client() -> telnyx.Telnyx:
    """The configured client (cached per key and address)."""
    settings = get_settings()
    return _client(settings.telnyx_api_key, settings.telnyx_base_url, settings.telnyx_public_key)


def _error_codes(body: object) -> list[str]:
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    return [str(err.get("code", "")) for err in errors if isinstance(err, dict)]


def _error_text(body: object, fallback: str) -> str:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return f"{first.get('code', '')} {first.get('title', '')}: {first.get('detail', '')}"
    return fallback


def send_sms(*, from_number: str, to: str, text: str, messaging_profile_id: str = "",
             idempotency_key: str) -> SendResult:
    """Send one text with Telnyx.

    Raises:
        OptedOut: Telnyx refused with 40300 (the number replied STOP).
        TemporaryFailure: 429, 5xx or a network error; retry later.
        PermanentFailure: any other refusal; do not retry.
    """
    params = {"to": to, "text": text, "from_": from_number, "idempotency_key": idempotency_key}
    if messaging_profile_id:
        params["messaging_profile_id"] = messaging_profile_id
    try:
        response = telnyx_client().messages.send(**params)
    except telnyx.APIStatusError as exc:
        detail = _error_text(exc.body, str(exc))
        if OPTED_OUT_CODE in _error_codes(exc.body):
            raise OptedOut(detail) from exc
        if exc.status_code == 429 or exc.status_code >= 500:
            raise TemporaryFailure(f"Telnyx {exc.status_code}: {detail}") from exc
        raise PermanentFailure(f"Telnyx {exc.status_code}: {detail}") from exc
    except telnyx.APIConnectionError as exc:
        raise TemporaryFailure(f"Telnyx unreachable: {exc}") from exc
    message_id = response.data.id if response.data else ""
    return SendResult(provider="telnyx", provider_id=str(message_id or ""))
