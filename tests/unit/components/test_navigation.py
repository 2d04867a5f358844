"""The sidebar's sections, as a dispatcher reads them."""

import pytest

import iprodash.iprodash  # noqa: F401 - every page registers its entry
from components.layout import PAGES
from components.navigation import NAV_ITEMS, NavItem, grouped_items, register_nav_item


def _sections() -> dict[str, list[str]]:
    return {group: [item.label for item in items] for group, items in grouped_items()}


def test_office_sections_in_the_order_a_dispatcher_works():
    sections = _sections()
    assert list(sections)[:5] == ["My work", "Daily work", "Money", "Set-up", "Records"]
    assert sections["Daily work"] == ["Dashboard", "Jobs", "Dispatch board", "Clients",
                                      "Messages"]
    assert sections["Money"] == ["Settlements", "Reports"]
    assert sections["Set-up"] == ["Technicians", "Lead sources", "Users", "Company settings",
                                  "Texting set-up", "Billing", "Payments", "API keys"]
    assert sections["Records"][:3] == ["Audit log", "Privacy center", "Sent messages"]
    assert sections["Support"] == ["Support"]


def test_no_two_entries_share_a_name_and_each_opens_a_registered_page():
    labels = [item.label for item in NAV_ITEMS]
    assert len(labels) == len(set(labels))
    routes = {page.route for page in PAGES}
    assert [item.label for item in NAV_ITEMS if item.route not in routes] == []


def test_each_entry_is_named_as_the_heading_of_the_page_it_opens():
    """The sidebar and the heading say the same words (the heading is the page title)."""
    titles = {page.route: page.title.removesuffix(" · iProDash") for page in PAGES}
    assert [(item.label, titles[item.route]) for item in NAV_ITEMS
            if item.label != titles[item.route]] == []
    assert not {"Outbox", "Texts", "Messaging"} & {item.label for item in NAV_ITEMS}


def test_an_entry_in_an_unknown_section_is_refused():
    with pytest.raises(ValueError, match="Unknown navigation group"):
        register_nav_item(NavItem("Stray", "/stray", "circle", "staff", "Miscellaneous"))
    assert "Stray" not in [item.label for item in NAV_ITEMS]
