"""A technician opens the texted link on a phone, works the job and adds a
payment, a part and a note."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from iprodash.repositories.base import utcnow
from iprodash.services import jobs, job_lifecycle
from iprodash.services.job_forms import JobForm
from iprodash.services.technician_access import create_technician_link
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import actor_for


def _office_actor(app_db):
    return actor_for(app_db["users"].find_one({"email": "admin@demo.test"}))


def test_technician_works_a_job_on_a_phone(phone_page, app_db, app_server):
    admin = _office_actor(app_db)
    tech = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Pat Phone", nickname="Pat", phone="(212) 555-0177", commission_percent="40",
        job_fee="0"))
    day = (utcnow() + timedelta(days=1)).date().isoformat()
    job = jobs.create_job(app_db, actor=admin, form=JobForm(
        client_name="Maria Lopez", client_phone="(212) 555-0190", address_line="7 Elm St",
        city="Springfield", state="NY", zip="10001", job_type="Rekey", date=day,
        start_time="10:00", end_time="12:00")).job
    jobs.assign_technician(app_db, actor=admin, job_id=str(job["_id"]), technician_id=tech.id)
    job_lifecycle.change_status(app_db, actor=admin, job_id=str(job["_id"]), target="scheduled")

    phone_page.goto(create_technician_link(app_db, actor=admin, technician_id=tech.id))
    expect(phone_page.get_by_role("heading", name="My jobs")).to_be_visible()
    expect(phone_page.get_by_text("Maria · Springfield")).to_be_visible()
    expect(phone_page.get_by_text("Lopez")).to_have_count(0)  # first name only in the list
    phone_page.get_by_text("Maria · Springfield").click()

    expect(phone_page.get_by_text("Maria Lopez")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Call")).to_have_attribute("href", "tel:+12125550190")
    expect(phone_page.get_by_role("link", name="Navigate")).to_be_visible()
    phone_page.get_by_role("button", name="En route").click()
    expect(phone_page.get_by_role("button", name="In progress")).to_be_visible()

    phone_page.get_by_label("Amount").fill("150")
    phone_page.get_by_role("button", name="Add payment collected by me").click()
    expect(phone_page.get_by_text("cash: $150.00 (technician)")).to_be_visible()
    phone_page.get_by_label("Part").fill("Deadbolt")
    phone_page.get_by_label("Cost").fill("40")
    phone_page.get_by_role("button", name="Add part").click()
    expect(phone_page.get_by_text("Deadbolt: $40.00")).to_be_visible()

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the job page scrolls sideways on a phone ({width}px)"
    saved = app_db["jobs"].find_one({"_id": job["_id"]})
    assert saved["status"] == "en_route" and saved["payments"][0]["amount_cents"] == 15000


def test_expired_link_shows_ask_your_office(phone_page):
    phone_page.goto("/api/tech/open/not-a-real-token")
    expect(phone_page.get_by_text("Ask your office for a new link.")).to_be_visible()
