"""Consent, STOP/START/HELP, first-message disclosure: the rules of DOMAIN.md "Messages"."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import NotFound, ValidationError
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.sms_consents import SmsConsentRepository
from iprodash.services.inbound_sms import handle_telnyx_event
from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.sms import enqueue_sms
from iprodash.services.sms_consent import DISCLOSURE_VERSION, record_web_consent
from iprodash.services.sms_optouts import consent_for
from iprodash.services.sms_templates import DISCLOSURE
from tests.integration.messaging.conftest import CLIENT_PHONE, SENDING_NUMBER, opt_in


def inbound(event_id: str, text: str, sender: str = CLIENT_PHONE, **extra) -> dict:
    payload = {"id": f"msg-{event_id}", "direction": "inbound", "text": text,
               "from": {"phone_number": sender}, "to": [{"phone_number": SENDING_NUMBER}],
               **extra}
    return {"data": {"event_type": "message.received", "id": event_id,
                     "record_type": "event", "payload": payload}}


def _send(db, company, clock, key):
    return enqueue_sms(db, company=company, to=CLIENT_PHONE, kind="test",
                       text="Acme Locks: your tech is near.", idempotency_key=key,
                       now=clock.now())


def _texts_to(db, phone=CLIENT_PHONE):
    return list(db["sent_box"].find({"to": phone}).sort("_id", 1))


def test_no_consent_no_text_and_the_reason_is_a_plain_sentence(db, company, clock):
    outcome = _send(db, company, clock, "k1")
    assert not outcome.queued
    assert outcome.reason == ("(212) 555-0123 has not agreed to texts yet, so no text was sent. "
                              "When they agree, record it on the job page or on the client or "
                              "technician form.")
    assert "http" not in outcome.reason and company["code"] not in outcome.reason
    kept = db["outbox"].find_one({"idempotency_key": "k1"})
    assert kept["status"] == "suppressed" and kept["last_error"] == outcome.reason


def test_stop_then_send_attempt_nothing_sent_start_sends_again(db, company, clock):
    opt_in(db, company)
    assert _send(db, company, clock, "before-stop").queued  # queued, not yet sent

    assert handle_telnyx_event(db, inbound("e1", " Stop. "), now=clock.now()) == "opted_out"
    refused = _send(db, company, clock, "after-stop")
    assert not refused.queued and "replied STOP" in refused.reason

    drain_outbox(db, clock=clock.now)
    texts = _texts_to(db)
    assert [t["text"] for t in texts] == [
        "Acme Locks: You are unsubscribed and will get no more texts. "
        "Reply START to subscribe again."]
    queued_before = db["outbox"].find_one({"idempotency_key": "before-stop"})
    assert queued_before["status"] == "suppressed"  # checked again at sending time

    assert handle_telnyx_event(db, inbound("e2", "START"), now=clock.now()) == "opted_in"
    assert _send(db, company, clock, "after-start").queued
    drain_outbox(db, clock=clock.now)
    texts = _texts_to(db)
    assert texts[1]["text"].endswith(DISCLOSURE) and "subscribed" in texts[1]["text"]
    assert texts[2]["text"] == "Acme Locks: your tech is near."


def test_stop_variants_suppress_and_confirm_only_once(db, company, clock):
    opt_in(db, company)
    for n, word in enumerate(["UNSUBSCRIBE", "stop all", "Opt-Out!", "quit"]):
        handle_telnyx_event(db, inbound(f"e{n}", word), now=clock.now())
    drain_outbox(db, clock=clock.now)
    assert len(_texts_to(db)) == 1
    consent = consent_for(db, company["_id"], CLIENT_PHONE)
    assert consent["status"] == "opted_out" and consent["phone"] == phone_pseudonym(CLIENT_PHONE)
    # Only what honouring the STOP needs: the number's keyed hash and the time.
    assert set(consent) == {"_id", "company_id", "phone", "status", "opted_out_at",
                            "updated_at"}
    assert consent["opted_out_at"] == clock.now()


def test_a_sentence_with_stop_in_it_is_a_conversation_not_an_opt_out(db, company, clock):
    opt_in(db, company)
    assert handle_telnyx_event(db, inbound("e1", "please stop by after 5"),
                               now=clock.now()) == "stored"
    assert consent_for(db, company["_id"], CLIENT_PHONE)["status"] == "opted_in"
    assert db["sms_inbound"].find_one({"phone": CLIENT_PHONE})["text"] == "please stop by after 5"


def test_help_answers_with_company_contact_and_stop_line(db, company, clock):
    handle_telnyx_event(db, inbound("e1", "help"), now=clock.now())
    drain_outbox(db, clock=clock.now)
    [reply] = _texts_to(db)
    assert reply["text"].startswith("Acme Locks: for help call (212) 555-0100 or email ")
    assert company["admin_email"] in reply["text"]
    assert "Reply STOP to opt out" in reply["text"]


def test_when_telnyx_already_auto_replied_we_do_not_send_a_second(db, company, clock):
    opt_in(db, company)
    handle_telnyx_event(db, inbound("e1", "STOP", autoresponse_type="STOP"), now=clock.now())
    assert consent_for(db, company["_id"], CLIENT_PHONE)["status"] == "opted_out"
    assert db["outbox"].count_documents({}) == 0


def test_first_message_names_the_company_and_carries_the_disclosure(db, company, clock):
    opt_in(db, company, introduced=False)
    enqueue_sms(db, company=company, to=CLIENT_PHONE, kind="test", text="Your tech is near.",
                idempotency_key="first", now=clock.now())
    enqueue_sms(db, company=company, to=CLIENT_PHONE, kind="test", text="Done, thanks!",
                idempotency_key="second", now=clock.now())
    first = db["outbox"].find_one({"idempotency_key": "first"})["text"]
    second = db["outbox"].find_one({"idempotency_key": "second"})["text"]
    assert first == f"Acme Locks: Your tech is near. {DISCLOSURE}"
    assert second == "Done, thanks!"


def _optin_code(db, company) -> str:
    return CompanyRepository(db).ensure_optin_code(company)


def test_web_form_asks_for_yes_and_sends_nothing_else_until_the_reply(db, company, clock):
    name = record_web_consent(db, optin_code=_optin_code(db, company), phone="(212) 555-0123",
                              agreed=True, ip="198.51.100.7", now=clock.now())
    assert name == "Acme Locks"
    consents = SmsConsentRepository(db, company["_id"])
    pending = consents.for_phone(CLIENT_PHONE)
    assert pending["status"] == "pending_confirmation"
    assert pending["requested_ip"] == "198.51.100.7"
    refused = _send(db, company, clock, "before-yes")
    assert not refused.queued and "has not replied YES" in refused.reason
    drain_outbox(db, clock=clock.now)
    [ask] = _texts_to(db)
    assert ask["text"].startswith("Acme Locks: Reply YES to get texts")
    assert ask["text"].endswith(DISCLOSURE)

    clock.advance(minutes=3)
    assert handle_telnyx_event(db, inbound("e1", "Yes!"), now=clock.now()) == "opted_in"
    consent = consents.for_phone(CLIENT_PHONE)
    assert consent["status"] == "opted_in" and consent["opted_in_method"] == "web_form_confirmed"
    assert consent["ip"] == "198.51.100.7" and consent["text_version"] == DISCLOSURE_VERSION
    assert consent["opted_in_at"] == clock.now()
    assert _send(db, company, clock, "after-yes").queued
    drain_outbox(db, clock=clock.now)
    texts = _texts_to(db)
    assert texts[1]["text"].startswith("Acme Locks: You are subscribed")
    assert texts[2]["text"] == "Acme Locks: your tech is near."


def test_web_form_asks_once_a_day_and_never_resubscribes_a_stop(db, company, clock):
    code = _optin_code(db, company)
    for _ in range(2):
        record_web_consent(db, optin_code=code, phone=CLIENT_PHONE, agreed=True, ip="1.2.3.4",
                           now=clock.now())
    assert db["outbox"].count_documents({"kind": "opt_in_request"}) == 1
    clock.advance(hours=25)
    record_web_consent(db, optin_code=code, phone=CLIENT_PHONE, agreed=True, ip="1.2.3.4",
                       now=clock.now())
    assert db["outbox"].count_documents({"kind": "opt_in_request"}) == 2
    handle_telnyx_event(db, inbound("e1", "STOP"), now=clock.now())
    record_web_consent(db, optin_code=code, phone=CLIENT_PHONE, agreed=True,
                       ip="1.2.3.5", now=clock.now())
    consent = consent_for(db, company["_id"], CLIENT_PHONE)  # after STOP: only the hash
    assert consent["status"] == "opted_out"
    assert db["outbox"].count_documents({"kind": "opt_in_request"}) == 2


def test_web_form_needs_the_ticked_box_and_a_real_company(db, company, clock):
    code = _optin_code(db, company)
    with pytest.raises(ValidationError, match="Tick the box"):
        record_web_consent(db, optin_code=code, phone=CLIENT_PHONE, agreed=False,
                           ip="1.2.3.4")
    with pytest.raises(ValidationError, match="valid phone"):
        record_web_consent(db, optin_code=code, phone="12", agreed=True, ip="1.2.3.4")
    with pytest.raises(NotFound):
        record_web_consent(db, optin_code="NOPE", phone=CLIENT_PHONE, agreed=True,
                           ip="1.2.3.4")
    assert db["sms_consents"].count_documents({}) == 0
