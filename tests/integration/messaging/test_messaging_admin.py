"""Messaging settings, the company outbox page, conversations and the scheduler overview."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.jobs.tasks import TASK_LABELS, TASKS
from iprodash.services import conversations, messaging_settings, outbox_admin, scheduler_admin
from iprodash.services.inbound_sms import handle_telnyx_event
from iprodash.services.outbox_dispatch import drain_outbox
from tests.factories import actor_for, admin_of, make_company, make_user
from tests.factories import operator as make_operator
from tests.integration.messaging.conftest import CLIENT_PHONE, SENDING_NUMBER, opt_in
from tests.integration.messaging.test_sms_consent_rules import inbound


def _save(db, actor, **changes):
    fields = dict(sending_number="(212) 555-0111", messaging_profile_id="profile-1",
                  reminder_hours_text="24, 2", templates={})
    fields.update(changes)
    return messaging_settings.update_messaging_settings(db, actor=actor, **fields)


def test_admin_saves_number_reminders_and_a_custom_template(db, company):
    admin = admin_of(db, company)
    view = _save(db, admin, reminder_hours_text="2; 48",
                 templates={"reminder": "{company}: see you {date} at {window}."})
    assert view.sending_number == "(212) 555-0111" and view.reminder_hours == "48, 2"
    assert view.templates["reminder"] == "{company}: see you {date} at {window}."
    stored = db["companies"].find_one({"_id": company["_id"]})["sms"]
    assert stored["reminder_hours"] == [48, 2]
    assert set(stored["templates"]) == {"reminder"}  # defaults are not copied
    assert db["audit_log"].find_one({"action": "messaging.settings_updated"})


@pytest.mark.parametrize("changes,message", [
    ({"templates": {"reminder": "Hi {nickname}"}}, "Unknown variable"),
    ({"reminder_hours_text": "24, 2, 1, 3"}, "at most 3"),
    ({"reminder_hours_text": "0"}, "from 1 to 168"),
    ({"sending_number": "555"}, "valid phone"),
    ({"messaging_profile_id": "x y"}, "letters, digits"),
])
def test_bad_settings_change_nothing(db, company, changes, message):
    with pytest.raises(ValidationError, match=message):
        _save(db, admin_of(db, company), **changes)
    assert db["companies"].find_one({"_id": company["_id"]})["sms"]["sending_number"] == \
        SENDING_NUMBER


def test_two_companies_cannot_share_a_sending_number(db, company):
    other = make_company(db, name="Other Co")
    with pytest.raises(Conflict):
        _save(db, admin_of(db, other), sending_number=SENDING_NUMBER)


def test_office_users_cannot_open_messaging_settings(db, company):
    user = actor_for(make_user(db, company=company))
    with pytest.raises(PermissionDenied):
        messaging_settings.get_messaging_settings(db, actor=user)


def test_outbox_page_shows_reasons_and_retries_dead_letters_of_its_company_only(db, company,
                                                                                clock):
    admin = admin_of(db, company)
    db["outbox"].insert_many([
        {"company_id": company["_id"], "channel": "sms", "kind": "reminder", "to": CLIENT_PHONE,
         "text": "hi", "status": "dead", "attempts": 6, "last_error": "Telnyx 500: down",
         "idempotency_key": "a", "created_at": clock.now(), "next_attempt_at": clock.now()}])
    other = make_company(db, name="Other Co")
    other_id = db["outbox"].insert_one({
        "company_id": other["_id"], "channel": "sms", "to": CLIENT_PHONE, "status": "dead",
        "idempotency_key": "b", "created_at": clock.now()}).inserted_id
    [row] = outbox_admin.list_company_messages(db, actor=admin)
    assert row.status == "dead" and row.reason == "Telnyx 500: down"
    assert row.to == "(212) 555-0123"
    assert (row.channel, row.kind, row.status_label) == ("Text", "Appointment reminder", "Failed")
    outbox_admin.retry_dead_message(db, actor=admin, message_id=row.id)
    message = db["outbox"].find_one({"idempotency_key": "a"})
    assert message["status"] == "queued" and message["attempts"] == 0
    with pytest.raises(NotFound):
        outbox_admin.retry_dead_message(db, actor=admin, message_id=row.id)  # not dead now
    with pytest.raises(NotFound):
        outbox_admin.retry_dead_message(db, actor=admin, message_id=str(other_id))


def test_inbound_thread_and_reply_through_the_outbox(db, company, clock):
    opt_in(db, company)
    db["clients"].insert_one({"company_id": company["_id"], "name": "Maria Lopez",
                              "phone": CLIENT_PHONE, "phone_digits": "12125550123"})
    handle_telnyx_event(db, inbound("e1", "Can you come at 3 instead?"), now=clock.now())
    user = actor_for(make_user(db, company=company))
    [row], _ = conversations.list_conversations(db, actor=user)
    assert row["thread"] == "12125550123" and row["unread"] == 1 and row["who"] == "Maria Lopez"

    outcome = conversations.reply(db, actor=user, phone=row["thread"], text="Yes, 3 works.")
    assert outcome.queued
    drain_outbox(db, clock=clock.now)
    thread = conversations.client_thread(db, actor=user, phone=row["thread"])
    assert thread.client_name == "Maria Lopez" and thread.blocked_reason == ""
    assert [(m["direction"], m["text"]) for m in thread.messages] == [
        ("in", "Can you come at 3 instead?"), ("out", "Yes, 3 works.")]
    stored = db["outbox"].find_one({"company_id": company["_id"], "text": "Yes, 3 works."})
    assert thread.messages[-1]["status"] == {"queued": "waiting to send",
                                             "sent": "sent"}[stored["status"]]
    [row], _ = conversations.list_conversations(db, actor=user)
    assert row["unread"] == 0 and row["last_text"] == "Yes, 3 works." and row["from_us"]


def test_a_stopped_number_gets_no_reply_and_the_thread_says_why(db, company, clock):
    opt_in(db, company)
    handle_telnyx_event(db, inbound("e1", "STOP"), now=clock.now())
    user = actor_for(make_user(db, company=company))
    thread = conversations.client_thread(db, actor=user, phone="12125550123")
    assert "replied STOP" in thread.blocked_reason
    outcome = conversations.reply(db, actor=user, phone="12125550123", text="Are you sure?")
    assert not outcome.queued and "replied STOP" in outcome.reason
    drain_outbox(db, clock=clock.now)
    assert db["sent_box"].count_documents({"text": "Are you sure?"}) == 0


def test_another_company_does_not_see_the_thread(db, company, clock):
    handle_telnyx_event(db, inbound("e1", "hello"), now=clock.now())
    other_user = actor_for(make_user(db, company=make_company(db, name="Other Co")))
    assert conversations.list_conversations(db, actor=other_user) == ([], False)
    with pytest.raises(NotFound):
        conversations.client_thread(db, actor=other_user, phone="12125550123")


def test_scheduler_overview_is_for_the_operator(db, company):
    from iprodash.jobs.tasks import run_logged

    run_logged(db, "appointment_reminders", holder="worker-1")
    rows = {r.name: r for r in scheduler_admin.task_overview(db, actor=make_operator(db))}
    assert rows["appointment_reminders"].runs == 1 and rows["appointment_reminders"].last_ok
    assert rows["drain_outbox"].last_run == "never"
    assert set(TASK_LABELS) == set(TASKS)  # every task has words on the page
    assert rows["appointment_reminders"].label == "Appointment reminders"
    run_logged(db, "scheduled_reports", holder="worker-1")  # logged even when it sent nothing
    [run] = scheduler_admin.recent_runs(db, actor=make_operator(db))
    assert (run["task"], run["task_label"]) == ("scheduled_reports", "Email scheduled reports")
    assert run["result"] == "Delivered: 0, Skipped: 0, Failed: 0"
    assert "No scheduler is running" in scheduler_admin.leader_text(db, actor=make_operator(db))
    with pytest.raises(PermissionDenied):
        scheduler_admin.task_overview(db, actor=admin_of(db, company))
