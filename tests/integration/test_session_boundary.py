"""A tab's server-side state belongs to one session (issue 14, point 1).

Written as the attack: the same client token comes back after logout, or
after another company's admin logs in in the same tab, and asks for its
state. The app's own middleware chain answers the hydrate, as it would for
the browser; handlers are called as the browser would call them.
"""

from __future__ import annotations

import json
import re

import pytest

from iprodash.services import auth, clients
from iprodash.services.actor import COMPANY_ADMIN
from state.api_keys import ApiKeysState
from state.clients import ClientsState
from state.session import SessionState
from tests.factories import actor_for, make_company, make_user
from tests.integration.tabs import Tab, call


def _company_with_clients(db, name: str, client_names: list[str]) -> dict:
    company = make_company(db, name=name)
    admin = make_user(db, company=company, role=COMPANY_ADMIN)
    for n, client in enumerate(client_names):
        clients.create_client(db, actor=actor_for(admin), form=clients.ClientForm(
            name=client, phone=f"(212) 555-01{n:02d}", address_line=f"{n} Oak Ave",
            city="New York", state="NY", zip="10001"))
    return admin


def _sent(update) -> str:
    return json.dumps(update.delta, default=str)


@pytest.fixture
def demo_admin(db):
    return _company_with_clients(db, "Demo Locksmith", ["Ann Lee", "Bob Stone"])


def _signed_in_tab_with_key(db, admin) -> tuple[Tab, str]:
    tab = Tab()
    tab.sign_in(db, admin)
    assert tab.hydrate()  # binds the tab to this session
    call(tab.at(SessionState, "/clients"), "guard", [])
    page = tab.at(ClientsState, "/clients")
    call(page, "load")
    assert {row["name"] for row in page.rows} == {"Ann Lee", "Bob Stone"}
    keys = tab.at(ApiKeysState, "/api-keys")
    events = call(keys, "create", {"name": "Zapier", "scopes": "read"})
    secret = next(ev for ev in events if "set_value" in repr(ev))
    secret_text = repr(secret)
    return tab, secret_text


def test_same_token_after_logout_hydrates_nothing_of_the_session(db, demo_admin):
    tab, _ = _signed_in_tab_with_key(db, demo_admin)
    tab.log_out(db)
    update = tab.hydrate()
    sent = _sent(update)
    session = update.delta[SessionState.get_full_name()]
    assert session["signed_in_rx_state_"] is False
    assert session["user_name_rx_state_"] == "" and session["company_rx_state_"] == ""
    assert "Ann Lee" not in sent and "Bob Stone" not in sent and "Zapier" not in sent
    # The browser is told to forget the tab's client token.
    assert any(ev.name == "_remove_session_storage" and ev.payload == {"key": "token"}
               for ev in update.events)


def test_api_key_secret_is_never_kept_in_the_tab_state(db, demo_admin):
    tab, secret_event = _signed_in_tab_with_key(db, demo_admin)
    keys = tab.at(ApiKeysState, "/api-keys")
    state_text = json.dumps(tab.root.dict(), default=str)
    backend_text = repr(vars(keys))
    prefix = db["api_keys"].find_one({})["prefix"]
    secret = max(re.findall(re.escape(prefix) + r"[A-Za-z0-9_\-]*", secret_event), key=len)
    assert len(secret) > len(prefix) + 16  # the browser got the whole key once ...
    assert keys.secret_shown  # ... and the state only knows it was shown
    assert secret not in state_text and secret not in backend_text


def test_same_token_with_a_revoked_cookie_hydrates_nothing(db, demo_admin):
    tab, _ = _signed_in_tab_with_key(db, demo_admin)
    auth.logout(db, token=tab.cookie)  # ended elsewhere; this browser still sends it
    update = tab.hydrate()
    assert update.delta[SessionState.get_full_name()]["signed_in_rx_state_"] is False
    assert "Ann Lee" not in _sent(update)


def test_another_company_login_in_the_same_tab_sees_none_of_the_first(db, demo_admin):
    other_admin = _company_with_clients(db, "Second Garage Doors", ["Cara West"])
    tab, _ = _signed_in_tab_with_key(db, demo_admin)
    tab.log_out(db)
    tab.sign_in(db, other_admin)
    update = tab.hydrate()
    sent = _sent(update)
    assert "Ann Lee" not in sent and "Bob Stone" not in sent and "Zapier" not in sent
    page = tab.at(ClientsState, "/clients")
    call(page, "load")
    assert [row["name"] for row in page.rows] == ["Cara West"]


def test_another_session_cookie_resets_even_without_a_hydrate(db, demo_admin):
    """A crafted event on the old state with a new cookie: the handler's own
    check resets the tab before it answers."""
    other_admin = _company_with_clients(db, "Second Garage Doors", ["Cara West"])
    tab, _ = _signed_in_tab_with_key(db, demo_admin)
    tab.sign_in(db, other_admin)  # no hydrate, no logout in between
    keys = tab.at(ApiKeysState, "/api-keys")
    call(keys, "forget_secret")  # does not authenticate: nothing to reset yet
    clients_page = tab.at(ClientsState, "/clients")
    call(clients_page, "search", {"query": ""})
    assert [row["name"] for row in clients_page.rows] == ["Cara West"]
    assert tab.at(SessionState, "/clients").user_name == ""  # reset, guard not run
    assert tab.at(ApiKeysState, "/api-keys").rows == []


def test_the_same_session_keeps_its_state(db, demo_admin):
    tab, _ = _signed_in_tab_with_key(db, demo_admin)
    update = tab.hydrate()
    assert update.delta[SessionState.get_full_name()]["signed_in_rx_state_"] is True
    assert "Ann Lee" in _sent(update)
    assert not any(ev.name == "_remove_session_storage" for ev in update.events)
