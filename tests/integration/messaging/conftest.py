"""Messaging fixtures: fake Telnyx/Resend servers, a frozen clock, a texting company."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from iprodash.integrations.rate_limit import SendRateLimiter
from iprodash.repositories.sms_consents import SmsConsentRepository
from iprodash.settings import get_settings
from tests.factories import make_company
from tests.fakes.resend_fake import FakeResend
from tests.fakes.telnyx_fake import FakeTelnyx

SENDING_NUMBER = "+12125550111"
CLIENT_PHONE = "+12125550123"  # New York area code: recipient zone America/New_York
# 15:00 UTC = 11:00 in New York, well inside the sending window.
DAYTIME = datetime(2025, 3, 4, 15, 0, tzinfo=timezone.utc)


class FakeClock:
    """Wall clock and monotonic clock that only move when told (or slept)."""

    def __init__(self, start: datetime = DAYTIME):
        self.current = start
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds=seconds)

    def advance(self, **delta) -> None:
        step = timedelta(**delta)
        self.current += step
        self.mono += step.total_seconds()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock) -> SendRateLimiter:
    return SendRateLimiter(monotonic=clock.monotonic, sleep=clock.sleep)


@pytest.fixture
def telnyx_fake(db, monkeypatch):
    with FakeTelnyx() as fake:
        monkeypatch.setenv("TELNYX_API_KEY", "KEY_test_telnyx")
        monkeypatch.setenv("TELNYX_BASE_URL", fake.base_url)
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


@pytest.fixture
def resend_fake(db, monkeypatch):
    import resend

    previous = resend.api_url
    with FakeResend() as fake:
        monkeypatch.setenv("RESEND_API_KEY", "re_test_key")
        monkeypatch.setenv("RESEND_API_URL", fake.url)
        get_settings.cache_clear()
        yield fake
    resend.api_url = previous
    get_settings.cache_clear()


@pytest.fixture
def company(db) -> dict:
    return make_company(db, name="Acme Locks", sms={"sending_number": SENDING_NUMBER,
                                                    "messaging_profile_id": "profile-1"})


def opt_in(db, company: dict, phone: str = CLIENT_PHONE, *, introduced: bool = True) -> None:
    """Record consent directly (the opt-in flow itself has its own tests)."""
    repo = SmsConsentRepository(db, company["_id"])
    repo.opt_in(phone, method="web_form", now=DAYTIME, ip="203.0.113.9", text_version="test")
    if introduced:
        repo.mark_introduced(phone, DAYTIME)
