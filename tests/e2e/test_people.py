"""People: an admin deletes a technician and their job shows "Former technician N" in
the job list; a user corrects their email, confirmed by the link sent to the new one."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.office_data import DemoOffice
from tests.factories import PASSWORD, make_user
from tests.mailbox import delivered_link

NEW_EMAIL = "corrected.address@demo.test"


def test_an_admin_deletes_a_technician_and_the_job_list_shows_a_former_technician(page, app_db):
    office = DemoOffice(app_db)
    tech_id = office.technician("Delia Deleteme", "(212) 555-0173")
    office.job(client="Olga Orchard", phone="(212) 555-0174", day=office.today(),
               technician_id=tech_id, scheduled=True)
    login(page, "admin@demo.test")
    page.goto("/technicians")
    row = page.get_by_role("row").filter(has_text="Delia Deleteme")
    row.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("cannot be brought back")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_text(re.compile(r'now show "Former technician \d+"'))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Delia Deleteme")).to_have_count(0)

    page.goto("/jobs")
    job_row = page.get_by_role("row").filter(has_text="Olga Orchard")
    expect(job_row).to_contain_text(re.compile(r"Former technician \d+"))
    expect(page.get_by_text("Delia Deleteme")).to_have_count(0)


def test_a_user_corrects_their_email_through_the_link_sent_to_it(page, app_db, mailbox):
    company = app_db["companies"].find_one({"name": {"$exists": True},
                                            "admin_email": "admin@demo.test"})
    user = make_user(app_db, company=company, role="user", email="old.address@demo.test")
    login(page, user["email"], PASSWORD)
    page.goto("/profile")
    expect(page.get_by_text("old.address@demo.test")).to_be_visible()
    page.get_by_label("New email").fill(NEW_EMAIL)
    page.get_by_label("Your password").first.fill(PASSWORD)
    page.get_by_role("button", name="Send confirmation link").click()
    expect(page.get_by_role("status")).to_contain_text(f"We sent a link to {NEW_EMAIL}")
    assert app_db["users"].find_one({"_id": user["_id"]})["email"] == user["email"]

    page.goto(delivered_link(app_db, mailbox, to=NEW_EMAIL, path="/confirm/"))
    expect(page.get_by_text(f"your email is now {NEW_EMAIL}")).to_be_visible()
    login(page, NEW_EMAIL, PASSWORD)
    page.goto("/profile")
    expect(page.get_by_text(NEW_EMAIL)).to_be_visible()
