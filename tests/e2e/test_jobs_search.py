"""The office searches the jobs list: a one-letter search is refused with a
sentence and the list stays as it was; two letters of a client's name find
their jobs."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login


def _search(page, text: str) -> None:
    box = page.get_by_placeholder(re.compile(r"^Phone, #job number"))
    box.fill(text)
    page.get_by_role("button", name="Search").click()


def test_a_one_letter_search_is_refused_and_two_letters_find_jobs(page, app_server, app_db):
    login(page, "office@demo.test")
    page.get_by_role("link", name="Jobs", exact=True).first.click()
    page.wait_for_url(re.compile(r"/jobs(\?.*)?$"))
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_be_visible()
    first_row = rows.nth(1).inner_text()

    _search(page, "a")
    expect(page.get_by_text("Type at least 2 letters to search.")).to_be_visible()
    assert "q=" not in page.url  # nothing changed: the same list, the same address
    expect(rows.nth(1)).to_have_text(first_row)

    client = app_db["jobs"].find_one({"status": {"$ne": "canceled"}, "client.name": {"$ne": ""}},
                                     sort=[("_id", -1)])
    word = client["client"]["name"].split()[-1]
    _search(page, word[:2])
    page.wait_for_url(re.compile(r"/jobs\?.*q="))
    expect(page.get_by_role("row").filter(has_text=word[:2]).first).to_be_visible()
