"""Texts caused by job changes, and the scheduler's appointment reminders."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from iprodash.integrations.local_mailbox import read_mailbox
from iprodash.services import job_messages
from iprodash.services.reminders import send_due_reminders
from iprodash.services.sms_templates import DISCLOSURE
from tests.factories import admin_of
from tests.integration.messaging.conftest import CLIENT_PHONE, DAYTIME, opt_in
from tests.mailbox import delivered_link

TECH_PHONE = "+12125550188"
START = datetime(2025, 3, 5, 14, 0, tzinfo=timezone.utc)  # Wed 9:00 AM in New York


def _job(db, company, **fields) -> dict:
    tech_id = db["technicians"].insert_one({
        "company_id": company["_id"], "name": "Samuel Stone", "nickname": "Sam",
        "phone": TECH_PHONE, "active": True}).inserted_id
    doc = {"company_id": company["_id"], "number": 1042, "client_id": None,
           "client": {"name": "Maria Lopez", "phone": CLIENT_PHONE},
           "address": {"line": "12 Main St", "city": "Springfield"},
           "scheduled_start": START, "scheduled_end": START + timedelta(hours=2),
           "technician_id": tech_id, "status": "scheduled", "status_history": [], **fields}
    doc["_id"] = db["jobs"].insert_one(doc).inserted_id
    return doc


def test_scheduling_queues_the_confirmation_in_company_time(db, company):
    opt_in(db, company)
    job = _job(db, company)
    outcome = job_messages.job_status_changed(db, job=job, old_status="new",
                                              actor=admin_of(db, company), now=DAYTIME)
    assert outcome.queued
    message = db["outbox"].find_one({"kind": "appointment_confirmation"})
    assert message["text"] == ("Acme Locks: Hi Maria, your appointment is booked for Wed Mar 5 "
                               "9:00 AM-11:00 AM. Job #1042. Questions? Call (212) 555-0100.")
    assert message["job_id"] == job["_id"] and message["expires_at"] == START
    again = job_messages.job_status_changed(db, job=job, old_status="new", actor=None,
                                            now=DAYTIME)
    assert again.duplicate and db["outbox"].count_documents({}) == 1


def test_rescheduling_confirms_the_new_time(db, company):
    opt_in(db, company)
    job = _job(db, company)
    job_messages.job_status_changed(db, job=job, old_status="new", actor=None, now=DAYTIME)
    moved = {**job, "scheduled_start": START + timedelta(days=1),
             "scheduled_end": START + timedelta(days=1, hours=2)}
    job_messages.job_status_changed(db, job=moved, old_status="scheduled", actor=None,
                                    now=DAYTIME)
    texts = [m["text"] for m in db["outbox"].find({}).sort("_id", 1)]
    assert "Wed Mar 5" in texts[0] and "Thu Mar 6" in texts[1]


def test_en_route_is_urgent_and_names_the_technician(db, company):
    opt_in(db, company)
    job = _job(db, company, status="en_route", status_history=[{"to": "scheduled"},
                                                               {"to": "en_route"}])
    night = datetime(2025, 3, 5, 3, 0, tzinfo=timezone.utc)
    outcome = job_messages.job_status_changed(db, job=job, old_status="scheduled", actor=None,
                                              now=night)
    assert outcome.queued and outcome.not_before is None
    assert db["outbox"].find_one({})["text"] == "Acme Locks: Sam is on the way for job #1042."


def test_closing_sends_job_done_with_a_working_receipt_token(db, company):
    opt_in(db, company)
    job = _job(db, company, status="closed", closed_at=DAYTIME)
    job_messages.job_status_changed(db, job=job, old_status="pending_approval", actor=None,
                                    now=DAYTIME)
    text = db["outbox"].find_one({"kind": "job_done"})["text"]
    token = job_messages.receipt_token(job)
    assert text.endswith(f"/api/receipt/{job['_id']}/{token}")
    assert job_messages.receipt_token_valid(job, token)
    assert not job_messages.receipt_token_valid(job, "0" * 32)
    reclosed = {**job, "closed_at": DAYTIME + timedelta(hours=1)}
    assert not job_messages.receipt_token_valid(reclosed, token)
    assert job_messages.job_status_changed(db, job=job, old_status="canceled", actor=None,
                                           now=DAYTIME) is None


def test_no_consent_means_no_text_and_a_reason(db, company):
    job = _job(db, company)
    outcome = job_messages.job_status_changed(db, job=job, old_status="new", actor=None,
                                              now=DAYTIME)
    assert not outcome.queued and "has not agreed to texts" in outcome.reason


def test_a_client_marked_no_texts_gets_none(db, company):
    opt_in(db, company)
    client_id = db["clients"].insert_one({"company_id": company["_id"], "name": "Maria Lopez",
                                          "phone": CLIENT_PHONE, "no_sms": True}).inserted_id
    job = _job(db, company, client_id=client_id)
    outcome = job_messages.job_status_changed(db, job=job, old_status="new", actor=None,
                                              now=DAYTIME)
    assert not outcome.queued and "no texts" in outcome.reason
    assert send_due_reminders(db, now=START - timedelta(hours=2))["queued"] == 0
    assert db["outbox"].count_documents({}) == 0


def test_job_assigned_texts_the_technician_with_the_tech_link(db, company, mailbox):
    opt_in(db, company, TECH_PHONE, introduced=False)
    job = _job(db, company)
    outcome = job_messages.job_assigned(db, job=job, actor=None, now=DAYTIME)
    assert outcome.queued
    message = db["outbox"].find_one({"kind": "job_assigned"})
    assert message["to"] == TECH_PHONE and message["technician_id"] == job["technician_id"]
    # While it waits, the stored text holds no usable link (it is sealed).
    assert message["text"] == ("Acme Locks: New job #1042 for you, Wed Mar 5 9:00 AM-11:00 AM, "
                               "12 Main St, Springfield. Open: [sign-in link] " + DISCLOSURE)
    link = delivered_link(db, mailbox, to=TECH_PHONE, path="/api/tech/open/",
                          clock=lambda: DAYTIME)
    [delivered] = [m["text"] for m in read_mailbox(mailbox)]
    assert delivered == message["text"].replace("[sign-in link]", link)
    # the link signs the technician in and lands on this job
    assert re.fullmatch(rf"http://localhost:3000/api/tech/open/[\w-]+\?job={job['_id']}", link)
    assert db["tech_links"].count_documents({"technician_id": job["technician_id"]}) == 1
    assert message["urgent"] is False  # starts the next day: waits for daytime
    soon = job_messages.job_assigned(db, job={**job, "scheduled_start": DAYTIME +
                                              timedelta(hours=1)}, actor=None, now=DAYTIME)
    assert soon.queued
    assert db["outbox"].count_documents({"kind": "job_assigned", "urgent": True}) == 1


def test_reminders_24h_and_2h_before_each_once(db, company):
    opt_in(db, company)
    _job(db, company)
    day_before = START - timedelta(hours=24) + timedelta(minutes=5)
    assert send_due_reminders(db, now=day_before)["queued"] == 1
    assert send_due_reminders(db, now=day_before + timedelta(minutes=5))["queued"] == 0
    assert send_due_reminders(db, now=START - timedelta(hours=5))["queued"] == 0
    assert send_due_reminders(db, now=START - timedelta(hours=2))["queued"] == 1
    reminders = list(db["outbox"].find({"kind": "reminder"}))
    assert len(reminders) == 2
    assert reminders[0]["text"].startswith("Acme Locks: Reminder, Maria: your appointment is "
                                           "Wed Mar 5 9:00 AM-11:00 AM.")


def test_reminder_offsets_are_per_company_and_night_reminders_are_dropped(db, company):
    db["companies"].update_one({"_id": company["_id"]}, {"$set": {"sms.reminder_hours": [3]}})
    opt_in(db, company)
    early = START.replace(hour=12)  # 07:00 in New York: a 3 h reminder would be at 04:00
    _job(db, company, scheduled_start=early, scheduled_end=early + timedelta(hours=1))
    counts = send_due_reminders(db, now=early - timedelta(hours=3))
    assert counts["queued"] == 0
    dropped = db["outbox"].find_one({"kind": "reminder"})
    assert dropped["status"] == "canceled" and "too late" in dropped["last_error"]
