"""Sign up -> confirm -> operator approves -> admin logs in -> invites ->
user joins -> admin approves -> user logs in -> logs out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.mailbox import delivered_link

NEW_PASSWORD = "a-strong-password-1"


def _email_link(app_db, mailbox, to: str, path: str) -> str:
    """The link as the recipient gets it: the e2e app runs no scheduler, so the test
    sends what is queued (locally, no provider keys) into the development mailbox file.
    The outbox itself holds the link only sealed."""
    queued = app_db["outbox"].find_one({"to": to, "status": "queued"}, sort=[("_id", -1)])
    assert queued, f"no email to {to}"
    assert path not in queued["text"] and "[sign-in link]" in queued["text"]
    return delivered_link(app_db, mailbox, to=to, path=path)


def test_company_signup_to_user_login(page, app_db, browser, app_server, mailbox):
    # Sign up
    page.goto("/signup")
    page.get_by_label("Company name").fill("Rapid Rekey")
    page.get_by_label("Your name").fill("Rita Owner")
    page.get_by_label("Email").fill("rita@rapid.test")
    page.get_by_label("Phone").fill("(646) 555-0142")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my company").click()
    expect(page.get_by_role("alert")).to_contain_text("13 or older")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Create my company").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    # Confirm by the emailed link
    page.goto(_email_link(app_db, mailbox, "rita@rapid.test", "/confirm/"))
    expect(page.get_by_text("waiting for approval")).to_be_visible()

    # Before approval the admin cannot log in
    page.goto("/login")
    page.get_by_label("Email").fill("rita@rapid.test")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("waiting for approval")

    # The operator approves
    login(page, "operator@demo.test")
    expect(page.get_by_role("heading", name="Companies")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Rapid Rekey")
    row.get_by_role("button", name="Approve").click()
    expect(row.get_by_text("active")).to_be_visible()
    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    # The admin logs in and invites a dispatcher
    login(page, "rita@rapid.test", NEW_PASSWORD)
    page.goto("/users")
    page.get_by_placeholder("name@example.com").fill("dan@rapid.test")
    page.get_by_role("button", name="Send invite").click()
    expect(page.get_by_text("Invitation sent to dan@rapid.test")).to_be_visible()

    # The dispatcher accepts the invitation in another browser
    other = browser.new_context(base_url=app_server["url"])
    dan = other.new_page()
    dan.goto(_email_link(app_db, mailbox, "dan@rapid.test", "/join?invite="))
    expect(dan.get_by_text("Rapid Rekey")).to_be_visible()
    dan.get_by_label("Your name").fill("Dan Dispatch")
    dan.get_by_label("Password").fill(NEW_PASSWORD)
    dan.get_by_role("button", name="Ask to join").click()
    expect(dan.get_by_text("waiting for an admin's approval")).to_be_visible()

    # The admin approves
    page.reload()
    row = page.get_by_role("row").filter(has_text="dan@rapid.test")
    row.get_by_role("button", name="Approve").click()
    expect(row.get_by_text("active")).to_be_visible()

    # The dispatcher logs in, sees the dashboard but not admin pages, logs out
    login(dan, "dan@rapid.test", NEW_PASSWORD)
    expect(dan.get_by_role("heading", name="Dashboard")).to_be_visible()
    dan.goto("/users")
    expect(dan.get_by_text("not available for your role")).to_be_visible()
    dan.get_by_role("button", name="Log out").first.click()
    expect(dan.get_by_text("You are logged out.")).to_be_visible()
    dan.goto("/dashboard")
    dan.wait_for_url(re.compile(r"/login"))
    other.close()


def test_wrong_password_shows_a_sentence(page):
    page.goto("/login")
    page.get_by_label("Email").fill("admin@demo.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right.")


def test_phone_sized_login_and_menu(phone_page):
    login(phone_page, "admin@demo.test")
    expect(phone_page.get_by_role("button", name="Menu")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"page scrolls sideways on a phone ({width}px)"


def test_unknown_page_shows_404(page):
    page.goto("/no-such-page")
    expect(page.get_by_text("Page not found")).to_be_visible()
