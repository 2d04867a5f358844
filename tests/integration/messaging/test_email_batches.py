"""Emails to Resend in batches (``POST /emails/batch``) with the real SDK against a fake Resend.

One request for the due emails, the same key and members when a batch is
retried, attachments alone, a rejected batch sent one by one, and two
dispatchers racing without sending anything twice.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import gridfs
import pytest

from iprodash.domain.sign_in_links import redact_sign_in_links
from iprodash.integrations.rate_limit import SendRateLimiter
from iprodash.repositories.base import utcnow
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.services.pseudonyms import email_pseudonym
from iprodash.repositories.outbox import CompanyOutbox, OutboxRepository
from iprodash.services.notifications import enqueue_email
from iprodash.services.outbox_dispatch import batch_key, drain_outbox
from iprodash.settings import get_settings
from tests.integration.messaging.conftest import FakeClock

SENDER = "Acme Locks via iProDash <no-reply@iprodash.local>"


@pytest.fixture
def clock() -> FakeClock:
    """Emails are queued at the real time: the frozen clock starts just after it."""
    return FakeClock(utcnow() + timedelta(seconds=5))


def _email(db, company, n: int, *, to: str = "", attachments: list | None = None) -> None:
    assert enqueue_email(db, company_id=company["_id"], to=to or f"p{n}@example.test",
                         kind="invite", idempotency_key=f"invite:{n}", inviter="Ann",
                         company=company["name"], days="7",
                         link=f"http://localhost:3000/join?invite={n}", attachments=attachments)


def _pdf(db, company) -> list[dict]:
    file_id = gridfs.GridFSBucket(db, bucket_name="reports").upload_from_stream(
        "receipt.pdf", b"%PDF-1.4 fake receipt", metadata={"company_id": company["_id"]})
    return [{"bucket": "reports", "file_id": file_id, "filename": "receipt.pdf",
             "content_type": "application/pdf"}]


def _messages(db) -> list[dict]:
    return list(db["outbox"].find({}).sort("_id", 1))


def _drain(db, clock, limiter) -> dict:
    return drain_outbox(db, clock=clock.now, limiter=limiter)


def test_five_due_emails_go_in_one_batch_request_and_each_gets_its_id(db, company, clock,
                                                                      limiter, resend_fake):
    for n in range(5):
        _email(db, company, n)
    assert _drain(db, clock, limiter)["sent"] == 5

    assert resend_fake.email_requests() == []
    [request] = resend_fake.batch_requests()
    messages = _messages(db)
    assert request.headers["authorization"] == "Bearer re_test_key"
    assert request.headers["idempotency-key"] == batch_key([m["_id"] for m in messages])
    assert len(request.body) == 5
    for email, message, n in zip(request.body, messages, range(5)):
        assert email == {"from": SENDER, "to": [f"p{n}@example.test"],
                         "subject": "Ann invited you to Acme Locks on iProDash",
                         "text": email["text"], "html": email["html"]}
        # The provider got the live link; the stored copy keeps it redacted.
        assert f"join?invite={n}" in email["text"] and f"join?invite={n}" in email["html"]
        assert message["text"] == redact_sign_in_links(email["text"])
        assert message["html"] == redact_sign_in_links(email["html"])
        assert "invite=" not in message["text"] + message["html"]
    assert [m["provider_id"] for m in messages] == [d["id"] for d in resend_fake.delivered]
    assert len(set(m["provider_id"] for m in messages)) == 5
    assert all(m["status"] == "sent" and m["provider"] == "resend" and m["attempts"] == 1
               for m in messages)
    assert clock.sleeps == []  # one request


def test_an_email_with_an_attachment_goes_alone_and_a_batch_is_one_request(
        db, company, clock, limiter, resend_fake):
    _email(db, company, 0)
    _email(db, company, 1, attachments=_pdf(db, company))
    _email(db, company, 2)
    _email(db, company, 3)
    assert _drain(db, clock, limiter)["sent"] == 4

    [batch] = resend_fake.batch_requests()
    assert [e["to"] for e in batch.body] == [["p0@example.test"], ["p2@example.test"],
                                             ["p3@example.test"]]
    assert all("attachments" not in e for e in batch.body)
    [single] = resend_fake.email_requests()
    assert single.headers["idempotency-key"] == "invite:1"
    assert single.body["to"] == ["p1@example.test"]
    assert [a["filename"] for a in single.body["attachments"]] == ["receipt.pdf"]
    by_to = {d["to"][0]: d["id"] for d in resend_fake.delivered}
    assert {m["to"]: m["provider_id"] for m in _messages(db)} == by_to
    assert [round(s, 3) for s in clock.sleeps] == [0.5]  # two requests at 2 per second


def test_a_429_on_the_batch_retries_the_same_batch_later_and_nothing_is_sent_twice(
        db, company, clock, limiter, resend_fake):
    for n in range(5):
        _email(db, company, n)
    resend_fake.fail_next(429)
    assert _drain(db, clock, limiter)["retry"] == 5
    first = _messages(db)
    retry_at = clock.now() + timedelta(seconds=30)
    assert all(m["status"] == "queued" and "Resend 429" in m["last_error"]
               and abs(m["next_attempt_at"] - retry_at) < timedelta(milliseconds=1)
               for m in first)
    _email(db, company, 5)  # arrives meanwhile: never joins the batch being retried
    clock.advance(seconds=30)
    assert _drain(db, clock, limiter)["sent"] == 6

    failed, retried = resend_fake.batch_requests()
    assert retried.headers["idempotency-key"] == failed.headers["idempotency-key"]
    assert retried.body == failed.body and len(retried.body) == 5
    [newcomer] = resend_fake.email_requests()
    assert newcomer.body["to"] == ["p5@example.test"]
    assert sorted(d["to"][0] for d in resend_fake.delivered) == [
        f"p{n}@example.test" for n in range(6)]
    messages = _messages(db)
    assert all(m["status"] == "sent" and m["provider_id"] for m in messages)
    assert [m["attempts"] for m in messages] == [2, 2, 2, 2, 2, 1]


def test_a_lost_answer_is_retried_under_the_same_key_and_resend_drops_the_repeat(
        db, company, clock, limiter, resend_fake):
    for n in range(5):
        _email(db, company, n)
    resend_fake.lose_next_answer()  # Resend sends, the answer is a 500
    assert _drain(db, clock, limiter)["retry"] == 5
    clock.advance(seconds=30)
    assert _drain(db, clock, limiter)["sent"] == 5

    first, second = resend_fake.batch_requests()
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(resend_fake.delivered) == 5
    assert [m["provider_id"] for m in _messages(db)] == [d["id"] for d in resend_fake.delivered]


def test_a_dispatcher_that_dies_after_the_request_leaves_the_batch_to_the_next_one(
        db, company, clock, limiter, resend_fake, monkeypatch):
    for n in range(5):
        _email(db, company, n)

    real_mark = OutboxRepository.mark_batch_sent
    deaths = [RuntimeError("killed after the request, before recording it")]

    def die_once(self, *args, **kwargs):
        if deaths:
            raise deaths.pop()
        return real_mark(self, *args, **kwargs)

    monkeypatch.setattr(OutboxRepository, "mark_batch_sent", die_once)
    with pytest.raises(RuntimeError):
        _drain(db, clock, limiter)
    assert {m["status"] for m in _messages(db)} == {"sending"}
    _email(db, company, 5)
    _email(db, company, 6)
    assert _drain(db, clock, limiter)["sent"] == 2  # the claimed batch waits for its lease
    clock.advance(minutes=get_settings().outbox_lease_minutes, seconds=1)
    assert _drain(db, clock, limiter)["sent"] == 5

    batches = resend_fake.batch_requests()
    assert len(batches) == 3  # the lost batch, the two newcomers, the same batch again
    assert batches[2].headers["idempotency-key"] == batches[0].headers["idempotency-key"]
    assert batches[2].body == batches[0].body
    assert len(resend_fake.delivered) == 7
    assert all(m["status"] == "sent" for m in _messages(db))


def test_a_member_that_drops_out_before_the_retry_leaves_the_rest_under_a_new_key(
        db, company, clock, limiter, resend_fake):
    for n in range(4):
        _email(db, company, n)
    resend_fake.fail_next(429)
    assert _drain(db, clock, limiter)["retry"] == 4
    EmailSuppressionRepository(db).mark(email_pseudonym("p0@example.test"), reason="bounced",
                                        detail="mailbox does not exist", at=clock.now())
    clock.advance(seconds=30)
    counts = _drain(db, clock, limiter)
    assert counts["suppressed"] == 1 and counts["sent"] == 3

    failed, retried = resend_fake.batch_requests()
    rest = _messages(db)[1:]
    assert retried.headers["idempotency-key"] == batch_key([m["_id"] for m in rest])
    assert retried.headers["idempotency-key"] != failed.headers["idempotency-key"]
    assert [e["to"][0] for e in retried.body] == ["p1@example.test", "p2@example.test",
                                                  "p3@example.test"]


def test_followers_of_a_deleted_leader_are_not_stranded(db, company, clock, limiter,
                                                        resend_fake):
    for n in range(3):
        _email(db, company, n)
    resend_fake.fail_next(429)
    assert _drain(db, clock, limiter)["retry"] == 3
    leader = _messages(db)[0]
    db["outbox"].delete_one({"_id": leader["_id"]})  # e.g. the client was erased
    clock.advance(seconds=30)
    assert _drain(db, clock, limiter)["sent"] == 2
    assert sorted(d["to"][0] for d in resend_fake.delivered) == ["p1@example.test",
                                                                 "p2@example.test"]


def test_a_422_on_the_batch_falls_back_to_single_sends_and_only_the_bad_one_fails(
        db, company, clock, limiter, resend_fake):
    for n in range(5):
        _email(db, company, n, to="not-an-address" if n == 2 else "")
    counts = _drain(db, clock, limiter)
    assert counts["sent"] == 4 and counts["dead"] == 1

    [batch] = resend_fake.batch_requests()
    assert len(batch.body) == 5
    singles = resend_fake.email_requests()
    messages = _messages(db)
    assert [r.headers["idempotency-key"] for r in singles] == [
        m["idempotency_key"] for m in messages]
    bad = messages.pop(2)
    assert bad["status"] == "dead" and "Resend 422" in bad["last_error"]
    assert [m["status"] for m in messages] == ["sent"] * 4
    assert [m["provider_id"] for m in messages] == [d["id"] for d in resend_fake.delivered]
    assert all(m.get("send_alone") and "batch_key" not in m for m in messages)
    assert [round(s, 3) for s in clock.sleeps] == [0.5] * 5  # six requests


def test_a_batch_is_dead_after_the_last_try_and_a_retried_dead_letter_goes_alone(
        db, company, clock, limiter, resend_fake, monkeypatch):
    monkeypatch.setenv("IPRODASH_OUTBOX_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    for n in range(3):
        _email(db, company, n)
    resend_fake.fail_next(500, times=2)
    assert _drain(db, clock, limiter)["retry"] == 3
    clock.advance(seconds=30)
    assert _drain(db, clock, limiter)["dead"] == 3
    messages = _messages(db)
    assert all(m["status"] == "dead" and "Gave up after 2 tries (batch of 3)" in m["last_error"]
               for m in messages)

    assert CompanyOutbox(db, company["_id"]).retry(messages[1]["_id"], clock.now())
    assert _drain(db, clock, limiter)["sent"] == 1
    [single] = resend_fake.email_requests()
    assert single.headers["idempotency-key"] == "invite:1"
    assert len(resend_fake.batch_requests()) == 2 and len(resend_fake.delivered) == 1


def test_two_dispatchers_at_once_never_send_a_message_twice(db, company, clock, resend_fake):
    for n in range(5):  # a batch waiting for its retry, next to fresh emails
        _email(db, company, n)
    resend_fake.fail_next(429)
    assert drain_outbox(db, clock=clock.now, limiter=SendRateLimiter(sleep=lambda s: None)
                        )["retry"] == 5
    pending_key = resend_fake.batch_requests()[0].headers["idempotency-key"]
    clock.advance(seconds=30)
    total = 5
    for round_ in range(3):
        for n in range(total, total + 40):
            _email(db, company, n)
        total += 40
        start = threading.Barrier(2)
        results: list[dict] = []

        def run():
            start.wait()
            results.append(drain_outbox(db, clock=clock.now,
                                        limiter=SendRateLimiter(sleep=lambda s: None)))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(r["sent"] for r in results) == (45 if round_ == 0 else 40)

    delivered = [d["to"][0] for d in resend_fake.delivered]
    assert sorted(delivered) == sorted(f"p{n}@example.test" for n in range(total))
    messages = _messages(db)
    assert all(m["status"] == "sent" for m in messages)
    assert len({m["provider_id"] for m in messages}) == total
    keys = [r.headers["idempotency-key"] for r in resend_fake.batch_requests()]
    assert keys.count(pending_key) == 2  # the 429, then exactly one retry
    assert len(set(keys)) == len(keys) - 1
