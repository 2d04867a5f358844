"""The office searches the jobs list: a one-letter search is refused with a
sentence and the list stays as it was; words of two letters or more find the
client's job, in any order."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.office_data import DemoOffice


def _search(page, text: str) -> None:
    page.get_by_placeholder(re.compile(r"^Phone, #job number")).fill(text)
    page.get_by_role("button", name="Search").click()


def test_a_one_letter_search_is_refused_and_longer_words_find_the_job(page, app_server, app_db):
    DemoOffice(app_db).job(client="Quincy Searchworth", phone="(212) 555-0187")
    login(page, "office@demo.test")
    page.get_by_role("link", name="Jobs", exact=True).first.click()
    page.wait_for_url(re.compile(r"/jobs(\?.*)?$"))
    # The list has loaded (its count shows after the rows): the filter bar is
    # drawn for this page's filters and will not be drawn again under the typing.
    expect(page.get_by_text(re.compile(r"^[0-9,]+\+? jobs?$"))).to_be_visible()
    shown = page.url

    _search(page, "q")
    expect(page.get_by_text("Type at least 2 letters to search.")).to_be_visible()
    assert page.url == shown  # nothing changed: the same list, the same address

    _search(page, "se quincy")
    page.wait_for_url(re.compile(r"/jobs\?.*q=se"))
    expect(page.get_by_role("row").filter(has_text="Quincy Searchworth")).to_be_visible()
