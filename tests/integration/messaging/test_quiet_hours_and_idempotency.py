"""Quiet hours with a frozen clock; idempotency; concurrent and crashed dispatchers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from iprodash.integrations.rate_limit import SendRateLimiter
from iprodash.repositories.outbox import OutboxRepository
from iprodash.services.outbox_dispatch import Dispatcher, drain_outbox
from iprodash.services.sms import enqueue_sms
from tests.integration.messaging.conftest import CLIENT_PHONE, opt_in

NIGHT = datetime(2025, 3, 4, 7, 0, tzinfo=timezone.utc)  # 02:00 in New York
NY_8AM = datetime(2025, 3, 4, 13, 0, tzinfo=timezone.utc)  # 08:00 EST


def _text(db, company, key, *, urgent=False, to=CLIENT_PHONE, now):
    return enqueue_sms(db, company=company, to=to, kind="test", text="Acme Locks: hello",
                       idempotency_key=key, urgent=urgent, now=now)


def test_non_urgent_text_waits_until_8_in_the_recipients_zone(db, company, clock, limiter):
    clock.current = NIGHT
    opt_in(db, company)
    outcome = _text(db, company, "k1", now=clock.now())
    assert outcome.queued and outcome.not_before == NY_8AM
    assert "daytime" in outcome.reason

    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 0
    clock.current = NY_8AM - timedelta(seconds=1)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 0
    clock.current = NY_8AM
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1


def test_urgent_text_goes_at_night(db, company, clock, limiter):
    clock.current = NIGHT
    opt_in(db, company)
    assert _text(db, company, "k1", urgent=True, now=clock.now()).not_before is None
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1


def test_recipient_zone_comes_from_the_area_code(db, company, clock):
    la_phone = "+14155550123"  # San Francisco: America/Los_Angeles
    opt_in(db, company, la_phone)
    # 14:30 UTC = 09:30 in New York (the company) but 06:30 in California.
    outcome = _text(db, company, "k1", to=la_phone,
                    now=datetime(2025, 3, 4, 14, 30, tzinfo=timezone.utc))
    assert outcome.not_before == datetime(2025, 3, 4, 16, 0, tzinfo=timezone.utc)


def test_a_retry_that_falls_into_the_night_waits_without_spending_a_try(db, company, clock,
                                                                        limiter):
    opt_in(db, company)
    _text(db, company, "k1", now=clock.now())
    db["outbox"].update_one({"idempotency_key": "k1"},
                            {"$set": {"next_attempt_at": NIGHT + timedelta(days=1)}})
    clock.current = NIGHT + timedelta(days=1)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["postponed"] == 1
    message = db["outbox"].find_one({"idempotency_key": "k1"})
    assert message["status"] == "queued" and message["attempts"] == 0
    assert message["next_attempt_at"] == NY_8AM + timedelta(days=1)


def test_enqueue_twice_is_one_message(db, company, clock):
    opt_in(db, company)
    first = _text(db, company, "same-event", now=clock.now())
    second = _text(db, company, "same-event", now=clock.now())
    assert first.queued and not first.duplicate
    assert second.duplicate
    assert db["outbox"].count_documents({"idempotency_key": "same-event"}) == 1


def test_two_dispatchers_draining_at_once_send_each_message_once(db, company, clock,
                                                                 telnyx_fake):
    for n in range(12):
        phone = f"+121255501{n:02d}"
        opt_in(db, company, phone)
        _text(db, company, f"k{n}", to=phone, urgent=True, now=clock.now())
    no_wait = SendRateLimiter(monotonic=lambda: 0.0, sleep=lambda s: None)
    results = []

    def drain():
        results.append(Dispatcher(db, limiter=no_wait, clock=clock.now).drain())

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    keys = [r.headers["idempotency-key"] for r in telnyx_fake.message_requests()]
    assert sorted(keys) == sorted(f"k{n}" for n in range(12))  # each exactly once
    assert sum(r["sent"] for r in results) == 12


def test_a_dispatcher_killed_mid_batch_leaves_nothing_lost_and_nothing_doubled(
        db, company, clock, limiter, telnyx_fake):
    for n in range(3):
        phone = f"+121255502{n:02d}"
        opt_in(db, company, phone)
        _text(db, company, f"k{n}", to=phone, urgent=True, now=clock.now())
    # The first dispatcher claims one message and dies before sending it.
    crashed = OutboxRepository(db).claim_due("dead-worker", clock.now() + timedelta(minutes=5),
                                             clock.now())
    assert crashed is not None

    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 2
    assert db["outbox"].find_one({"_id": crashed["_id"]})["status"] == "sending"

    clock.advance(minutes=6)  # the dead worker's lease ran out
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1
    keys = [r.headers["idempotency-key"] for r in telnyx_fake.message_requests()]
    assert sorted(keys) == ["k0", "k1", "k2"]
