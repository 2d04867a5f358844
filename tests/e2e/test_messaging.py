"""Texting in the browser: a client opts in on a phone-sized screen, the office books and
schedules a job for that number, and the appointment confirmation shows in the sent box.
Then the client's receipt: the "job done" link opens the PDF from the production server
and the office emails the receipt from the job page.

Without a Telnyx key the dispatcher delivers texts to the local sent box, shown to
company-admins on the Sent messages page. The e2e app runs no scheduler, so the test drains the
outbox itself, at a moment inside the 8:00-21:00 sending window of the client's number.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from iprodash.domain.clock import company_today
from iprodash.domain.finance import Payment
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import job_lifecycle, job_messages, jobs
from iprodash.services.job_forms import JobForm
from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.services.quiet_hours import next_sending_time
from iprodash.domain.sms_keywords import OPT_IN
from iprodash.services.sms_consent import handle_keyword
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.e2e.conftest import login
from tests.e2e.office_data import fill_new_job_form
from tests.factories import actor_for, sms_opted_in

NEW_YORK = "America/New_York"
CLIENT_NAME = "Nora Textwell"
CLIENT_EMAIL = "rene.receipt@example.test"


def _unused_phone(app_db) -> tuple[str, str]:
    """A fictional New York number no client or consent of the demo data has yet."""
    for area in ("646", "917", "347", "718", "212"):
        for line in range(100, 200):
            e164 = f"+1{area}5550{line}"
            if not app_db["clients"].find_one({"phone": e164}) and \
                    not app_db["sms_consents"].find_one({"phone": e164}):
                return e164, f"({area}) 555-0{line}"
    pytest.fail("no free fictional number")


@pytest.fixture
def tall_phone(browser, app_server):
    """An iPhone-sized screen (375 x 812)."""
    context = browser.new_context(base_url=app_server["url"],
                                  viewport={"width": 375, "height": 812},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide on a {widths[1]}px screen"


def _opt_in_on_the_phone(page, app_db, display_phone: str, e164: str) -> None:
    """The client asks on the opt-in page, then replies YES to the text it gets."""
    company = app_db["companies"].find_one({"code": "DEMOLOCK"})
    page.goto(f"/sms/optin/{CompanyRepository(app_db).ensure_optin_code(company)}")
    expect(page.get_by_role("heading", name=re.compile("Get texts from Demo Locksmith"))) \
        .to_be_visible()
    _no_sideways_scroll(page)
    box = page.locator("#agreed")
    expect(box).not_to_be_checked()  # never pre-ticked
    page.get_by_label("Mobile number").fill(display_phone)
    box.check()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Sign me up for texts").click()
    expect(page.get_by_role("heading", name="Reply YES to confirm")).to_be_visible()
    _no_sideways_scroll(page)
    assert app_db["sms_consents"].find_one({"phone": e164})["status"] == "pending_confirmation"
    assert app_db["outbox"].find_one({"kind": "opt_in_request", "to": e164})
    handle_keyword(app_db, company=company, phone=e164, keyword=OPT_IN, event_id=f"yes-{e164}")


def _book_and_schedule(page, display_phone: str, day: str) -> str:
    fill_new_job_form(page, phone=display_phone, name=CLIENT_NAME, street="5 Harbor Ln",
                      job_type="Lock change", day=day)
    page.get_by_role("button", name="Book job").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{24}"))
    expect(page.get_by_text(CLIENT_NAME).first).to_be_visible()
    page.get_by_role("button", name="Mark Scheduled", exact=True).click()
    expect(page.get_by_text("Job is now Scheduled.")).to_be_visible()
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def test_opted_in_client_gets_the_confirmation_in_the_sent_box(tall_phone, page, app_db):
    e164, display = _unused_phone(app_db)
    _opt_in_on_the_phone(tall_phone, app_db, display, e164)
    consent = app_db["sms_consents"].find_one({"phone": e164})
    assert consent["status"] == "opted_in" and consent.get("ip")

    login(page, "admin@demo.test")
    day = _demo_company_today(app_db) + timedelta(days=3)
    job_id = _book_and_schedule(page, display, day.isoformat())
    message = app_db["outbox"].find_one({"kind": "appointment_confirmation", "to": e164})
    assert message is not None and str(message["job_id"]) == job_id

    # The scheduler's dispatcher, at the first moment the client's zone allows a text.
    moment = next_sending_time(utcnow(), NEW_YORK) + timedelta(minutes=1)
    drain_outbox(app_db, clock=lambda: moment)
    assert app_db["outbox"].find_one({"_id": message["_id"]})["status"] == "sent"

    page.goto("/outbox")
    expect(page.get_by_role("heading", name="Sent box (local delivery)")).to_be_visible()
    sent_box = page.locator("table").last  # below the outbox table
    row = sent_box.get_by_role("row").filter(has_text="your appointment is booked for") \
        .filter(has_text=f"{day:%a %b} {day.day}")
    expect(row.first).to_be_visible()
    expect(row.first).to_contain_text("Demo Locksmith: Hi Nora")


def _demo_company_today(app_db) -> date:
    """Demo Locksmith's today (its time zone), never the machine's date."""
    company = CompanyRepository(app_db).by_code("DEMOLOCK")
    assert company is not None, "the demo seed makes Demo Locksmith"
    return company_today(company)


def _closed_job_with_a_texted_receipt(app_db) -> tuple[dict, str]:
    """A job of Demo Locksmith booked, worked and closed by the office (services), for an
    opted-in client with an email address; returns it and the link of its "job done" text."""
    admin = actor_for(app_db["users"].find_one({"email": "admin@demo.test"}))
    e164, display = _unused_phone(app_db)
    sms_opted_in(app_db, app_db["companies"].find_one({"code": "DEMOLOCK"}), display)
    tech = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Rita Receipt", nickname="Rita", phone="(212) 555-0178", commission_percent="40",
        job_fee="0"))
    day = (_demo_company_today(app_db) + timedelta(days=1)).isoformat()
    job = jobs.create_job(app_db, actor=admin, form=JobForm(
        client_name="Rene Receipt", client_phone=display, client_email=CLIENT_EMAIL,
        address_line="3 Mill Rd", city="Springfield", state="NY", zip="10001",
        job_type="Rekey", date=day, start_time="10:00", end_time="12:00")).job
    job_id = str(job["_id"])
    jobs.assign_technician(app_db, actor=admin, job_id=job_id, technician_id=tech.id)
    for target in ("scheduled", "en_route", "in_progress", "pending_approval"):
        job_lifecycle.change_status(app_db, actor=admin, job_id=job_id, target=target)
    job_lifecycle.close_job(app_db, actor=admin, job_id=job_id, closing_price_cents=18500,
                            payments=[Payment("cash", 18500, "technician")], parts=[])
    text = app_db["outbox"].find_one({"kind": "job_done", "to": e164})["text"]
    return app_db["jobs"].find_one({"_id": job["_id"]}), text.rsplit(" ", 1)[-1]


def test_receipt_link_opens_and_office_emails_the_receipt(page, app_db, app_server):
    job, link = _closed_job_with_a_texted_receipt(app_db)
    assert link == job_messages.receipt_link(job)
    link = urlsplit(link).path  # the services ran here, with this process's public URL
    assert link.startswith(f"/api/receipt/{job['_id']}/")

    # Served by `reflex run --env prod` itself, inline and never cached by a shared cache.
    response = page.request.get(link)
    assert response.status == 200, response.text()[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    filename = f"receipt-demo-locksmith-{job['number']}.pdf"
    assert f'filename="{filename}"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    refused = page.request.get(link[:-1] + ("0" if link[-1] != "0" else "1"))
    assert refused.status == 404 and "This receipt is not available" in refused.text()

    login(page, "office@demo.test")
    page.goto(f"/jobs/{job['_id']}")
    page.get_by_role("button", name="Email receipt to client").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(CLIENT_EMAIL)).to_be_visible()
    dialog.get_by_role("button", name="Send receipt").click()
    expect(page.get_by_text(f"The receipt is on its way to {CLIENT_EMAIL}.")) \
        .to_be_visible(timeout=60_000)
    email = app_db["outbox"].find_one({"to": CLIENT_EMAIL})
    assert email["attachments"][0]["filename"] == filename
