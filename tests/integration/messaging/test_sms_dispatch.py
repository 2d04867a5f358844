"""The real telnyx SDK against a fake Telnyx: exact requests, retries, dead letters, 40300."""

from __future__ import annotations

from datetime import timedelta

from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.sms import enqueue_sms
from iprodash.services.sms_optouts import consent_for
from tests.integration.messaging.conftest import CLIENT_PHONE, SENDING_NUMBER, opt_in


def _enqueue(db, company, clock, key="k1", text="Acme Locks: see you at 9.", **kw):
    return enqueue_sms(db, company=company, to=kw.pop("to", CLIENT_PHONE), kind="test",
                       text=text, idempotency_key=key, now=clock.now(), **kw)


def _drain(db, clock, limiter):
    return drain_outbox(db, clock=clock.now, limiter=limiter)


def test_sends_the_exact_request_and_records_the_provider_id(db, company, clock, limiter,
                                                             telnyx_fake):
    opt_in(db, company)
    assert _enqueue(db, company, clock).queued

    assert _drain(db, clock, limiter)["sent"] == 1

    [request] = telnyx_fake.message_requests()
    assert request.body == {"to": CLIENT_PHONE, "from": SENDING_NUMBER,
                            "text": "Acme Locks: see you at 9.",
                            "messaging_profile_id": "profile-1"}
    assert request.headers["authorization"] == "Bearer KEY_test_telnyx"
    assert request.headers["idempotency-key"] == "k1"
    message = db["outbox"].find_one({"idempotency_key": "k1"})
    assert message["status"] == "sent"
    assert message["provider"] == "telnyx"
    assert message["provider_id"] == telnyx_fake.delivered[0]["id"]
    assert db["sent_box"].count_documents({}) == 0  # a real provider, not the local box


def test_retries_429_and_5xx_with_growing_backoff_then_sends(db, company, clock, limiter,
                                                             telnyx_fake):
    opt_in(db, company)
    _enqueue(db, company, clock)
    telnyx_fake.fail_next(429)
    telnyx_fake.fail_next(503)

    assert _drain(db, clock, limiter)["retry"] == 1
    message = db["outbox"].find_one({"idempotency_key": "k1"})
    assert message["status"] == "queued" and "429" in message["last_error"]
    assert message["next_attempt_at"] == clock.now() + timedelta(seconds=30)

    assert _drain(db, clock, limiter) == _zero()  # not due yet: nothing tried
    clock.advance(seconds=30)
    assert _drain(db, clock, limiter)["retry"] == 1
    message = db["outbox"].find_one({"idempotency_key": "k1"})
    assert message["next_attempt_at"] == clock.now() + timedelta(seconds=60)

    clock.advance(seconds=60)
    assert _drain(db, clock, limiter)["sent"] == 1
    assert len(telnyx_fake.message_requests()) == 3
    assert {r.headers["idempotency-key"] for r in telnyx_fake.message_requests()} == {"k1"}
    assert db["outbox"].find_one({"idempotency_key": "k1"})["attempts"] == 3


def _zero():
    return {"sent": 0, "retry": 0, "dead": 0, "suppressed": 0, "postponed": 0, "canceled": 0}


def test_dead_letter_after_max_tries_with_the_reason(db, company, clock, limiter, telnyx_fake,
                                                     monkeypatch):
    from iprodash.settings import get_settings

    monkeypatch.setenv("IPRODASH_OUTBOX_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    opt_in(db, company)
    _enqueue(db, company, clock)
    telnyx_fake.fail_next(500, times=3)

    outcomes = []
    for _ in range(3):
        outcomes.append(_drain(db, clock, limiter))
        clock.advance(hours=1)
    assert [o["retry"] for o in outcomes] == [1, 1, 0] and outcomes[-1]["dead"] == 1
    message = db["outbox"].find_one({"idempotency_key": "k1"})
    assert message["status"] == "dead"
    assert message["last_error"].startswith("Gave up after 3 tries: Telnyx 500")
    assert _drain(db, clock, limiter) == _zero()  # a dead letter is never tried again alone
    assert len(telnyx_fake.message_requests()) == 3


def test_a_client_error_is_dead_at_once(db, company, clock, limiter, telnyx_fake):
    opt_in(db, company)
    _enqueue(db, company, clock)
    telnyx_fake.fail_next(422, code="10015")
    assert _drain(db, clock, limiter)["dead"] == 1
    assert "Telnyx 422" in db["outbox"].find_one({"idempotency_key": "k1"})["last_error"]


def test_40300_means_opted_out_not_retry(db, company, clock, limiter, telnyx_fake):
    opt_in(db, company)
    _enqueue(db, company, clock)
    telnyx_fake.fail_opted_out()

    assert _drain(db, clock, limiter)["suppressed"] == 1
    message = db["outbox"].find_one({"idempotency_key": "k1"})
    assert message["status"] == "suppressed" and "STOP" in message["last_error"]
    consent = consent_for(db, company["_id"], CLIENT_PHONE)
    assert consent["status"] == "opted_out" and consent["phone"] == phone_pseudonym(CLIENT_PHONE)

    clock.advance(hours=2)
    assert _drain(db, clock, limiter) == _zero()
    refused = _enqueue(db, company, clock, key="k2")
    assert not refused.queued and "opted out" in refused.reason
    assert len(telnyx_fake.message_requests()) == 1


def test_missing_sending_number_is_a_dead_letter_that_says_what_to_do(db, clock, limiter,
                                                                      telnyx_fake):
    from tests.factories import make_company

    company = make_company(db, name="No Number Co")
    opt_in(db, company)
    _enqueue(db, company, clock, text="No Number Co: hello")
    assert _drain(db, clock, limiter)["dead"] == 1
    assert "Texting set-up" in db["outbox"].find_one({"idempotency_key": "k1"})["last_error"]
    assert telnyx_fake.message_requests() == []


def test_rate_limit_one_per_second_per_number_and_account_limit(db, company, clock, limiter,
                                                                 telnyx_fake):
    from tests.factories import make_company

    other = make_company(db, name="Beta Doors", sms={"sending_number": "+12125550112"})
    for n in range(3):
        phone = f"+1212555013{n}"
        opt_in(db, company, phone)
        _enqueue(db, company, clock, key=f"a{n}", to=phone)
    opt_in(db, other, "+12125550140")
    _enqueue(db, other, clock, key="b0", to="+12125550140", text="Beta Doors: hi")

    assert _drain(db, clock, limiter)["sent"] == 4
    by_number = [r.body["from"] for r in telnyx_fake.message_requests()]
    assert by_number.count(SENDING_NUMBER) == 3
    # Three texts from one number need two waits of a second; the other
    # number's text needs only the account spacing (50/s -> 0.02 s), if any.
    assert sorted(round(s, 3) for s in clock.sleeps if s >= 0.5) == [1.0, 1.0]
    assert all(s <= 0.02 + 1e-9 for s in clock.sleeps if s < 0.5)
