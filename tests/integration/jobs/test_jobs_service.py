"""Creating, editing and assigning jobs through the service, on the real database."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from bson import ObjectId

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.domain.finance import Part, Payment
from iprodash.repositories.jobs import job_filter_keys
from iprodash.services import clients, jobs
from iprodash.services.clients import ClientForm
from iprodash.services.technicians import set_technician_active
from tests.factories import actor_for, make_user


def test_create_numbers_jobs_per_company_and_stores_the_window_in_utc(shop, other_shop):
    first, second = shop.job(), shop.job(client_phone="(718) 555-0142")
    theirs = other_shop.job()
    assert (first["number"], second["number"], theirs["number"]) == (1, 2, 1)
    # 09:00-11:00 in New York on June 2 (daylight time, UTC-4).
    assert first["scheduled_start"] == datetime(2025, 6, 2, 13, tzinfo=timezone.utc)
    assert first["scheduled_end"] == datetime(2025, 6, 2, 15, tzinfo=timezone.utc)
    stored = shop.db["jobs"].find_one({"_id": first["_id"]})
    assert stored["status"] == "new" and stored["company_id"] == shop.company["_id"]
    assert stored["client"]["phone"] == "+12125550100"
    assert stored["status_history"][0]["to"] == "new"
    assert {"#1", "ann", "oak", "0100"} <= set(stored["search_keys"])
    assert stored["filter_keys"] == job_filter_keys("new", None, None)
    rollup = shop.db["rollups"].find_one({"company_id": shop.company["_id"]})
    assert rollup["created"] == 2
    assert shop.db["audit_log"].count_documents({"action": "job.created"}) == 3


def test_winter_window_uses_standard_time(shop):
    job = shop.job(date="2025-01-15", start_time="08:30", end_time="")
    assert job["scheduled_start"] == datetime(2025, 1, 15, 13, 30, tzinfo=timezone.utc)
    assert job["scheduled_end"] is None


@pytest.mark.parametrize("overrides, field", [
    ({"client_name": ""}, "client_name"),
    ({"client_phone": "12"}, "client_phone"),
    ({"address_line": " "}, "address_line"),
    ({"job_type": ""}, "job_type"),
    ({"start_time": ""}, "start_time"),
    ({"end_time": "08:00"}, "end_time"),
    ({"date": "June 2nd"}, "date"),
])
def test_invalid_form_saves_nothing(shop, overrides, field):
    with pytest.raises(ValidationError) as error:
        shop.job(**overrides)
    assert error.value.field == field
    assert shop.db["jobs"].count_documents({}) == 0
    assert shop.db["clients"].count_documents({}) == 0


def test_job_reuses_a_client_found_by_phone(shop):
    ann = clients.create_client(shop.db, actor=shop.user,
                                form=ClientForm(name="Ann Lee", phone="212-555-0100"))
    found = clients.find_clients_by_phone(shop.db, actor=shop.user, phone="+1 (212) 555 0100")
    job = shop.job(client_id=found[0].id)
    assert str(job["client_id"]) == ann.id
    assert shop.db["clients"].count_documents({}) == 1
    new_client_job = shop.job(client_phone="(718) 555-0142")
    assert shop.db["clients"].count_documents({}) == 2
    assert new_client_job["client_id"] != job["client_id"]


def test_references_to_another_company_are_not_found(shop, other_shop):
    their_tech, their_source = other_shop.technician(), other_shop.source()
    their_client = clients.create_client(other_shop.db, actor=other_shop.user,
                                         form=ClientForm(name="Zed", phone="(212) 555-0177"))
    for overrides in ({"technician_id": their_tech.id}, {"lead_source_id": their_source.id},
                      {"client_id": their_client.id}):
        with pytest.raises(NotFound):
            shop.job(**overrides)
    assert shop.db["jobs"].count_documents({"company_id": shop.company["_id"]}) == 0


def test_every_job_function_refuses_another_companys_job(shop, other_shop):
    theirs = other_shop.job()
    job_id = str(theirs["_id"])
    calls = [
        lambda: jobs.update_job(shop.db, actor=shop.user, job_id=job_id, form=shop.form()),
        lambda: jobs.assign_technician(shop.db, actor=shop.user, job_id=job_id,
                                       technician_id=None),
        lambda: jobs.save_payments_and_parts(shop.db, actor=shop.user, job_id=job_id,
                                             payments=[], parts=[]),
        lambda: jobs.job_document(shop.db, actor=shop.admin, job_id=job_id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    with pytest.raises(NotFound):
        jobs.job_document(shop.db, actor=shop.admin, job_id="not-an-id")
    assert shop.db["jobs"].find_one({"_id": theirs["_id"]})["updated_at"] == theirs["updated_at"]


def test_operator_cannot_book_jobs(db, shop):
    operator = actor_for(make_user(db, company=None, role="operator"))
    with pytest.raises(PermissionDenied):
        jobs.create_job(db, actor=operator, form=shop.form())


def test_edit_changes_fields_audits_and_refuses_stale_forms(shop):
    job = shop.job()
    version = job["updated_at"].isoformat()
    edited = jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]), version=version,
                             form=shop.form(client_name="Ann Park", notes="Gate code 1234",
                                            address_line="9 Pine Rd")).job
    assert edited["client"]["name"] == "Ann Park" and edited["notes"] == "Gate code 1234"
    assert "pine" in edited["search_keys"] and "oak" not in edited["search_keys"]
    entry = shop.db["audit_log"].find_one({"action": "job.updated"})
    assert entry["before"]["notes"] == "" and entry["after"]["notes"] == "Gate code 1234"
    with pytest.raises(Conflict):
        jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]), version=version,
                        form=shop.form(notes="Overwrites the other edit"))
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["notes"] == "Gate code 1234"


def test_assign_and_reassign_keep_filter_keys_current(shop):
    tom, sam = shop.technician("Tom Tech"), shop.technician("Sam Smith", phone="(212) 555-0112")
    job = shop.job()
    after = jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                   technician_id=tom.id).job
    assert str(after["technician_id"]) == tom.id
    assert f"t:{tom.id}" in after["filter_keys"]
    after = jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                   technician_id=sam.id).job
    assert f"t:{sam.id}" in after["filter_keys"] and f"t:{tom.id}" not in after["filter_keys"]
    texts = shop.db["outbox"].find({"kind": "job_assigned"})
    assert {t["technician_id"] for t in texts} == {ObjectId(tom.id), ObjectId(sam.id)}
    set_technician_active(shop.db, actor=shop.admin, technician_id=tom.id, active=False)
    with pytest.raises(ValidationError):
        jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                               technician_id=tom.id)
    cleared = jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     technician_id="").job
    assert cleared["technician_id"] is None and "t:none" in cleared["filter_keys"]


def test_payments_and_parts_are_validated_before_saving(shop):
    job = shop.job()
    saved = jobs.save_payments_and_parts(
        shop.db, actor=shop.user, job_id=str(job["_id"]),
        payments=[Payment("cash", 10000, "technician"), Payment("card", 5000, "company")],
        parts=[Part("Deadbolt", 2500, "technician")]).job
    assert [p["amount_cents"] for p in saved["payments"]] == [10000, 5000]
    assert saved["parts"] == [{"description": "Deadbolt", "cost_cents": 2500,
                               "paid_by": "technician"}]
    for payments, parts in (([Payment("bitcoin", 100, "company")], []),
                            ([Payment("cash", 0, "company")], []),
                            ([], [Part("", 100, "company")]),
                            ([], [Part("Hinge", 100, "neighbor")])):
        with pytest.raises(ValidationError):
            jobs.save_payments_and_parts(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                         payments=payments, parts=parts)
    stored = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert len(stored["payments"]) == 2 and len(stored["parts"]) == 1


def test_geocoded_address_is_kept_until_the_address_changes(shop):
    job = shop.job(lat="40.7128", lng="-74.0060")
    assert (job["address"]["lat"], job["address"]["lng"]) == (40.7128, -74.006)
    same = jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           form=shop.form(notes="Ring twice")).job
    assert (same["address"]["lat"], same["address"]["lng"]) == (40.7128, -74.006)
    moved = jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            form=shop.form(notes="Ring twice", address_line="9 Pine Rd")).job
    assert (moved["address"]["lat"], moved["address"]["lng"]) == (None, None)
    assert shop.job(lat="999", lng="0")["address"]["lat"] is None
