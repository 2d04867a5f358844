"""Consent the office records (a call, in person), the texting chip's states,
plain-language revocations by text, and the office's "Stop texting this number"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.domain.clock import company_today
from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.services import jobs, job_lifecycle, texting_consent
from iprodash.services.clients import ClientForm, create_client
from iprodash.services.inbound_sms import handle_telnyx_event
from iprodash.services.job_forms import JobForm
from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.sms_optouts import consent_for
from iprodash.services.sms_templates import DISCLOSURE
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import actor_for, admin_of, make_company, make_user
from tests.integration.messaging.conftest import CLIENT_PHONE
from tests.integration.messaging.test_sms_consent_rules import inbound

TECH_PHONE = "+12125550188"


@pytest.fixture
def office(db, company):
    return actor_for(make_user(db, company=company))


def _book(db, actor, clock, **fields):
    # Status moves use the real clock, so the appointment is two days after the company's today.
    company = db["companies"].find_one({"_id": actor.company_id})
    day = (company_today(company) + timedelta(days=2)).isoformat()
    form = dict(client_name="Maria Lopez", client_phone="(212) 555-0123",
                address_line="12 Main St", city="Springfield", state="NY", zip="10001",
                job_type="Lockout", date=day, start_time="09:00", end_time="11:00", **fields)
    return jobs.create_job(db, actor=actor, form=JobForm(**form)).job


def _chip(db, actor, kind, subject_id, clock):
    return texting_consent.texting_status(db, actor=actor, kind=kind, subject_id=str(subject_id),
                                          now=clock.now())


def test_booking_call_consent_records_who_when_how_version_and_welcomes_once(db, company,
                                                                             office, clock):
    job = _book(db, office, clock)
    assert _chip(db, office, "job", job["_id"], clock).label == "Not agreed yet"

    outcome = texting_consent.record_consent(db, actor=office, kind="job",
                                             subject_id=str(job["_id"]), now=clock.now())
    assert outcome.queued
    consent = consent_for(db, company["_id"], CLIENT_PHONE)
    assert (consent["status"], consent["opted_in_method"], consent["opted_in_via"]) == (
        "opted_in", "staff_recorded", "phone_call")
    assert consent["opted_in_by"] == str(office.user_id)
    assert consent["opted_in_at"] == clock.now()
    assert consent["text_version"] == texting_consent.STAFF_SCRIPT_VERSION
    assert consent["events"][-1]["recorded_by"] == str(office.user_id)
    entry = db["audit_log"].find_one({"action": "sms.consent_recorded"})
    assert entry["target_id"] == phone_pseudonym(CLIENT_PHONE)
    assert CLIENT_PHONE not in str(entry)

    # Recording it again (e.g. ticked on the edit form) sends nothing new.
    assert texting_consent.record_consent(db, actor=office, kind="job",
                                          subject_id=str(job["_id"]), now=clock.now()) is None
    drain_outbox(db, clock=clock.now)
    [welcome] = list(db["sent_box"].find({"to": CLIENT_PHONE}))
    assert welcome["text"].startswith("Acme Locks: Thanks for agreeing to texts.")
    assert "appointment confirmations" in welcome["text"] and "HELP" in welcome["text"]
    assert welcome["text"].endswith(DISCLOSURE)
    chip = _chip(db, office, "job", job["_id"], clock)
    assert (chip.state, chip.label, chip.can_stop) == ("on", "Texts: on", True)
    assert "agreed with the office on Mar 4" in chip.detail

    # The client's confirmation now goes, without a second disclosure.
    job_lifecycle.change_status(db, actor=office, job_id=str(job["_id"]), target="scheduled")
    confirmation = db["outbox"].find_one({"kind": "appointment_confirmation"})
    assert confirmation["status"] == "queued" and DISCLOSURE not in confirmation["text"]


def test_consent_on_the_client_form_and_the_job_of_that_client_agree(db, company, office,
                                                                     clock):
    client = create_client(db, actor=office, form=ClientForm(name="Maria Lopez",
                                                             phone="212-555-0123"))
    texting_consent.record_consent(db, actor=office, kind="client", subject_id=client.id,
                                   now=clock.now())
    job = _book(db, office, clock, client_id=client.id)
    assert _chip(db, office, "job", job["_id"], clock).state == "on"
    assert db["outbox"].count_documents({"kind": "opt_in_confirmation"}) == 1


def test_technician_consent_is_asked_in_person_by_the_admin(db, company, office, clock):
    admin = admin_of(db, company)
    tech = create_technician(db, actor=admin, form=TechnicianForm(
        name="Samuel Stone", phone="(212) 555-0188", commission_percent="40"))
    with pytest.raises(PermissionDenied):
        texting_consent.record_consent(db, actor=office, kind="technician", subject_id=tech.id)
    texting_consent.record_consent(db, actor=admin, kind="technician", subject_id=tech.id,
                                   now=clock.now())
    consent = consent_for(db, company["_id"], TECH_PHONE)
    assert (consent["opted_in_method"], consent["opted_in_via"]) == ("staff_recorded",
                                                                     "in_person")
    welcome = db["outbox"].find_one({"to": TECH_PHONE})
    assert welcome["text"].startswith("Acme Locks: You agreed to work texts: new jobs")
    assert welcome["text"].endswith(DISCLOSURE)


def test_a_number_that_said_stop_is_not_re_subscribed_by_staff(db, company, office, clock):
    job = _book(db, office, clock)
    texting_consent.record_consent(db, actor=office, kind="job", subject_id=str(job["_id"]),
                                   now=clock.now())
    clock.advance(days=3)
    assert handle_telnyx_event(db, inbound("e1", "STOP"), now=clock.now()) == "opted_out"
    with pytest.raises(ValidationError, match="text START"):
        texting_consent.record_consent(db, actor=office, kind="job", subject_id=str(job["_id"]))
    assert consent_for(db, company["_id"], CLIENT_PHONE)["status"] == "opted_out"
    chip = _chip(db, office, "job", job["_id"], clock)
    assert (chip.state, chip.label, chip.can_record, chip.can_stop) == (
        "stopped", "Stopped on Mar 7", False, False)


@pytest.mark.parametrize("text", ["please stop texting me", "Remove me", "No me envíes mensajes",
                                  "para", "Don't text me anymore, I'll call you"])
def test_plain_language_revocation_by_text_is_honoured_like_stop(db, company, office, clock,
                                                                 text):
    job = _book(db, office, clock)
    texting_consent.record_consent(db, actor=office, kind="job", subject_id=str(job["_id"]),
                                   now=clock.now())
    assert handle_telnyx_event(db, inbound("e1", text), now=clock.now()) == "opted_out"
    consent = consent_for(db, company["_id"], CLIENT_PHONE)
    assert consent["status"] == "opted_out" and consent["phone"] == phone_pseudonym(CLIENT_PHONE)
    entry = db["audit_log"].find_one({"action": "sms.opted_out"})
    assert entry["after"]["method"] == "free_text"
    job_lifecycle.change_status(db, actor=office, job_id=str(job["_id"]), target="scheduled")
    assert db["outbox"].find_one({"kind": "appointment_confirmation"})["status"] == "suppressed"
    drain_outbox(db, clock=clock.now)
    texts = [t["text"] for t in db["sent_box"].find({"to": CLIENT_PHONE}).sort("_id", 1)]
    assert texts[-1] == ("Acme Locks: You are unsubscribed and will get no more texts. "
                         "Reply START to subscribe again.")
    assert len(texts) == 2  # the welcome, then the one confirmation
    assert _chip(db, office, "job", job["_id"], clock).state == "stopped"


def test_ordinary_conversation_is_stored_not_an_opt_out(db, company, office, clock):
    job = _book(db, office, clock)
    texting_consent.record_consent(db, actor=office, kind="job", subject_id=str(job["_id"]),
                                   now=clock.now())
    assert handle_telnyx_event(db, inbound("e1", "don't stop by until 3"),
                               now=clock.now()) == "stored"
    assert consent_for(db, company["_id"], CLIENT_PHONE)["status"] == "opted_in"


def test_staff_stop_button_records_the_opt_out_with_a_pseudonymous_audit(db, company, office,
                                                                         clock):
    job = _book(db, office, clock)
    texting_consent.record_consent(db, actor=office, kind="job", subject_id=str(job["_id"]),
                                   now=clock.now())
    assert texting_consent.stop_texting(db, actor=office, kind="job",
                                        subject_id=str(job["_id"]), now=clock.now())
    assert not texting_consent.stop_texting(db, actor=office, kind="job",
                                            subject_id=str(job["_id"]), now=clock.now())
    consent = consent_for(db, company["_id"], CLIENT_PHONE)
    assert consent["status"] == "opted_out" and consent["opted_out_method"] == "staff_recorded"
    assert set(consent) == {"_id", "company_id", "phone", "status", "opted_out_at",
                            "opted_out_method", "updated_at"}
    entry = db["audit_log"].find_one({"action": "sms.opted_out"})
    assert entry["target_id"] == phone_pseudonym(CLIENT_PHONE)
    assert entry["after"] == {"method": "staff_recorded"}
    assert entry["actor_id"] == office.user_id
    assert db["outbox"].count_documents({"kind": "opt_out_confirmation"}) == 1
    chip = _chip(db, office, "job", job["_id"], clock)
    assert chip.label == "Stopped on Mar 4" and "office stopped" in chip.detail


def test_another_company_cannot_see_or_change_texting(db, company, office, clock):
    job = _book(db, office, clock)
    stranger = admin_of(db, make_company(db, name="Other Co"))
    for call in (texting_consent.texting_status, texting_consent.record_consent,
                 texting_consent.stop_texting):
        with pytest.raises(Exception, match="does not exist"):
            call(db, actor=stranger, kind="job", subject_id=str(job["_id"]))
    assert consent_for(db, company["_id"], CLIENT_PHONE) is None
    with pytest.raises(ValidationError):
        texting_consent.texting_status(db, actor=office, kind="user", subject_id="x")
