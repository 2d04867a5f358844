"""What a provider adapter reports back to the outbox dispatcher."""

from __future__ import annotations

from dataclasses import dataclass


class TemporaryFailure(Exception):
    """The provider may accept the message later (429, 5xx, network)."""


class PermanentFailure(Exception):
    """The provider will never accept this message as it is."""


class OptedOut(PermanentFailure):
    """The carrier or provider blocks the number because it replied STOP."""


@dataclass(frozen=True)
class SendResult:
    """A message the provider accepted."""

    provider: str
    provider_id: str
