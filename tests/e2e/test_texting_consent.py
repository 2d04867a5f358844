"""Texting consent in the browser, as a phone-booking office does it: the client agrees
on the call, the office ticks the box while booking, the welcome text and the confirmation
reach the sent box; the client texts "please stop texting me" and the job page's chip
says texts stopped; another client is stopped by the office's own button.

The inbound text is applied by the same function the Telnyx webhook calls after
classifying it (the webhook route itself is covered by the integration tests).
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from iprodash.domain.sms_keywords import classify_keyword
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.services.quiet_hours import next_sending_time
from iprodash.services.sms_consent import handle_keyword
from iprodash.services.sms_optouts import consent_for
from tests.e2e.conftest import login
from tests.e2e.office_data import fill_new_job_form
from tests.e2e.test_messaging import NEW_YORK, _demo_company_today, _unused_phone


def _book(page, display_phone: str, name: str, day: str, *, agreed: bool) -> str:
    fill_new_job_form(page, phone=display_phone, name=name, street="7 Quarry Rd",
                      job_type="Lockout", day=day)
    box = page.get_by_label("Client agreed to texts on this call")
    expect(box).not_to_be_checked()  # never pre-ticked
    if agreed:
        box.check()
    page.get_by_role("button", name="Book job").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{24}"))
    expect(page.get_by_text(name).first).to_be_visible()
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def test_consent_on_the_call_then_please_stop_texting_me(page, app_db):
    e164, display = _unused_phone(app_db)
    login(page, "admin@demo.test")
    day = _demo_company_today(app_db) + timedelta(days=3)
    _book(page, display, "Tess Callwell", day.isoformat(), agreed=True)
    chip = page.get_by_label("Texting status")
    expect(chip).to_have_text("Texts: on")
    consent = app_db["sms_consents"].find_one({"phone": e164})
    assert (consent["opted_in_method"], consent["opted_in_via"]) == ("staff_recorded",
                                                                     "phone_call")
    page.get_by_role("button", name="Mark Scheduled", exact=True).click()
    expect(page.get_by_text("Job is now Scheduled.")).to_be_visible()

    moment = next_sending_time(utcnow(), NEW_YORK) + timedelta(minutes=1)
    drain_outbox(app_db, clock=lambda: moment)
    texts = [m["text"] for m in app_db["sent_box"].find({"to": e164}).sort("_id", 1)]
    assert texts[0].startswith("Demo Locksmith: Thanks for agreeing to texts.")
    assert "your appointment is booked for" in texts[1]

    company = CompanyRepository(app_db).by_code("DEMOLOCK")
    keyword = classify_keyword("please stop texting me")
    assert handle_keyword(app_db, company=company, phone=e164, keyword=keyword,
                          event_id=f"e2e-stop-{e164}", method="free_text") == "opted_out"
    page.reload()
    expect(page.get_by_label("Texting status")).to_contain_text("Stopped on ")
    expect(page.get_by_role("button", name="Record consent")).to_have_count(0)


def test_not_agreed_then_recorded_then_stopped_by_the_office(page, app_db):
    e164, display = _unused_phone(app_db)
    login(page, "admin@demo.test")
    day = _demo_company_today(app_db) + timedelta(days=4)
    _book(page, display, "Ravi Nocall", day.isoformat(), agreed=False)
    expect(page.get_by_label("Texting status")).to_have_text("Not agreed yet")

    page.get_by_role("button", name="Record consent").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("May we text you about this job")
    dialog.get_by_role("button", name="They agreed").click()
    expect(page.get_by_label("Texting status")).to_have_text("Texts: on")

    page.get_by_role("button", name="Stop texting this number").click()
    page.get_by_role("dialog").get_by_role("button", name="Stop texting").click()
    expect(page.get_by_label("Texting status")).to_contain_text("Stopped on ")
    company = CompanyRepository(app_db).by_code("DEMOLOCK")
    assert consent_for(app_db, company["_id"], e164)["opted_out_method"] == "staff_recorded"
