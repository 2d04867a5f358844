"""The privacy center's "Erase one client" handlers, called as the browser calls them."""

from __future__ import annotations

from state.privacy import PrivacyState
from tests.factories import make_user, sms_opted_in
from tests.integration.privacy.people import open_shop, text_from
from tests.integration.tabs import Tab, call


def _tab(db, user: dict) -> PrivacyState:
    return Tab.signed_in(db, user).at(PrivacyState, "/privacy-center")


def test_admin_finds_by_email_and_erases_a_number_that_is_no_clients(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    admin = _tab(db, db["users"].find_one({"_id": shop.admin.user_id}))
    sms_opted_in(db, shop.company, "(212) 555-0163", ip="192.0.2.77")
    text_from(db, shop, "+12125550163", "hello?")

    call(admin, "find_client_to_erase", {"query": "nobody@mail.test"})
    assert admin.erase_searched and admin.erase_matches == []
    assert admin.erase_number_display == ""
    call(admin, "find_client_to_erase", {"query": "212.555.0163"})
    assert admin.erase_number_display == "(212) 555-0163" and admin.erase_matches == []

    assert "erased" in repr(call(admin, "erase_number"))
    assert db["sms_consents"].find_one({"phone": "+12125550163"}) is None
    assert db["sms_inbound"].count_documents({"phone": "+12125550163"}) == 0
    assert admin.erase_number_display == ""
    assert "Find the number first" in repr(call(admin, "erase_number"))


def test_office_user_cannot_search_or_erase(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    sms_opted_in(db, shop.company, "(212) 555-0163", ip="192.0.2.77")
    office = _tab(db, make_user(db, company=shop.company, role="user"))
    refused = call(office, "find_client_to_erase", {"query": "(212) 555-0163"})
    assert office.erase_number_display == "" and office.erase_matches == []
    assert refused is not None
    call(office, "erase_number")
    assert db["sms_consents"].find_one({"phone": "+12125550163"}) is not None
