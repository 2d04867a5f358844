"""Approval with evidence: the office sees what the technician left, sends a job back
with a reason the technician reads (and gets by text only with consent), and the
dashboard's "Waiting for approval" queue, scoped to the caller's company."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from bson import ObjectId
from PIL import Image

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.domain.finance import Payment
from iprodash.repositories.base import utcnow
from iprodash.services import job_lifecycle, job_photos, jobs
from iprodash.services import technician_portal as portal
from iprodash.services.actor import TECHNICIAN, Actor
from iprodash.services.approval_queue import jobs_waiting_for_approval
from iprodash.services.company_settings import update_company_settings
from iprodash.services.job_views import job_detail
from iprodash.services.sealed_messages import unsealed
from tests.factories import sms_opted_in
from tests.integration.jobs.conftest import Shop

TECH_PHONE = "(212) 555-0111"


def _as_tech(shop: Shop, technician) -> Actor:
    tech_id = ObjectId(technician.id)
    return Actor(user_id=tech_id, role=TECHNICIAN, name=technician.name, email="",
                 company_id=shop.company["_id"], technician_id=tech_id)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _done_by_technician(shop: Shop, technician, *, note: str = "Rekeyed both locks") -> str:
    """A job the technician worked on the phone: photo, note, payment, marked done."""
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    job = shop.job(date=tomorrow, start_time="10:00", end_time="12:00")
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=technician.id)
    job_id = str(shop.walk_to(job, "scheduled")["_id"])
    tech = _as_tech(shop, technician)
    portal.move_my_job(shop.db, actor=tech, job_id=job_id, target="en_route")
    portal.move_my_job(shop.db, actor=tech, job_id=job_id, target="in_progress")
    job_photos.add_photo(shop.db, actor=tech, job_id=job_id, data=_png(), kind="after")
    portal.add_my_note(shop.db, actor=tech, job_id=job_id, text=note)
    portal.add_my_payment(shop.db, actor=tech, job_id=job_id, method="cash", amount="180")
    portal.move_my_job(shop.db, actor=tech, job_id=job_id, target="pending_approval")
    return job_id


def test_the_office_sees_photos_notes_and_the_time_line(shop):
    eve = shop.technician("Eve Tech")
    job_id = _done_by_technician(shop, eve)
    detail = job_detail(shop.db, actor=shop.user, job_id=job_id)
    assert [p["kind"] for p in detail.photos] == ["after"]
    assert job_photos.open_photo(shop.db, actor=shop.user,
                                 photo_id=detail.photos[0]["id"])[1] == "image/png"
    assert [(n["who"], n["text"]) for n in detail.tech_notes] == [("Eve Tech",
                                                                   "Rekeyed both locks")]
    texts = [t["text"] for t in detail.timeline]
    assert texts[-5:] == ["Eve Tech: Started", "Eve Tech: Added photo (after)",
                          "Eve Tech: Added a note", "Eve Tech: Recorded payments ($180.00 in all)",
                          "Eve Tech: Job done"]
    assert "Eve Tech: On my way" in texts
    labels = {m["label"]: m["kind"] for m in detail.moves}
    assert labels["Approve and close"] == "close"
    assert labels["Send back to technician"] == "reason"


def test_send_back_needs_a_reason_and_reaches_the_phone(shop):
    eve = shop.technician("Eve Tech")
    job_id = _done_by_technician(shop, eve)
    with pytest.raises(ValidationError, match="reason for sending the job back"):
        job_lifecycle.send_back_job(shop.db, actor=shop.user, job_id=job_id, reason="  ")
    with pytest.raises(PermissionDenied):
        job_lifecycle.send_back_job(shop.db, actor=_as_tech(shop, eve), job_id=job_id,
                                    reason="I want to redo it")

    job_lifecycle.change_status(shop.db, actor=shop.user, job_id=job_id, target="in_progress",
                                reason="  Photo of the new cylinder is missing ")
    stored = shop.db["jobs"].find_one({"_id": ObjectId(job_id)})
    assert stored["status"] == "in_progress"
    assert stored["status_history"][-1]["reason"] == "Photo of the new cylinder is missing"
    assert shop.db["audit_log"].find_one({"action": "job.status.in_progress",
                                          "target_id": job_id,
                                          "reason": "Photo of the new cylinder is missing"})
    view = portal.job_view(shop.db, actor=_as_tech(shop, eve), job_id=job_id)
    assert view["sent_back"] == "Photo of the new cylinder is missing"
    assert [m["label"] for m in view["moves"]] == ["Job done"]
    office_view = job_detail(shop.db, actor=shop.user, job_id=job_id)
    assert (office_view.timeline[-1]["text"] ==
            f"{shop.user.name}: Sent back to the technician: Photo of the new cylinder is missing")

    portal.move_my_job(shop.db, actor=_as_tech(shop, eve), job_id=job_id,
                       target="pending_approval")
    assert portal.job_view(shop.db, actor=_as_tech(shop, eve), job_id=job_id)["sent_back"] == ""
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=job_id,
                                     closing_price_cents=18000).job
    assert closed["status"] == "closed"


def test_the_technician_is_texted_the_reason_only_after_agreeing_to_texts(shop):
    eve = shop.technician("Eve Tech", phone=TECH_PHONE)
    first = _done_by_technician(shop, eve)
    change = job_lifecycle.send_back_job(shop.db, actor=shop.user, job_id=first,
                                         reason="Wrong lock")
    assert shop.db["outbox"].count_documents({"kind": "job_sent_back", "status": "queued"}) == 0
    assert any("opted in" in notice or "agreed" in notice or "consent" in notice.lower()
               for notice in change.notices), change.notices

    sms_opted_in(shop.db, shop.company, TECH_PHONE, ip="203.0.113.9")
    second = _done_by_technician(shop, eve)
    job_lifecycle.send_back_job(shop.db, actor=shop.user, job_id=second,
                                reason="Client says the back door still sticks")
    message = shop.db["outbox"].find_one({"kind": "job_sent_back", "status": "queued"})
    assert message["to"] == "+12125550111" and message["job_id"] == ObjectId(second)
    assert "sent back by the office: Client says the back door still sticks" in message["text"]
    assert f"?job={second}" not in message["text"]  # queued, the link waits sealed
    assert f"?job={second}" in unsealed(message)["text"]


def test_the_waiting_queue_lists_only_the_callers_pending_jobs(shop, other_shop):
    eve = shop.technician("Eve Tech")
    waiting = _done_by_technician(shop, eve)
    shop.walk_to(shop.job(), "in_progress")  # not done yet: not in the queue
    other_shop.walk_to(other_shop.job(), "pending_approval")

    queue = jobs_waiting_for_approval(shop.db, actor=shop.user)
    assert [row.id for row in queue.rows] == [waiting] and not queue.more
    assert queue.rows[0].technician_name == "Eve Tech" and queue.rows[0].done_text
    other = jobs_waiting_for_approval(other_shop.db, actor=other_shop.admin)
    assert len(other.rows) == 1 and other.rows[0].technician_name == "Unassigned"
    assert waiting not in [row.id for row in other.rows]
    with pytest.raises(PermissionDenied):
        jobs_waiting_for_approval(shop.db, actor=_as_tech(shop, eve))


def test_the_queue_reads_at_most_its_limit_and_says_there_are_more(shop):
    for _ in range(3):
        shop.walk_to(shop.job(), "pending_approval")
    queue = jobs_waiting_for_approval(shop.db, actor=shop.admin, limit=2)
    assert len(queue.rows) == 2 and queue.more
    assert not jobs_waiting_for_approval(shop.db, actor=shop.admin, limit=3).more


def test_the_finance_note_names_every_rate_used(shop):
    update_company_settings(shop.db, actor=shop.admin, name="Acme Locks", phone="(212) 555-0100",
                            admin_email="owner@acme.test", timezone="America/New_York",
                            card_fee_percent="3.5")
    cass = shop.technician("Cass Cash", percent="50", fee="5")
    fixed = shop.source("Yelp", kind="fixed", fixed="20")
    job = shop.job(technician_id=cass.id, lead_source_id=fixed.id)
    estimate = job_detail(shop.db, actor=shop.admin, job_id=str(job["_id"])).finance_note
    assert estimate.startswith("Estimate with today's rates")
    for words in ("card fee 3.5% of card payments", "technician 50% of net minus a $5.00 per-job "
                  "fee", "source $20.00 fixed per closed job"):
        assert words in estimate
    closed = shop.closed_job(payments=[Payment("cash", 25000, "technician")],
                             technician_id=cass.id, lead_source_id=fixed.id)
    note = job_detail(shop.db, actor=shop.admin, job_id=str(closed["_id"])).finance_note
    assert note == ("Rates fixed when the job closed: card fee 3.5% of card payments; technician "
                    "50% of net minus a $5.00 per-job fee; source $20.00 fixed per closed job.")
    percent = shop.source("Google Ads", percent="12.5")
    other = shop.closed_job(payments=[Payment("cash", 10000, "technician")],
                            technician_id=cass.id, lead_source_id=percent.id)
    assert "source 12.5% of net" in job_detail(shop.db, actor=shop.admin,
                                               job_id=str(other["_id"])).finance_note
    # an office user without financials sees the card fee, not the commission terms
    office = job_detail(shop.db, actor=shop.user, job_id=str(closed["_id"])).finance_note
    assert office == "Rates fixed when the job closed: card fee 3.5% of card payments."
