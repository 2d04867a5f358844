"""Conversations in the browser (not run on the shared development machine).

A client texts the company's number while the office has the app open: the
Messages entry of the navigation shows an unread count without a reload,
opening the conversation clears it, and a text that arrives while the job
page is open appears in its Texts panel by itself. Texts arrive the way
Telnyx delivers them: a signed ``message.received`` webhook posted to the
running app.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.request
import uuid

import pytest
from nacl.signing import SigningKey
from playwright.sync_api import expect

from iprodash.services.messaging_settings import update_messaging_settings
from tests.e2e.conftest import TELNYX_TEST_SEED, login
from tests.e2e.office_data import DemoOffice

SENDING_NUMBER = "+12125550197"
CLIENT_PHONE, CLIENT_DISPLAY = "+16465550188", "(646) 555-0188"
CLIENT_NAME = "Ines Inbound"


def _post_inbound(url: str, text: str) -> None:
    """Telnyx posting a received text, signed with the test key the app trusts."""
    event = {"data": {"event_type": "message.received", "id": f"ev-{uuid.uuid4().hex}",
                      "record_type": "event",
                      "payload": {"id": f"msg-{uuid.uuid4().hex}", "direction": "inbound",
                                  "text": text, "from": {"phone_number": CLIENT_PHONE},
                                  "to": [{"phone_number": SENDING_NUMBER}]}}}
    body = json.dumps(event)
    stamp = str(int(time.time()))
    signature = SigningKey(TELNYX_TEST_SEED).sign(f"{stamp}|{body}".encode()).signature
    request = urllib.request.Request(
        f"{url}/api/webhooks/telnyx", data=body.encode(), method="POST",
        headers={"content-type": "application/json", "telnyx-timestamp": stamp,
                 "telnyx-signature-ed25519": base64.b64encode(signature).decode()})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture(scope="module")
def texting_job(app_db):
    """The demo company texts from a number of its own, and has a job for the client."""
    office = DemoOffice(app_db)
    update_messaging_settings(app_db, actor=office.admin, sending_number=SENDING_NUMBER,
                              messaging_profile_id="profile-e2e", reminder_hours_text="24",
                              templates={})
    return office.job(client=CLIENT_NAME, phone=CLIENT_DISPLAY)


def test_unread_badge_appears_live_and_opening_the_thread_clears_it(page, app_server,
                                                                     texting_job):
    login(page, "admin@demo.test")
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    badge = page.get_by_label("Messages: unread")
    expect(badge).to_have_count(0)

    _post_inbound(app_server["url"], "Is the technician still coming at 9?")
    expect(badge.first).to_have_text("1", timeout=15_000)  # no reload

    page.get_by_role("link", name=re.compile(r"^Messages")).first.click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Is the technician still coming at 9?")
    expect(row).to_contain_text(CLIENT_NAME)
    expect(row).to_contain_text("1 new")
    row.get_by_role("link", name=CLIENT_NAME).click()

    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()
    expect(page.get_by_text("Is the technician still coming at 9?")).to_be_visible()
    expect(page.get_by_label("Messages: unread")).to_have_count(0, timeout=10_000)


def test_a_text_appears_on_the_open_job_page_without_reload(page, app_server, texting_job):
    login(page, "admin@demo.test")
    page.goto(f"/jobs/{texting_job['_id']}")
    expect(page.get_by_role("heading", name="Texts")).to_be_visible()
    marker = f"Gate code is {uuid.uuid4().hex[:4]}"
    expect(page.get_by_text(marker)).to_have_count(0)

    _post_inbound(app_server["url"], marker)
    expect(page.get_by_role("log", name="Texts").get_by_text(marker)).to_be_visible(
        timeout=15_000)
    # The office was looking at it: the conversation is read, no badge.
    expect(page.get_by_label("Messages: unread")).to_have_count(0, timeout=10_000)


def test_the_client_page_shows_the_thread_and_the_jobs(page, app_server, texting_job):
    marker = f"Back door sticks {uuid.uuid4().hex[:4]}"
    _post_inbound(app_server["url"], marker)
    login(page, "admin@demo.test")
    page.goto("/clients")
    page.get_by_placeholder("Name, address or phone").fill(CLIENT_NAME)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=CLIENT_NAME).click()
    expect(page.get_by_role("heading", name="Client", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=CLIENT_NAME)).to_be_visible()
    expect(page.get_by_role("link", name=f"#{texting_job['number']}")).to_be_visible()
    expect(page.get_by_role("log", name="Texts")).to_contain_text(marker)
