"""SMS consent data expires with the consent: after STOP only the number's keyed
hash and the opt-out time stay; audit entries never name a number or address."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from iprodash.jobs.retention import enforce_retention
from iprodash.repositories.sms_consents import SmsConsentRepository
from iprodash.services.conversations import reply
from iprodash.services.email_events import handle_resend_event
from iprodash.services.pseudonyms import email_pseudonym, phone_pseudonym
from iprodash.services.sms import block_reason
from iprodash.services.sms_optouts import consent_for
from tests.factories import sms_opted_in
from tests.integration.privacy.people import open_shop, text_from, traces

SHOP_NUMBER, PHONE, NATIONAL, IP = "+12125550100", "+12125550142", "(212) 555-0142", "203.0.113.9"


def test_stop_leaves_only_the_hash_and_time_and_start_brings_consent_back(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    sms_opted_in(db, shop.company, NATIONAL, ip=IP)
    consent = consent_for(db, shop.company_id, PHONE)
    assert consent["ip"] == IP and consent["text_version"] and consent["events"]

    assert text_from(db, shop, PHONE, "STOP") == "opted_out"
    consent = consent_for(db, shop.company_id, PHONE)
    assert consent == {"_id": consent["_id"], "company_id": shop.company_id,
                       "phone": phone_pseudonym(PHONE), "status": "opted_out",
                       "opted_out_at": consent["opted_out_at"],
                       "updated_at": consent["updated_at"]}
    assert traces(db, [IP])[IP] == []
    assert "replied STOP" in block_reason(db, company=shop.company, phone=PHONE)
    assert text_from(db, shop, PHONE, "stop") == "opted_out"  # a second STOP: still one record
    # The technician's opt-in and this number's opt-out, nothing more.
    assert db["sms_consents"].count_documents({"company_id": shop.company_id}) == 2

    assert text_from(db, shop, PHONE, "START") == "opted_in"
    assert consent_for(db, shop.company_id, PHONE)["status"] == "opted_in"
    assert db["sms_consents"].find_one({"phone": phone_pseudonym(PHONE)}) is None
    assert block_reason(db, company=shop.company, phone=PHONE) == ""


def test_audit_entries_name_numbers_and_addresses_only_by_their_hash(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    sms_opted_in(db, shop.company, NATIONAL, ip=IP)
    reply(db, actor=shop.admin, phone=PHONE, text="We open at 8")
    text_from(db, shop, PHONE, "STOP")
    refused = reply(db, actor=shop.admin, phone=PHONE, text="One more thing")
    assert not refused.queued
    handle_resend_event(db, {"type": "email.bounced", "data": {
        "email_id": "em-1", "to": ["Gone@Mail.test"],
        "bounce": {"type": "Permanent", "message": "550 <gone@mail.test> no such user"}}},
        event_id="svix-1")

    entries = list(db["audit_log"].find({"target_type": "phone"}))
    assert {e["action"] for e in entries} >= {"sms.opted_in", "sms.opted_out", "sms.reply",
                                             "sms.reply_refused"}
    # This number and the technician's (opted in when the shop opened).
    assert {e["target_id"] for e in entries} == {phone_pseudonym(PHONE),
                                                 phone_pseudonym("+12125550177")}
    found = traces(db, [PHONE, NATIONAL, PHONE[2:], IP, "gone@mail.test"])
    assert found["gone@mail.test"] == [] and found[IP] == []
    assert "audit_log" not in found[PHONE] + found[NATIONAL] + found[PHONE[2:]]
    mark = db["email_suppressions"].find_one({"_id": email_pseudonym("gone@mail.test")})
    assert mark["reason"] == "bounced" and mark["detail"] == "550 <[address]> no such user"


def test_retention_reduces_an_old_plain_opt_out_to_the_hash(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    # A record written before STOP cleanup existed (the repository's old opt-out path).
    SmsConsentRepository(db, shop.company_id).opt_in(
        PHONE, method="web_form", now=datetime(2024, 1, 5, tzinfo=timezone.utc), ip=IP,
        text_version="2024-v0")
    SmsConsentRepository(db, shop.company_id).opt_out(
        PHONE, method="keyword", now=datetime(2024, 2, 1, tzinfo=timezone.utc))

    counts = enforce_retention(db, now=datetime.now(timezone.utc) + timedelta(minutes=1))

    assert counts["sms_opt_outs_reduced"] == 1
    assert traces(db, [PHONE, IP]) == {PHONE: [], IP: []}
    kept = consent_for(db, shop.company_id, PHONE)
    assert kept["status"] == "opted_out"
    assert kept["opted_out_at"] == datetime(2024, 2, 1, tzinfo=timezone.utc)
    assert enforce_retention(db)["sms_opt_outs_reduced"] == 0
