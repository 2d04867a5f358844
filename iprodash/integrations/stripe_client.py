"""One Stripe SDK client for the platform's billing and for Stripe Connect.

``call`` runs one SDK request and turns Stripe's errors into a sentence for
the user (the network's: try again; a refusal: configuration, say so).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Callable

import stripe

from iprodash.domain.errors import DomainError
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
WEBHOOK_TOLERANCE_SECONDS = 300


class StripeUnavailable(DomainError):
    """Stripe did not answer or refused the request."""

    status_code = 502
    default_message = "Stripe could not be reached. Please try again in a minute."


@lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    base = {"api": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=2)


def client() -> stripe.StripeClient:
    settings = get_settings()
    return _client_for(settings.stripe_api_key, settings.stripe_api_base)


def call(what: str, request: Callable[[], Any], *, refused: str) -> dict[str, Any]:
    """Run one SDK request; ``refused`` is the sentence when Stripe says no."""
    try:
        return request().to_dict()
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
        log.warning("Stripe %s failed: %s", what, type(exc).__name__)
        raise StripeUnavailable() from exc
    except stripe.StripeError as exc:  # a refusal: configuration, not the network
        log.error("Stripe refused the %s: %s", what, type(exc).__name__)
        raise StripeUnavailable(refused) from exc
