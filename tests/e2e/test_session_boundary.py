"""One browser tab, two companies (issue 14, point 1), written as the attack:
Demo Locksmith's admin sees a client, logs out, and Second Garage's admin
logs in in the same tab. Nothing of Demo Locksmith may show: the tab's state
was built for the first session and must not outlive it."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from iprodash.services.clients import ClientForm, create_client
from tests.e2e.conftest import login
from tests.e2e.office_data import DemoOffice


def _client(office: DemoOffice, name: str, phone: str) -> None:
    create_client(office.db, actor=office.admin, form=ClientForm(
        name=name, phone=phone, address_line="1 Gate Rd", city="Springfield", state="NY",
        zip="10001"))


def test_the_next_company_in_the_same_tab_sees_none_of_the_first(page, app_db):
    mark = uuid.uuid4().hex[:6]
    # "Aaa" sorts first, so each name is on the first page of its company's list.
    demo_client = f"Aaa Demo Boundary {mark}"
    other_client = f"Aaa Garage Boundary {mark}"
    _client(DemoOffice(app_db), demo_client, "(646) 555-0181")
    _client(DemoOffice(app_db, "admin@other.test"), other_client, "(312) 555-0182")

    login(page, "admin@demo.test")
    page.goto("/clients")
    expect(page.get_by_text(demo_client)).to_be_visible()

    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.goto("/clients")  # the same tab, no session: back to the login page
    page.wait_for_url(re.compile(r"/login"))
    expect(page.get_by_text(demo_client)).to_have_count(0)

    login(page, "admin@other.test")  # still the same page object: the same tab
    page.goto("/clients")
    expect(page.get_by_text(other_client)).to_be_visible()  # the list has loaded
    expect(page.get_by_text(demo_client)).to_have_count(0)
    expect(page.get_by_text("Demo Locksmith")).to_have_count(0)
