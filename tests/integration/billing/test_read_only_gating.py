"""A read-only plan refuses every change of company data in the services.

A company whose subscription is canceled (or unpaid, paused, trial ended,
past due beyond the grace) gets :class:`PermissionDenied` with the plan's
sentence from each service below, and the database stays exactly as it
was. Reading and exporting keep working, and a trialing or active company
writes as usual.

To gate a new service function, add a :class:`Case` to ``CASES``: what it
needs prepared while the company may still write, and the call itself.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from bson import ObjectId
from PIL import Image

from iprodash.domain.clock import company_today
from iprodash.domain.errors import PermissionDenied
from iprodash.domain.finance import Payment
from iprodash.repositories.base import utcnow
from iprodash.services import (clients, conversations, dispatch_board, job_csv,
                               job_csv_import, job_lifecycle, job_photos, job_queries,
                               job_views, jobs, lead_sources, messaging_settings,
                               outbox_admin, report_schedules, reports, settlements,
                               technician_access, technician_portal, technicians)
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, Actor
from iprodash.services.job_queries import JobListFilters
from iprodash.services.privacy_export import request_company_export
from tests.integration.jobs.conftest import Shop

NOW = utcnow()
ACTIVE = {"status": "active", "subscription_id": "sub_1", "customer_id": "cus_1"}
TRIALING = {"status": "trialing", "trial_ends_at": NOW + timedelta(days=10)}
CANCELED = {"status": "canceled", "subscription_id": "sub_1", "customer_id": "cus_1"}
PAST_DUE_OVER = {"status": "past_due", "subscription_id": "sub_1", "customer_id": "cus_1",
                 "past_due_since": NOW - timedelta(days=8)}  # grace is 7 days (billing_on)
# (billing record, is the caller an admin) -> the sentence of the refusal
REFUSALS = {
    ("canceled", True): "Your subscription is canceled: the account is read-only. "
                        "Open Billing to subscribe again.",
    ("canceled", False): "Your subscription is canceled: the account is read-only. "
                         "Ask your company admin to subscribe again.",
    ("past_due", True): "Your payment is past due and the grace period has ended: the account "
                        "is read-only. Open Billing to update your payment method.",
    ("past_due", False): "Your payment is past due and the grace period has ended: the account "
                         "is read-only. Ask your company admin to update the payment method.",
}
CASH_100 = [Payment("cash", 10000, "technician")]
CLIENTS_CSV = b"Name,Phone\r\nIda Import,(212) 555-0191\r\nJo Import,(212) 555-0192\r\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


class World(Shop):
    """A company (active at first) with technicians, a source, and jobs made on demand."""

    def __init__(self, db):
        super().__init__(db, "Gated Locks")
        self.set_billing(ACTIVE)
        self.tom = self.technician("Tom Tech")
        self.ann = self.technician("Ann Tech", phone="(212) 555-0122")
        self.lead = self.source()
        tom_id = ObjectId(self.tom.id)
        self.tech = Actor(user_id=tom_id, role=TECHNICIAN, name=self.tom.name, email="",
                          company_id=self.company["_id"], technician_id=tom_id)

    def set_billing(self, record: dict) -> None:
        self.db["companies"].update_one({"_id": self.company["_id"]},
                                        {"$set": {"billing": record}})

    def actor_for(self, who: str) -> Actor:
        return {"admin": self.admin, "user": self.user, "tech": self.tech}[who]

    def scheduled(self, technician=None, **overrides) -> dict:
        """A scheduled job assigned to ``technician`` (Tom by default)."""
        job = self.job(technician_id=(technician or self.tom).id, **overrides)
        return self.walk_to(job, "scheduled")

    def closed(self, technician, **overrides) -> dict:
        return self.closed_job(payments=CASH_100, technician_id=technician.id, **overrides)

    def paid_period(self) -> dict:
        """A custom period of the last days up to today (company time zone)."""
        today = company_today(self.company)
        return {"period": "custom", "start": (today - timedelta(days=2)).isoformat(),
                "end": today.isoformat()}


def _reactivatable(w: World) -> dict:
    old = w.technician("Old Tech", phone="(212) 555-0133")
    technicians.set_technician_active(w.db, actor=w.admin, technician_id=old.id, active=False)
    return {"id": old.id}


def _payable(w: World) -> dict:
    pia = w.technician("Pia Paid", phone="(212) 555-0144")
    w.closed(pia)
    return {"id": pia.id}


PAY_AGAINST_ADVANCE = dict(amount="0", method="other", note="Settled against an advance")


def _voidable(w: World) -> dict:
    vic = w.technician("Vic Void", phone="(212) 555-0155")
    w.closed(vic)
    return {"id": settlements.record_payout(db=w.db, actor=w.admin, technician_id=vic.id,
                                            **w.paid_period(), **PAY_AGAINST_ADVANCE)}


def _dead_message(w: World) -> dict:
    return {"id": str(w.db["outbox"].insert_one({
        "company_id": w.company["_id"], "channel": "sms", "kind": "reminder",
        "to": "+12125550100", "text": "hi", "status": "dead", "attempts": 6,
        "last_error": "Telnyx 500: down", "idempotency_key": "dead-1", "created_at": NOW,
        "next_attempt_at": NOW}).inserted_id)}


def _job_id(make: Callable[[World], dict]) -> Callable[[World], dict]:
    return lambda w: {"id": str(make(w)["_id"])}


@dataclass(frozen=True)
class Case:
    """One gated service call.

    Attributes:
        name: The test id.
        who: "admin", "user" or "tech": who calls.
        call: ``call(world, actor, prepared)`` makes the change.
        prepare: Run while the company may still write; returns what ``call`` needs.
    """

    name: str
    who: str
    call: Callable[[World, Actor, dict], object]
    prepare: Callable[[World], dict] = field(default=lambda w: {})


CASES = [
    # technicians, sign-in links, lead sources, clients
    Case("technician.create", "admin", lambda w, a, p: technicians.create_technician(
        w.db, actor=a, form=technicians.TechnicianForm(name="New Tech", phone="(212) 555-0166",
                                                       commission_percent="30"))),
    Case("technician.update", "admin", lambda w, a, p: technicians.update_technician(
        w.db, actor=a, technician_id=w.tom.id, form=technicians.TechnicianForm(
            name="Tom Renamed", phone="(212) 555-0111", commission_percent="45"))),
    Case("technician.reactivate", "admin", lambda w, a, p: technicians.set_technician_active(
        w.db, actor=a, technician_id=p["id"], active=True), _reactivatable),
    Case("technician.link", "user", lambda w, a, p: technician_access.create_technician_link(
        w.db, actor=a, technician_id=w.tom.id)),
    Case("lead_source.create", "admin", lambda w, a, p: lead_sources.create_lead_source(
        w.db, actor=a, form=lead_sources.LeadSourceForm(name="Yelp", rate_percent="5"))),
    Case("lead_source.update", "admin", lambda w, a, p: lead_sources.update_lead_source(
        w.db, actor=a, source_id=w.lead.id,
        form=lead_sources.LeadSourceForm(name="Google Ads", rate_percent="12"))),
    Case("lead_source.deactivate", "admin", lambda w, a, p: lead_sources.set_lead_source_active(
        w.db, actor=a, source_id=w.lead.id, active=False)),
    Case("client.create", "user", lambda w, a, p: clients.create_client(
        w.db, actor=a, form=clients.ClientForm(name="Cy Client", phone="(212) 555-0177"))),
    Case("client.update", "user", lambda w, a, p: clients.update_client(
        w.db, actor=a, client_id=p["id"],
        form=clients.ClientForm(name="Di Renamed", phone="(212) 555-0188")),
        lambda w: {"id": clients.create_client(w.db, actor=w.user, form=clients.ClientForm(
            name="Di Client", phone="(212) 555-0188")).id}),
    # jobs: booking, editing, assigning (also the dispatch board's), money lines
    Case("job.create", "user", lambda w, a, p: jobs.create_job(
        w.db, actor=a, form=w.form(client_name="Eve New", client_phone="(212) 555-0199"))),
    Case("job.update", "user", lambda w, a, p: jobs.update_job(
        w.db, actor=a, job_id=p["id"], form=w.form(job_type="Rekey")),
        _job_id(lambda w: w.job())),
    Case("job.assign", "user", lambda w, a, p: jobs.assign_technician(
        w.db, actor=a, job_id=p["id"], technician_id=w.ann.id), _job_id(lambda w: w.job())),
    Case("job.payments_and_parts", "user", lambda w, a, p: jobs.save_payments_and_parts(
        w.db, actor=a, job_id=p["id"], payments=CASH_100, parts=[]),
        _job_id(lambda w: w.job())),
    # status moves
    Case("job.change_status", "user", lambda w, a, p: job_lifecycle.change_status(
        w.db, actor=a, job_id=p["id"], target="scheduled"), _job_id(lambda w: w.job())),
    Case("job.close", "user", lambda w, a, p: job_lifecycle.close_job(
        w.db, actor=a, job_id=p["id"], closing_price_cents=10000, payments=CASH_100),
        _job_id(lambda w: w.walk_to(w.scheduled(), "pending_approval"))),
    Case("job.reopen", "admin", lambda w, a, p: job_lifecycle.reopen_job(
        w.db, actor=a, job_id=p["id"], reason="Wrong price"),
        _job_id(lambda w: w.closed(w.ann))),
    Case("job.cancel", "user", lambda w, a, p: job_lifecycle.cancel_job(
        w.db, actor=a, job_id=p["id"], reason="Client called off"),
        _job_id(lambda w: w.job())),
    Case("job.restore", "user", lambda w, a, p: job_lifecycle.restore_job(
        w.db, actor=a, job_id=p["id"]),
        _job_id(lambda w: job_lifecycle.cancel_job(w.db, actor=w.user, job_id=str(
            w.job()["_id"]), reason="Duplicate").job)),
    # photos, import, payouts
    Case("job.photo.office", "user", lambda w, a, p: job_photos.add_photo(
        w.db, actor=a, job_id=p["id"], data=_png(), kind="before"),
        _job_id(lambda w: w.job())),
    Case("job.photo.technician", "tech", lambda w, a, p: job_photos.add_photo(
        w.db, actor=a, job_id=p["id"], data=_png(), kind="after"),
        _job_id(lambda w: w.scheduled())),
    Case("job_csv.import", "admin", lambda w, a, p: job_csv_import.run_import(
        db=w.db, actor=a, kind="clients", data=CLIENTS_CSV)),
    Case("settlement.record_payout", "admin", lambda w, a, p: settlements.record_payout(
        db=w.db, actor=a, technician_id=p["id"], **w.paid_period(), **PAY_AGAINST_ADVANCE),
        _payable),
    Case("settlement.void_payout", "admin", lambda w, a, p: settlements.void_payout(
        db=w.db, actor=a, settlement_id=p["id"], reason="Paid twice"), _voidable),
    # messaging: settings and templates, replies, retries; report deliveries
    Case("messaging.settings_and_templates", "admin",
         lambda w, a, p: messaging_settings.update_messaging_settings(
             w.db, actor=a, sending_number="(212) 555-0160", messaging_profile_id="",
             reminder_hours_text="24",
             templates={"reminder": "{company}: see you {date} {window}."})),
    Case("conversations.reply", "user", lambda w, a, p: conversations.reply(
        w.db, actor=a, phone="(212) 555-0100", text="We are on our way.")),
    Case("outbox.retry_dead_message", "admin", lambda w, a, p: outbox_admin.retry_dead_message(
        w.db, actor=a, message_id=p["id"]), _dead_message),
    Case("report_schedules.subscribe", "admin", lambda w, a, p: report_schedules.subscribe(
        db=w.db, actor=a, cadence="weekly", email="books@example.test",
        confirm_email="books@example.test")),
    # the technician's phone
    Case("portal.move_my_job", "tech", lambda w, a, p: technician_portal.move_my_job(
        w.db, actor=a, job_id=p["id"], target="en_route"), _job_id(lambda w: w.scheduled())),
    Case("portal.add_my_payment", "tech", lambda w, a, p: technician_portal.add_my_payment(
        w.db, actor=a, job_id=p["id"], method="cash", amount="150"),
        _job_id(lambda w: w.scheduled())),
    Case("portal.add_my_part", "tech", lambda w, a, p: technician_portal.add_my_part(
        w.db, actor=a, job_id=p["id"], description="Deadbolt", cost="40", paid_by="technician"),
        _job_id(lambda w: w.scheduled())),
    Case("portal.add_my_note", "tech", lambda w, a, p: technician_portal.add_my_note(
        w.db, actor=a, job_id=p["id"], text="Back tomorrow with the part"),
        _job_id(lambda w: w.scheduled())),
]


def snapshot(db) -> dict[str, list]:
    """Every document of every collection (GridFS files and the audit log too)."""
    return {name: sorted(db[name].find(), key=lambda doc: str(doc["_id"]))
            for name in sorted(db.list_collection_names())}


def _refused(world: World, case: Case, prepared: dict, status: str) -> None:
    actor = world.actor_for(case.who)
    with pytest.raises(PermissionDenied) as refused:
        case.call(world, actor, prepared)
    assert refused.value.message == REFUSALS[(status, actor.role == COMPANY_ADMIN)], case.name


@pytest.fixture
def world(db, billing_on) -> World:
    return World(db)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_canceled_company_cannot_change_anything(world, case):
    prepared = case.prepare(world)
    world.set_billing(CANCELED)
    before = snapshot(world.db)
    _refused(world, case, prepared, "canceled")
    assert snapshot(world.db) == before


def test_past_due_beyond_the_grace_is_read_only_too(world):
    prepared = [case.prepare(world) for case in CASES]
    world.set_billing(PAST_DUE_OVER)
    before = snapshot(world.db)
    for case, ready in zip(CASES, prepared, strict=True):
        _refused(world, case, ready, "past_due")
    assert snapshot(world.db) == before


@pytest.mark.parametrize("record", [TRIALING, ACTIVE], ids=["trialing", "active"])
def test_a_trialing_or_active_company_still_writes(world, record):
    prepared = [case.prepare(world) for case in CASES]
    world.set_billing(record)
    for case, ready in zip(CASES, prepared, strict=True):
        audits = world.db["audit_log"].count_documents({})
        case.call(world, world.actor_for(case.who), ready)
        assert world.db["audit_log"].count_documents({}) > audits, case.name


def test_a_read_only_company_still_reads_exports_and_cuts_access(world):
    today = company_today(world.company)
    job = world.scheduled(date=today.isoformat())
    closed = world.closed(world.ann, date=today.isoformat())
    photo = job_photos.add_photo(world.db, actor=world.user, job_id=str(job["_id"]),
                                 data=_png(), kind="before")
    subscription = report_schedules.subscribe(
        db=world.db, actor=world.admin, cadence="monthly", email="owner@example.test",
        confirm_email="owner@example.test")
    world.set_billing(CANCELED)
    db, admin, user = world.db, world.admin, world.user

    page = job_queries.list_jobs(db, actor=user, filters=job_queries.parse_list_filters(
        {}, today=today))
    assert {row.id for row in page.rows} == {str(job["_id"]), str(closed["_id"])}
    assert job_views.job_detail(db, actor=user, job_id=str(job["_id"])).id == str(job["_id"])
    assert dispatch_board.board_for_day(db, actor=user, day=today).total == 2
    assert [c.id for c in clients.list_clients(db, actor=user)[0]]
    assert len(technicians.list_technicians(db, actor=user)[0]) == 2
    assert settlements.settlement_summaries(db=db, actor=admin, **world.paid_period())
    assert [r.id for r in job_photos.list_photos(db, actor=user, job_id=str(job["_id"]))] == [
        photo]
    assert technician_portal.job_view(db, actor=world.tech, job_id=str(job["_id"]))["id"]
    assert [r.id for r in technician_portal.my_jobs(db, actor=world.tech)] == [str(job["_id"])]
    # exports: CSV of jobs, a PDF report, the company's data; a CSV preview writes nothing
    name, chunks = job_csv.export_jobs_csv(db=db, actor=user, filters=JobListFilters())
    assert name.endswith(".csv") and f"{closed['number']}" in "".join(chunks)
    assert job_csv_import.preview_import(db=db, actor=admin, kind="clients",
                                         data=CLIENTS_CSV).ok
    receipt = reports.generate_report(db=db, actor=user, kind="receipt",
                                      job=str(closed["number"]))
    assert receipt.kind == "receipt"
    assert request_company_export(db, actor=admin)
    # cutting access and stopping emails stay possible
    technicians.set_technician_active(db, actor=admin, technician_id=world.ann.id, active=False)
    technician_access.revoke_technician_links(db, actor=admin, technician_id=world.tom.id)
    report_schedules.unsubscribe(db=db, actor=admin, subscription_id=subscription.id)
    assert db["jobs"].count_documents({"company_id": world.company["_id"]}) == 2
