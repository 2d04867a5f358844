"""The dashboard's "Get started" checklist ticks itself as a new company sets up."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import PermissionDenied
from iprodash.services import jobs, messaging_settings, users
from iprodash.services.company_settings import update_company_settings
from iprodash.services.getting_started import setup_checklist
from iprodash.services.job_forms import JobForm
from iprodash.services.lead_sources import LeadSourceForm, create_lead_source
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import admin_of, make_company, operator


def _done(db, admin) -> dict[str, bool]:
    return {step.key: step.done for step in setup_checklist(db, actor=admin)}


def test_each_step_ticks_when_done_and_the_list_goes_away_at_the_end(db):
    company = make_company(db, phone="", card_fee_bp=0)
    admin = admin_of(db, company)
    assert _done(db, admin) == {"settings": False, "technicians": False, "lead_sources": False,
                                "texting": False, "new_job": False, "users": False}

    update_company_settings(db, actor=admin, name=company["name"], phone="(212) 555-0100",
                            admin_email=company["admin_email"], timezone="America/New_York",
                            card_fee_percent="3")
    create_technician(db, actor=admin, form=TechnicianForm(
        name="Eve Flow", nickname="Eve", phone="(212) 555-0101", commission_percent="40",
        job_fee="0"))
    assert _done(db, admin) == {"settings": True, "technicians": True, "lead_sources": False,
                                "texting": False, "new_job": False, "users": False}

    create_lead_source(db, actor=admin, form=LeadSourceForm(
        name="Google Ads", kind="percent", rate_percent="10", fixed_amount="0"))
    messaging_settings.update_messaging_settings(
        db, actor=admin, sending_number="(212) 555-0111", messaging_profile_id="profile-1",
        reminder_hours_text="24", templates={})
    jobs.create_job(db, actor=admin, form=JobForm(
        client_name="Ann Lee", client_phone="(212) 555-0102", address_line="12 Oak Ave",
        city="Springfield", state="NY", zip="10001", job_type="Lockout", date="",
        start_time="", end_time=""))
    assert [k for k, done in _done(db, admin).items() if not done] == ["users"]

    users.invite_user(db, actor=admin, email="dispatch@example.test")
    assert setup_checklist(db, actor=admin) == []
    assert db["companies"].find_one({"_id": company["_id"]})["setup_done_at"] is not None


def test_another_company_and_the_operator_see_nothing_of_it(db):
    mine, theirs = make_company(db, phone="", card_fee_bp=0), make_company(db)
    create_technician(db, actor=admin_of(db, theirs), form=TechnicianForm(
        name="Other Tech", nickname="Ot", phone="(212) 555-0103", commission_percent="40",
        job_fee="0"))
    assert _done(db, admin_of(db, mine))["technicians"] is False
    with pytest.raises(PermissionDenied):
        setup_checklist(db, actor=operator(db))


def test_a_step_found_once_is_not_looked_up_again(db, monkeypatch):
    """"Is there any job" loads every job of the company on the embedded database:
    once found, the company remembers the step (the dashboard reads it on every load)."""
    from iprodash.repositories.setup_progress import SetupProgress

    company = make_company(db, phone="", card_fee_bp=0)
    admin = admin_of(db, company)
    jobs.create_job(db, actor=admin, form=JobForm(
        client_name="Ann Lee", client_phone="(212) 555-0102", address_line="12 Oak Ave",
        city="Springfield", state="NY", zip="10001", job_type="Lockout", date="",
        start_time="", end_time=""))
    assert _done(db, admin)["new_job"] is True
    assert db["companies"].find_one({"_id": company["_id"]})["setup_steps_done"] == ["new_job"]

    def no_lookup(self):
        raise AssertionError("looked up again")

    monkeypatch.setattr(SetupProgress, "has_job", no_lookup)
    assert _done(db, admin) == {"settings": False, "technicians": False, "lead_sources": False,
                                "texting": False, "new_job": True, "users": False}
