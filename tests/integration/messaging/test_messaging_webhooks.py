"""Signed, badly signed, stale, replayed and duplicate webhooks: only good ones act, once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from fastapi.testclient import TestClient
from nacl.signing import SigningKey

from iprodash.api.app import create_api
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.services.pseudonyms import email_pseudonym
from iprodash.services.sms_optouts import consent_for
from iprodash.settings import get_settings
from tests.integration.messaging.conftest import CLIENT_PHONE, SENDING_NUMBER, opt_in

SIGNING_KEY = SigningKey(b"k" * 32)
SVIX_SECRET = b"resend-webhook-secret-for-tests!"


@pytest.fixture
def api(db, monkeypatch):
    monkeypatch.setenv("TELNYX_PUBLIC_KEY",
                       base64.b64encode(bytes(SIGNING_KEY.verify_key)).decode())
    monkeypatch.setenv("RESEND_WEBHOOK_SECRET", "whsec_" + base64.b64encode(SVIX_SECRET).decode())
    get_settings.cache_clear()
    return TestClient(create_api())


def telnyx_post(api, event: dict, *, timestamp: int | None = None, tamper: bool = False):
    body = json.dumps(event)
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SIGNING_KEY.sign(f"{stamp}|{body}".encode()).signature
    sent = body.replace("STOP", "HELP") if tamper else body
    return api.post("/api/webhooks/telnyx", content=sent, headers={
        "content-type": "application/json", "telnyx-timestamp": stamp,
        "telnyx-signature-ed25519": base64.b64encode(signature).decode()})


def stop_event(event_id: str = "ev-1") -> dict:
    return {"data": {"event_type": "message.received", "id": event_id, "record_type": "event",
                     "payload": {"id": "m-1", "text": "STOP",
                                 "from": {"phone_number": CLIENT_PHONE},
                                 "to": [{"phone_number": SENDING_NUMBER}]}}}


def _status(db, company):
    return (consent_for(db, company["_id"], CLIENT_PHONE) or {}).get("status")


def test_good_signature_acts_once_and_a_duplicate_changes_nothing(api, db, company):
    opt_in(db, company)
    first = telnyx_post(api, stop_event())
    assert first.status_code == 200 and first.json() == {"result": "opted_out"}
    assert _status(db, company) == "opted_out"
    again = telnyx_post(api, stop_event())
    assert again.json() == {"result": "duplicate"}
    assert db["outbox"].count_documents({"kind": "opt_out_confirmation"}) == 1
    assert db["sms_inbound"].count_documents({}) == 1


@pytest.mark.parametrize("case", ["tampered", "stale", "future", "unsigned"])
def test_bad_or_stale_signatures_change_nothing(api, db, company, case):
    opt_in(db, company)
    if case == "unsigned":
        response = api.post("/api/webhooks/telnyx", json=stop_event())
    else:
        offsets = {"tampered": 0, "stale": -400, "future": 400}  # tolerance 300 s
        response = telnyx_post(api, stop_event(), timestamp=int(time.time()) + offsets[case],
                               tamper=case == "tampered")
    assert response.status_code == 401
    assert _status(db, company) == "opted_in"
    assert db["sms_inbound"].count_documents({}) == 0


def test_without_a_public_key_every_telnyx_call_is_refused(db, company, monkeypatch):
    monkeypatch.setenv("TELNYX_PUBLIC_KEY", "")
    get_settings.cache_clear()
    response = TestClient(create_api()).post("/api/webhooks/telnyx", json=stop_event())
    assert response.status_code == 503


def test_delivery_report_updates_the_sent_message(api, db, company):
    db["outbox"].insert_one({"company_id": company["_id"], "channel": "sms", "to": CLIENT_PHONE,
                             "idempotency_key": "k", "status": "sent", "provider_id": "tx-9"})
    event = {"data": {"event_type": "message.finalized", "id": "ev-9", "payload": {
        "id": "tx-9", "to": [{"phone_number": CLIENT_PHONE, "status": "delivery_failed"}],
        "errors": [{"code": "40008", "title": "Undeliverable"}]}}}
    assert telnyx_post(api, event).json() == {"result": "delivery:delivery_failed"}
    message = db["outbox"].find_one({"provider_id": "tx-9"})
    assert message["delivery_status"] == "delivery_failed"
    assert message["delivery_detail"] == "40008 Undeliverable"


def svix_post(api, event: dict, *, svix_id="msg_1", timestamp=None, secret=SVIX_SECRET):
    body = json.dumps(event)
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret, f"{svix_id}.{stamp}.{body}".encode(), hashlib.sha256).digest()
    return api.post("/api/webhooks/resend", content=body, headers={
        "content-type": "application/json", "svix-id": svix_id, "svix-timestamp": stamp,
        "svix-signature": "v1," + base64.b64encode(digest).decode()})


BOUNCE = {"type": "email.bounced", "created_at": "2025-03-04T15:00:00Z", "data": {
    "email_id": "em-1", "to": ["gone@example.test"], "subject": "Hello",
    "bounce": {"type": "Permanent", "subType": "General", "message": "mailbox does not exist"}}}


def test_resend_bounce_marks_the_address_once(api, db):
    db["outbox"].insert_one({"channel": "email", "to": "gone@example.test", "status": "sent",
                             "idempotency_key": "e", "provider_id": "em-1"})
    assert svix_post(api, BOUNCE).json() == {"result": "bounced"}
    mark = EmailSuppressionRepository(db).get(email_pseudonym("gone@example.test"))
    assert mark["reason"] == "bounced" and mark["detail"] == "mailbox does not exist"
    assert db["email_suppressions"].find_one({"_id": "gone@example.test"}) is None
    assert db["outbox"].find_one({"provider_id": "em-1"})["delivery_status"] == "bounced"
    assert svix_post(api, BOUNCE).json() == {"result": "duplicate"}


def test_resend_complaint_marks_and_transient_bounce_does_not(api, db):
    complaint = {"type": "email.complained", "data": {"email_id": "em-2",
                                                      "to": ["angry@example.test"]}}
    soft = {"type": "email.bounced", "data": {"email_id": "em-3", "to": ["full@example.test"],
                                              "bounce": {"type": "Transient"}}}
    svix_post(api, complaint, svix_id="msg_2")
    svix_post(api, soft, svix_id="msg_3")
    assert EmailSuppressionRepository(db).get(email_pseudonym("angry@example.test"))["reason"] == \
        "marked our email as spam"
    assert EmailSuppressionRepository(db).get(email_pseudonym("full@example.test")) is None


@pytest.mark.parametrize("case", ["wrong_secret", "stale"])
def test_resend_bad_signature_or_stale_is_refused(api, db, case):
    kwargs = {"secret": b"not-the-secret"} if case == "wrong_secret" else \
        {"timestamp": int(time.time()) - 600}
    response = svix_post(api, BOUNCE, **kwargs)
    assert response.status_code == 401
    assert EmailSuppressionRepository(db).get(email_pseudonym("gone@example.test")) is None
