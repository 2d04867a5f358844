"""A technician opens the texted link on a phone and works the job: en route
(the client is texted), a split payment, a part, a photo, done; the office
closes it with DOMAIN.md's figures and the technician sees the commission."""

from __future__ import annotations

from datetime import timedelta

from PIL import Image
from playwright.sync_api import expect

from iprodash.domain.clock import company_today
from iprodash.domain.finance import (Part, Payment, Rates, compute_job_finance,
                                     technician_balance)
from iprodash.services import jobs, job_lifecycle
from iprodash.services.job_forms import JobForm
from iprodash.services.lead_sources import LeadSourceForm, create_lead_source
from iprodash.services.technician_access import create_technician_link
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.e2e.conftest import login, open_technician_link
from tests.factories import actor_for, sms_opted_in


def _office_actor(app_db):
    return actor_for(app_db["users"].find_one({"email": "admin@demo.test"}))


def test_technician_works_a_job_on_a_phone(phone_page, app_db, app_server):
    admin = _office_actor(app_db)
    tech = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Pat Phone", nickname="Pat", phone="(212) 555-0177", commission_percent="40",
        job_fee="0"))
    company = app_db["companies"].find_one({"_id": admin.company_id})
    day = (company_today(company) + timedelta(days=1)).isoformat()  # the company's tomorrow
    job = jobs.create_job(app_db, actor=admin, form=JobForm(
        client_name="Maria Lopez", client_phone="(212) 555-0190", address_line="7 Elm St",
        city="Springfield", state="NY", zip="10001", job_type="Rekey", date=day,
        start_time="10:00", end_time="12:00")).job
    jobs.assign_technician(app_db, actor=admin, job_id=str(job["_id"]), technician_id=tech.id)
    job_lifecycle.change_status(app_db, actor=admin, job_id=str(job["_id"]), target="scheduled")

    open_technician_link(phone_page,
                         create_technician_link(app_db, actor=admin, technician_id=tech.id))
    expect(phone_page.get_by_role("heading", name="My jobs")).to_be_visible()
    expect(phone_page.get_by_text("Maria · Springfield")).to_be_visible()
    expect(phone_page.get_by_text("Lopez")).to_have_count(0)  # first name only in the list
    phone_page.get_by_text("Maria · Springfield").click()

    expect(phone_page.get_by_text("Maria Lopez")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Call")).to_have_attribute("href", "tel:+12125550190")
    expect(phone_page.get_by_role("link", name="Navigate")).to_be_visible()
    phone_page.get_by_role("button", name="On my way").click()
    expect(phone_page.get_by_role("button", name="Start job")).to_be_visible()

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
    expect(phone_page.get_by_role("button", name="Open my jobs")).to_have_count(0)


def test_a_link_opened_twice_before_the_button_still_opens_once(phone_page, app_db):
    """A link preview (or a second look) loads the page; only the button spends the link."""
    admin = _office_actor(app_db)
    tech = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Lee Preview", nickname="Lee", phone="(212) 555-0176", commission_percent="40",
        job_fee="0"))
    path = create_technician_link(app_db, actor=admin, technician_id=tech.id)
    preview = phone_page.request.get(path, max_redirects=0)
    assert preview.status == 200 and "set-cookie" not in preview.headers
    open_technician_link(phone_page, path)
    expect(phone_page.get_by_role("heading", name="My jobs")).to_be_visible()
    phone_page.context.clear_cookies()
    phone_page.goto(path)
    expect(phone_page.get_by_text("Ask your office for a new link.")).to_be_visible()


# Demo Locksmith: card fee 3%. Technician 40%, no fee; source 10% of net.
# $300 cash + $100 card, both collected by the technician; $50 part paid by the technician:
# cc_fee 3.00; net 400 - 50 - 3 = 347.00; technician 138.80; source 34.70;
# profit 347.00 - 138.80 - 34.70 = 173.50; balance 138.80 + 50.00 - 400.00 = -211.20.
PAYMENTS = [Payment("cash", 30000, "technician"), Payment("card", 10000, "technician")]
PARTS = [Part("Cylinder", 5000, "technician")]
RATES = Rates(card_fee_bp=300, tech_commission_bp=4000, tech_job_fee_cents=0,
              source_kind="percent", source_rate_bp=1000)
EXPECTED = {"gross": 40000, "cc_fee": 300, "parts": 5000, "net": 34700,
            "tech_commission": 13880, "source_commission": 3470, "company_profit": 17350}
EXPECTED_BALANCE = -21120


def test_expected_figures_follow_the_domain_formulas():
    finance = compute_job_finance(payments=PAYMENTS, parts=PARTS, rates=RATES)
    assert {key: getattr(finance, key) for key in EXPECTED} == EXPECTED
    assert technician_balance([finance]) == EXPECTED_BALANCE


def _money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def _job_for_today(app_db, admin) -> tuple[dict, object]:
    company = app_db["companies"].find_one({"_id": admin.company_id})
    tech = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Rita Route", nickname="Rita", phone="(212) 555-0178", commission_percent="40",
        job_fee="0"))
    source = create_lead_source(app_db, actor=admin, form=LeadSourceForm(
        name="Phone Flow Ads", kind="percent", rate_percent="10"))
    today = company_today(company).isoformat()
    job = jobs.create_job(app_db, actor=admin, form=JobForm(
        client_name="Olga Ortiz", client_phone="(212) 555-0191", address_line="3 Pine St",
        city="Riverton", state="NY", zip="10002", job_type="Lock change", date=today,
        start_time="12:00", end_time="14:00", lead_source_id=source.id)).job
    jobs.assign_technician(app_db, actor=admin, job_id=str(job["_id"]), technician_id=tech.id)
    job_lifecycle.change_status(app_db, actor=admin, job_id=str(job["_id"]), target="scheduled")
    sms_opted_in(app_db, company, "(212) 555-0191")
    return job, tech


def _add_payment(phone, method: str, amount: str) -> None:
    if method != "cash":
        phone.get_by_role("combobox").first.click()
        phone.get_by_role("option", name=method.title(), exact=True).click()
    phone.get_by_label("Amount").fill(amount)
    phone.get_by_role("button", name="Add payment collected by me").click()
    expect(phone.get_by_text(f"{method.title()}: ${float(amount):,.2f} (technician)")
           ).to_be_visible()


def test_technician_job_from_link_to_office_close_and_earnings(phone_page, page, app_db,
                                                               tmp_path):
    admin = _office_actor(app_db)
    login(page, "admin@demo.test")  # the owner lets technicians see their commission
    page.goto("/settings")
    expect(page.get_by_label("Company name")).to_have_value("Demo Locksmith")  # form loaded
    page.get_by_label("Technicians see the commission each job earns them").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    assert app_db["companies"].find_one({"_id": admin.company_id})["show_tech_commission"]
    job, tech = _job_for_today(app_db, admin)
    phone = phone_page

    open_technician_link(phone, create_technician_link(app_db, actor=admin,
                                                       technician_id=tech.id))
    expect(phone.get_by_role("heading", name="Today")).to_be_visible()
    expect(phone.get_by_text("Olga · Riverton")).to_be_visible()
    phone.get_by_text("Olga · Riverton").click()
    expect(phone.get_by_text("Olga Ortiz")).to_be_visible()

    phone.get_by_role("button", name="On my way").click()
    expect(phone.get_by_role("button", name="Start job")).to_be_visible()
    text = app_db["outbox"].find_one({"job_id": job["_id"], "kind": "tech_en_route"})
    assert text is not None and text["to"] == "+12125550191"
    assert "Rita is on the way" in text["text"]
    assert text["status"] not in ("suppressed", "canceled"), text.get("last_error")

    _add_payment(phone, "cash", "300")
    _add_payment(phone, "card", "100")
    phone.get_by_label("Part").fill("Cylinder")
    phone.get_by_label("Cost").fill("50")
    phone.get_by_role("button", name="Add part").click()
    expect(phone.get_by_text("Cylinder: $50.00 (paid by technician)")).to_be_visible()

    picture = tmp_path / "lock.png"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(picture)
    phone.locator("input[type=file][name=photo]").set_input_files(str(picture))
    phone.get_by_role("button", name="Upload photo").click()
    expect(phone.get_by_text("Photo saved.")).to_be_visible()
    expect(phone.get_by_alt_text("before photo")).to_be_visible()

    phone.get_by_role("button", name="Start job").click()
    phone.get_by_role("button", name="Job done").click()
    expect(phone.get_by_text("Pending approval", exact=True).first).to_be_visible()
    expect(phone.get_by_role("button", name="Job done")).to_have_count(0)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the job page scrolls sideways on a phone ({width}px)"

    page.goto(f"/jobs/{job['_id']}")
    expect(page.get_by_text("Olga Ortiz").first).to_be_visible()
    page.get_by_role("button", name="Approve and close", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Closing price $").fill("400")
    dialog.get_by_role("button", name="Close job").click()
    expect(page.get_by_text("Job closed at $400.00.")).to_be_visible()
    money = page.locator("div.rt-Card").filter(has=page.get_by_role("heading", name="Money"))
    finance = compute_job_finance(payments=PAYMENTS, parts=PARTS, rates=RATES)
    for key, cents in EXPECTED.items():
        assert getattr(finance, key) == cents
        expect(money.get_by_text(_money(cents), exact=True).first).to_be_visible()
    saved = app_db["jobs"].find_one({"_id": job["_id"]})
    assert saved["status"] == "closed" and saved["finance"] == finance.as_dict()
    assert app_db["photos.files"].count_documents({"metadata.job_id": job["_id"]}) == 1

    phone.goto("/tech")
    phone.get_by_role("link", name="My earnings").click()
    expect(phone.get_by_role("heading", name="My earnings")).to_be_visible()
    expect(phone.get_by_text(f"#{job['number']}", exact=True)).to_be_visible()
    expect(phone.get_by_text("Commission " + _money(13880))).to_be_visible()
    expect(phone.get_by_text(f"You owe the company {_money(-EXPECTED_BALANCE)}.")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the earnings page scrolls sideways on a phone ({width}px)"
