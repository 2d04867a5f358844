"""The privacy center's "Erase one client" handlers, called as the browser calls them."""

from __future__ import annotations

import reflex as rx
from reflex import constants
from reflex.istate.data import RouterData

import iprodash.iprodash  # noqa: F401 - registers every page and state
from iprodash.api.security import SESSION_COOKIE
from iprodash.services import auth

from state.privacy import PrivacyState
from tests.factories import make_user, sms_opted_in
from tests.integration.privacy.people import open_shop, text_from


def _tab(db, user: dict) -> PrivacyState:
    token = auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="pytest")
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data({
        constants.RouteVar.HEADERS: {"cookie": f"{SESSION_COOKIE}={token}",
                                     "origin": "http://localhost:3000"},
        constants.RouteVar.ORIGIN: "/privacy-center", constants.RouteVar.CLIENT_IP: "127.0.0.1"})
    return root.get_substate(PrivacyState.get_full_name().split("."))


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def test_admin_finds_by_email_and_erases_a_number_that_is_no_clients(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    admin = _tab(db, db["users"].find_one({"_id": shop.admin.user_id}))
    sms_opted_in(db, shop.company, "(212) 555-0163", ip="192.0.2.77")
    text_from(db, shop, "+12125550163", "hello?")

    _call(admin, "find_client_to_erase", {"query": "nobody@mail.test"})
    assert admin.erase_searched and admin.erase_matches == []
    assert admin.erase_number_display == ""
    _call(admin, "find_client_to_erase", {"query": "212.555.0163"})
    assert admin.erase_number_display == "(212) 555-0163" and admin.erase_matches == []

    assert "erased" in repr(_call(admin, "erase_number"))
    assert db["sms_consents"].find_one({"phone": "+12125550163"}) is None
    assert db["sms_inbound"].count_documents({"phone": "+12125550163"}) == 0
    assert admin.erase_number_display == ""
    assert "Find the number first" in repr(_call(admin, "erase_number"))


def test_office_user_cannot_search_or_erase(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    sms_opted_in(db, shop.company, "(212) 555-0163", ip="192.0.2.77")
    office = _tab(db, make_user(db, company=shop.company, role="user"))
    refused = _call(office, "find_client_to_erase", {"query": "(212) 555-0163"})
    assert office.erase_number_display == "" and office.erase_matches == []
    assert refused is not None
    _call(office, "erase_number")
    assert db["sms_consents"].find_one({"phone": "+12125550163"}) is not None
