"""Approval with evidence: the technician leaves a note and a photo and marks the job
done on a phone; the office sees them on the job page, sends the job back with a
reason; the technician reads the reason, marks it done again; the office approves
and closes it from the dashboard's Waiting for approval list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import expect

from iprodash.services import job_lifecycle, jobs
from iprodash.services.job_forms import JobForm
from iprodash.services.technician_access import create_technician_link
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.e2e.conftest import login, open_technician_link
from tests.factories import actor_for

NOTE = "Replaced the cylinder; the old key no longer works."
REASON = "Please add a photo of the new cylinder."


def _job_for_today(app_db) -> tuple[dict, object, object]:
    admin = actor_for(app_db["users"].find_one({"email": "admin@demo.test"}))
    company = app_db["companies"].find_one({"_id": admin.company_id})
    tech = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Abe Approve", nickname="Abe", phone="(212) 555-0181", commission_percent="40",
        job_fee="0"))
    today = datetime.now(ZoneInfo(company["timezone"])).date().isoformat()
    job = jobs.create_job(app_db, actor=admin, form=JobForm(
        client_name="Vera Verify", client_phone="(212) 555-0192", address_line="9 Birch St",
        city="Lakeside", state="NY", zip="10003", job_type="Lock change", date=today,
        start_time="13:00", end_time="15:00")).job
    jobs.assign_technician(app_db, actor=admin, job_id=str(job["_id"]), technician_id=tech.id)
    job_lifecycle.change_status(app_db, actor=admin, job_id=str(job["_id"]), target="scheduled")
    return job, tech, admin


def test_office_sends_a_job_back_and_then_approves_it(phone_page, page, app_db, tmp_path):
    job, tech, admin = _job_for_today(app_db)
    phone = phone_page
    open_technician_link(phone, create_technician_link(app_db, actor=admin,
                                                       technician_id=tech.id))
    phone.get_by_text("Vera · Lakeside").click()
    expect(phone.get_by_text("Vera Verify")).to_be_visible()
    phone.get_by_role("button", name="On my way").click()
    phone.get_by_role("button", name="Start job").click()
    expect(phone.get_by_role("button", name="Job done")).to_be_visible()
    phone.get_by_label("Amount").fill("180")
    phone.get_by_role("button", name="Add payment collected by me").click()
    expect(phone.get_by_text("cash: $180.00 (technician)")).to_be_visible()
    phone.get_by_placeholder("What you found, what you did").fill(NOTE)
    phone.get_by_role("button", name="Save note").click()
    expect(phone.get_by_text(NOTE, exact=False)).to_be_visible()
    phone.get_by_role("button", name="Job done").click()
    expect(phone.get_by_text("Pending approval", exact=True).first).to_be_visible()

    login(page, "admin@demo.test")
    waiting = page.locator("div.rt-Card").filter(
        has=page.get_by_role("heading", name="Waiting for approval"))
    expect(waiting.get_by_text("Vera Verify")).to_be_visible()
    waiting.get_by_text("Vera Verify").click()
    page.wait_for_url(f"**/jobs/{job['_id']}")
    evidence = page.locator("div.rt-Card").filter(
        has=page.get_by_role("heading", name="From the technician"))
    expect(evidence.get_by_text(NOTE)).to_be_visible()
    expect(evidence.get_by_text("Abe Approve: Job done")).to_be_visible()
    expect(evidence.get_by_text("No photos yet.")).to_be_visible()

    page.get_by_role("button", name="Send back to technician").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("The technician sees this reason on their phone")).to_be_visible()
    dialog.get_by_placeholder("Reason (required)").fill(REASON)
    dialog.get_by_role("button", name="Send back to technician").click()
    expect(page.get_by_text("In progress", exact=True).first).to_be_visible()
    for _ in range(40):  # the page may paint before the write is read back here
        if app_db["jobs"].find_one({"_id": job["_id"]})["status"] == "in_progress":
            break
        page.wait_for_timeout(250)
    history = app_db["jobs"].find_one({"_id": job["_id"]})["status_history"]
    assert (history[-1]["from"], history[-1]["to"], history[-1]["reason"]) == (
        "pending_approval", "in_progress", REASON)

    phone.reload()
    expect(phone.get_by_text(f"Sent back by the office: {REASON}")).to_be_visible()
    picture = tmp_path / "cylinder.png"
    Image.new("RGB", (64, 48), (30, 160, 60)).save(picture)
    phone.locator("input[type=file][name=photo]").set_input_files(str(picture))
    phone.locator("select[name=kind]").select_option("after")
    phone.get_by_role("button", name="Upload photo").click()
    expect(phone.get_by_text("Photo saved.")).to_be_visible()
    phone.get_by_role("button", name="Job done").click()
    expect(phone.get_by_text("Pending approval", exact=True).first).to_be_visible()
    expect(phone.get_by_text("Sent back by the office")).to_have_count(0)

    page.reload()
    thumbnail = page.get_by_role("button", name="View after photo")
    expect(thumbnail.first).to_be_visible()
    thumbnail.first.click()
    viewer = page.get_by_role("dialog")
    expect(viewer.get_by_alt_text("Full photo")).to_be_visible()
    assert viewer.get_by_alt_text("Full photo").evaluate("img => img.naturalWidth") > 0
    viewer.get_by_role("button", name="Close").click()

    page.get_by_role("button", name="Approve and close", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Closing price $").fill("180")
    dialog.get_by_role("button", name="Close job").click()
    expect(page.get_by_text("Job closed at $180.00.")).to_be_visible()
    assert app_db["jobs"].find_one({"_id": job["_id"]})["status"] == "closed"
    page.goto("/dashboard")
    expect(page.get_by_text("Vera Verify")).to_have_count(0)
