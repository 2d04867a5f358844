"""The policies in the product (issue 15, point 5): the three policy pages open
from the footer; the operator publishes a new terms version; the demo admin
is emailed and must accept it at the next login before any other page opens."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from iprodash.services import policies
from tests.e2e.conftest import login
from tests.factories import actor_for


@pytest.fixture
def everyone_accepts_afterwards(app_db):
    """Later browser tests log in as other admins: leave none of them blocked."""
    yield
    for user in app_db["users"].find({"role": "company_admin", "status": "active"}):
        actor = actor_for(user)
        pending = policies.pending_acceptance(app_db, actor=actor)
        if pending:
            policies.accept_policies(app_db, actor=actor,
                                     versions={v.kind: v.version for v in pending})


def test_the_three_policies_open_from_the_footer(page):
    page.goto("/login")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Privacy policy").click()
    page.wait_for_url(re.compile(r"/privacy$"))
    expect(page.get_by_role("heading", name="Privacy policy")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Version \S+ · \d{4}-\d{2}-\d{2}$"))).to_be_visible()
    for processor in ("Stripe, Inc.", "Telnyx LLC", "Resend, Inc.", "Google Maps Platform"):
        expect(page.get_by_text(processor, exact=False).first).to_be_visible()
    expect(page.get_by_text("IPRODASH_USAGE_LOG_RETENTION_DAYS").first).to_be_visible()

    page.get_by_role("contentinfo").get_by_role("link", name="Terms of service").click()
    page.wait_for_url(re.compile(r"/terms$"))
    expect(page.get_by_role("heading", name="Terms of service")).to_be_visible()

    page.get_by_role("contentinfo").get_by_role("link", name="Data processing terms").click()
    page.wait_for_url(re.compile(r"/data-processing$"))
    expect(page.get_by_role("heading", name="Data processing terms")).to_be_visible()
    expect(page.get_by_role("heading", name="Sub-processors")).to_be_visible()


def test_a_new_terms_version_must_be_accepted_at_the_next_login(
        page, app_db, everyone_accepts_afterwards):
    version = f"2.{uuid.uuid4().hex[:4]}"
    login(page, "operator@demo.test")
    page.goto("/operator/policies")
    expect(page.get_by_role("heading", name="Publish new version")).to_be_visible()
    page.get_by_label("New version").fill(version)
    page.get_by_label("What changed").fill("Payouts to technicians are explained.")
    page.get_by_role("button", name="Publish new version").click()
    expect(page.get_by_text(re.compile(r"^Published\. \d+ company admins? will be emailed"))
           ).to_be_visible()
    expect(page.get_by_role("cell", name=version).first).to_be_visible()
    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    email = app_db["outbox"].find_one({"kind": "policy_updated", "to": "admin@demo.test"},
                                      sort=[("_id", -1)])
    assert email is not None and f"version {version}" in email["text"]

    page.goto("/login")
    page.get_by_label("Email").fill("admin@demo.test")
    page.get_by_label("Password").fill("demo-pass-1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/policies/accept"))
    expect(page.get_by_role("heading", name="New policy versions to accept")).to_be_visible()
    expect(page.get_by_text(f"Version {version}", exact=False)).to_be_visible()

    page.goto("/jobs")  # any other page sends the admin back until they accept
    page.wait_for_url(re.compile(r"/policies/accept"))

    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_text("Tick the box")).to_be_visible()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Accept and continue").click()
    page.wait_for_url(re.compile(r"/dashboard"))
    page.goto("/jobs")
    expect(page.get_by_role("heading", name="Jobs").first).to_be_visible()
    assert "/policies/accept" not in page.url

    page.goto("/terms")
    expect(page.get_by_text(f"Version {version}", exact=False)).to_be_visible()
