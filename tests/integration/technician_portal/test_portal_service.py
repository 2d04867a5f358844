"""The technician's phone view: only their own jobs, the moves a technician
may make, and payments/parts/notes through the jobs service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.domain.clock import company_today
from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.services import jobs
from iprodash.services import technician_portal as portal
from iprodash.services.actor import TECHNICIAN, Actor
from tests.integration.jobs.conftest import Shop


def _as_tech(shop: Shop, technician) -> Actor:
    from bson import ObjectId

    tech_id = ObjectId(technician.id)
    return Actor(user_id=tech_id, role=TECHNICIAN, name=technician.name, email="",
                 company_id=shop.company["_id"], technician_id=tech_id)


def _today_job(shop: Shop, technician) -> dict:
    tomorrow = (company_today(shop.company) + timedelta(days=1)).isoformat()
    job = shop.job(date=tomorrow, start_time="10:00", end_time="12:00")
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=technician.id)
    return shop.walk_to(job, "scheduled")


def test_technician_sees_only_own_jobs_with_first_name_and_city(db):
    shop = Shop(db, "Keys R Us")
    tom, ann = shop.technician("Tom Tech"), shop.technician("Ann Tech", phone="(212) 555-0122")
    mine = _today_job(shop, tom)
    _today_job(shop, ann)
    rows = portal.my_jobs(db, actor=_as_tech(shop, tom))
    assert [r.id for r in rows] == [str(mine["_id"])]
    assert rows[0].client_first_name == "Ann" and rows[0].city == "Springfield"
    with pytest.raises(NotFound):
        portal.job_view(db, actor=_as_tech(shop, ann), job_id=str(mine["_id"]))


def test_technician_moves_and_money_lines(db):
    shop = Shop(db, "Keys R Us")
    tom = shop.technician()
    job_id = str(_today_job(shop, tom)["_id"])
    tech = _as_tech(shop, tom)
    view = portal.job_view(db, actor=tech, job_id=job_id)
    assert [m["status"] for m in view["moves"]] == ["en_route"]
    assert view["tel"] == "tel:+12125550100" and "google.com/maps/dir" in view["navigate"]
    for target in ("en_route", "in_progress", "pending_approval"):
        portal.move_my_job(db, actor=tech, job_id=job_id, target=target)
    with pytest.raises((ValidationError, PermissionDenied)):
        portal.move_my_job(db, actor=tech, job_id=job_id, target="closed")


def test_payments_parts_and_notes(db):
    shop = Shop(db, "Keys R Us")
    tom = shop.technician()
    job_id = str(_today_job(shop, tom)["_id"])
    tech = _as_tech(shop, tom)
    portal.add_my_payment(db, actor=tech, job_id=job_id, method="cash", amount="150")
    portal.add_my_part(db, actor=tech, job_id=job_id, description="Deadbolt", cost="40.50",
                       paid_by="technician")
    portal.add_my_note(db, actor=tech, job_id=job_id, text="Replaced the lock cylinder")
    view = portal.job_view(db, actor=tech, job_id=job_id)
    assert view["payments"] == [{"method": "Cash", "amount": "$150.00", "by": "technician"}]
    assert view["parts"] == [{"description": "Deadbolt", "cost": "$40.50", "by": "technician"}]
    assert view["tech_notes"][0]["text"] == "Replaced the lock cylinder"
    with pytest.raises(ValidationError):
        portal.add_my_payment(db, actor=tech, job_id=job_id, method="cash", amount="-5")
    with pytest.raises(ValidationError):
        portal.add_my_payment(db, actor=tech, job_id=job_id, method="bitcoin", amount="5")


def test_office_staff_are_not_technicians(db):
    shop = Shop(db, "Keys R Us")
    with pytest.raises(PermissionDenied):
        portal.my_jobs(db, actor=shop.admin)
