"""A tab whose socket reconnects (a network blip, or its app worker died and another
took it over) keeps the page of the list it showed; a new page load starts at page 1.

The app's middleware answers the hydrate as for the browser: Reflex's frontend sends
the compiled state's hashes only on a page load's first connect, never on a reconnect.
Then the page's loaders run as ``on_load`` runs them: the guard, then the list's load.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass
from typing import Callable

import pytest

from iprodash.domain.finance import Payment
from iprodash.jobs.tasks import run_logged
from iprodash.services import (api_keys, audit_log, outbox_admin, policies, reports,
                               scheduler_admin, settlements, support)
from iprodash.services import clients as client_service
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR
from iprodash.services.notifications import enqueue_email
from iprodash.services.outbox_dispatch import drain_outbox
from state.api_keys import ApiKeysState
from state.audit import AuditState
from state.clients import ClientsState
from state.outbox_admin import OutboxAdminState
from state.policies import OperatorPoliciesState
from state.reports import ReportsState
from state.scheduler_runs import SchedulerState
from state.session import SessionState
from state.settlements import SettlementsState
from state.support import SupportDeskState, SupportState
from tests.factories import actor_for, make_company, make_user
from tests.integration.builders import render_in_process
from tests.integration.jobs.conftest import Shop
from tests.integration.tabs import Tab, call
from tests.integration.test_session_boundary import _company_with_clients


def _hydrate(tab: Tab, url: str, *, reconnect: bool) -> None:
    tab.route(url)
    tab.hydrate(payload={} if reconnect else {"hashes": ["0123456789abcdef"]})


def _on_load(tab: Tab, url: str, state_cls=ClientsState):
    call(tab.at(SessionState, url), "guard", [])
    page = tab.at(state_cls, url)
    call(page, "load")
    return page


@pytest.fixture
def tab_on_page_3(db, monkeypatch):
    monkeypatch.setattr(client_service, "PAGE_SIZE", 1)
    admin = _company_with_clients(db, "Demo Locksmith", ["Ann Lee", "Bob Stone", "Cara West",
                                                         "Dan Moss"])
    tab = Tab()
    tab.sign_in(db, admin)
    _hydrate(tab, "/clients", reconnect=False)
    page = _on_load(tab, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]
    call(page, "next_page")
    call(page, "next_page")
    assert [row["name"] for row in page.rows] == ["Cara West"]
    return tab


def test_a_reconnect_on_the_same_page_keeps_the_page_of_the_list(tab_on_page_3):
    _hydrate(tab_on_page_3, "/clients", reconnect=True)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Cara West"]
    assert len(page.cursor_stack) == 2
    call(page, "previous_page")
    assert [row["name"] for row in page.rows] == ["Bob Stone"]


def test_a_new_page_load_starts_the_list_over(tab_on_page_3):
    _hydrate(tab_on_page_3, "/clients", reconnect=False)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]


def test_a_navigation_after_a_reconnect_starts_the_list_over(tab_on_page_3):
    _hydrate(tab_on_page_3, "/clients", reconnect=True)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Cara West"]
    # Later the person opens the list again from the menu: no hydrate, only on_load.
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]


def test_a_reconnect_on_another_page_does_not_resume_this_list(tab_on_page_3):
    _hydrate(tab_on_page_3, "/jobs", reconnect=True)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]


# The other list pages: each is built through the services with three rows and a page
# size of one, opened with a filter where the page has one, and moved to page 2.


def _company_admin(db, name: str = "Demo Locksmith") -> dict:
    return make_user(db, company=make_company(db, name=name), role=COMPANY_ADMIN)


def _three_api_keys(db) -> dict:
    admin = _company_admin(db)
    for name in ("Zapier", "Sheets", "Website"):
        api_keys.create_api_key(db, actor=actor_for(admin), name=name, scopes=["read"])
    return admin


def _audited_keys_and_clients(db) -> dict:
    """Three API keys and two clients: the audit list filtered to API keys pages the keys."""
    admin = _three_api_keys(db)
    for n, name in enumerate(("Ann Lee", "Bob Stone")):
        client_service.create_client(db, actor=actor_for(admin), form=client_service.ClientForm(
            name=name, phone=f"(212) 555-01{n:02d}", address_line=f"{n} Oak Ave",
            city="New York", state="NY", zip="10001"))
    return admin


def _three_sent_invites(db) -> dict:
    """Three emails of the company, sent by the local provider: in the outbox and sent box."""
    admin = _company_admin(db)
    company_id = admin["company_id"]
    for n in range(3):
        assert enqueue_email(db, company_id=company_id, to=f"p{n}@example.test", kind="invite",
                             idempotency_key=f"invite:{n}", inviter="Ann",
                             company="Demo Locksmith", days="7",
                             link=f"http://localhost:3000/join?invite={n}")
    assert drain_outbox(db)["sent"] == 3
    return admin


def _three_tickets(db) -> dict:
    admin = _company_admin(db)
    for subject in ("Invoice total looks wrong", "Cannot add a technician", "Export is empty"):
        support.open_ticket(db, actor=actor_for(admin), subject=subject, message="Please help.")
    return admin


def _operator(db) -> dict:
    return make_user(db, company=None, role=OPERATOR)


def _desk_with_three_tickets(db) -> dict:
    _three_tickets(db)
    return _operator(db)


def _three_policy_versions(db) -> dict:
    operator = _operator(db)
    for version in ("2.1", "2.2", "2.3"):
        policies.publish_version(db, actor=actor_for(operator), kind="terms", version=version,
                                 summary=f"Version {version}: clearer wording.")
    return operator


def _three_scheduler_runs(db) -> dict:
    for _ in range(3):
        run_logged(db, "scheduled_reports", holder="worker-1")
    return _operator(db)


def _three_closed_jobs(db) -> dict:
    """Three jobs Tom closed today, through the jobs services."""
    shop = Shop(db, "Demo Locksmith")
    tom = shop.technician("Tom Tech")
    for name in ("Ann Lee", "Bob Stone", "Cara West"):
        shop.closed_job(payments=[Payment("cash", 25000, "technician")], technician_id=tom.id,
                        client_name=name)
    return make_user(db, company=shop.company, role=COMPANY_ADMIN)


def _three_reports(db) -> dict:
    admin = _company_admin(db)
    for month in ("09", "10", "11"):
        reports.generate_report(db=db, actor=actor_for(admin), kind="profit_loss",
                                start=f"2026-{month}-01", end=f"2026-{month}-28")
    return admin


@dataclass(frozen=True)
class ListPage:
    name: str
    url: str
    state: type
    page_size_of: object  # the service module whose PAGE_SIZE pages this list
    build: Callable[..., dict]  # (db) -> the signed-in user's document
    # A filter set before paging, as the person sets it: (handler, value, var, kept value).
    filter: tuple[str, object, str, object] | None = None
    rows: str = "rows"

    def shown(self, page) -> list[str]:
        return [str(row.get("seq", row.get("id"))) for row in getattr(page, self.rows)]


LIST_PAGES = [
    ListPage("audit", "/audit", AuditState, audit_log, _audited_keys_and_clients,
             filter=("set_action_filter", "api_key.", "action_filter", "api_key.")),
    ListPage("api-keys", "/api-keys", ApiKeysState, api_keys, _three_api_keys),
    ListPage("outbox", "/outbox", OutboxAdminState, outbox_admin, _three_sent_invites,
             filter=("set_status_filter", "sent", "status_filter", "sent")),
    ListPage("operator-policies", "/operator/policies", OperatorPoliciesState, policies,
             _three_policy_versions),
    ListPage("operator-scheduler", "/operator/scheduler", SchedulerState, scheduler_admin,
             _three_scheduler_runs),
    ListPage("support", "/support", SupportState, support, _three_tickets),
    ListPage("operator-support", "/operator/support", SupportDeskState, support,
             _desk_with_three_tickets, filter=("set_status_filter", "all", "status_filter", "")),
    ListPage("settlements", "/settlements", SettlementsState, settlements, _three_closed_jobs,
             filter=("set_period", "this_month", "period", "this_month"), rows="jobs"),
    ListPage("reports", "/reports", ReportsState, reports, _three_reports),
]


@dataclass
class OnPage2:
    tab: Tab
    case: ListPage
    first: list[str]
    second: list[str]

    def reload(self, *, hydrate_at: str | None, reconnect: bool = True):
        """The page's loaders run again, after a hydrate at ``hydrate_at`` (None: a
        navigation inside the app, which has no hydrate)."""
        if hydrate_at is not None:
            _hydrate(self.tab, hydrate_at, reconnect=reconnect)
        return _on_load(self.tab, self.case.url, self.case.state)


@pytest.fixture(params=LIST_PAGES, ids=lambda case: case.name)
def on_page_2(request, db, monkeypatch) -> OnPage2:
    case = request.param
    render_in_process(monkeypatch, reports)
    monkeypatch.setattr(case.page_size_of, "PAGE_SIZE", 1)
    user = case.build(db)
    tab = Tab()
    tab.sign_in(db, user)
    _hydrate(tab, case.url, reconnect=False)
    page = _on_load(tab, case.url, case.state)
    if case.filter:
        handler, value, var, kept = case.filter
        call(page, handler, value)
        assert getattr(page, var) == kept
    first = case.shown(page)
    call(page, "next_page")
    second = case.shown(page)
    assert len(first) == len(second) == 1 and first != second
    assert page.has_next  # three rows: a page 3 after this one
    return OnPage2(tab, case, first, second)


def test_a_reconnect_keeps_the_page_and_filter_of_every_list(on_page_2):
    page = on_page_2.reload(hydrate_at=on_page_2.case.url)
    assert on_page_2.case.shown(page) == on_page_2.second
    if on_page_2.case.filter:
        _, _, var, kept = on_page_2.case.filter
        assert getattr(page, var) == kept
    call(page, "previous_page")
    assert on_page_2.case.shown(page) == on_page_2.first


def test_a_new_page_load_starts_every_list_over(on_page_2):
    page = on_page_2.reload(hydrate_at=on_page_2.case.url, reconnect=False)
    assert on_page_2.case.shown(page) == on_page_2.first
    assert page.cursor_stack == []


def test_a_navigation_after_a_reconnect_starts_every_list_over(on_page_2):
    on_page_2.reload(hydrate_at=on_page_2.case.url)
    page = on_page_2.reload(hydrate_at=None)
    assert on_page_2.case.shown(page) == on_page_2.first


def test_a_reconnect_on_another_page_starts_every_list_over(on_page_2):
    page = on_page_2.reload(hydrate_at="/jobs")
    assert on_page_2.case.shown(page) == on_page_2.first


@pytest.fixture
def outbox_on_page_2_of_both(db, monkeypatch):
    monkeypatch.setattr(outbox_admin, "PAGE_SIZE", 1)
    tab = Tab()
    tab.sign_in(db, _three_sent_invites(db))
    _hydrate(tab, "/outbox", reconnect=False)
    page = _on_load(tab, "/outbox", OutboxAdminState)
    first_sent = [row["id"] for row in page.sent_rows]
    call(page, "next_page")
    call(page, "next_sent_page")
    second_sent = [row["id"] for row in page.sent_rows]
    assert first_sent != second_sent
    return tab, first_sent, second_sent


def test_the_outbox_keeps_the_page_of_its_sent_box_on_a_reconnect(outbox_on_page_2_of_both):
    tab, first_sent, second_sent = outbox_on_page_2_of_both
    _hydrate(tab, "/outbox", reconnect=True)
    page = _on_load(tab, "/outbox", OutboxAdminState)
    assert [row["id"] for row in page.sent_rows] == second_sent
    _hydrate(tab, "/outbox", reconnect=False)
    page = _on_load(tab, "/outbox", OutboxAdminState)
    assert [row["id"] for row in page.sent_rows] == first_sent


def test_the_outbox_sent_box_alone_on_page_2_is_kept_on_a_reconnect(outbox_on_page_2_of_both):
    tab, _, second_sent = outbox_on_page_2_of_both
    page = tab.at(OutboxAdminState, "/outbox")
    call(page, "previous_page")  # the messages list back on page 1, the sent box on 2
    _hydrate(tab, "/outbox", reconnect=True)
    page = _on_load(tab, "/outbox", OutboxAdminState)
    assert [row["id"] for row in page.sent_rows] == second_sent


def test_support_keeps_the_open_ticket_on_a_reconnect_with_its_new_answers(db, monkeypatch):
    monkeypatch.setattr(support, "PAGE_SIZE", 1)
    admin = _three_tickets(db)
    tab = Tab()
    tab.sign_in(db, admin)
    _hydrate(tab, "/support", reconnect=False)
    page = _on_load(tab, "/support", SupportState)
    call(page, "next_page")
    ticket_id = page.rows[0]["id"]
    call(page, "select", ticket_id)
    # The desk answers while the tab's worker is down.
    support.answer_ticket(db, actor=actor_for(_operator(db)), ticket_id=ticket_id,
                          text="Fixed on our side.", close=False)

    _hydrate(tab, "/support", reconnect=True)
    page = _on_load(tab, "/support", SupportState)
    assert page.rows[0]["id"] == ticket_id and page.selected["id"] == ticket_id
    assert [m["text"] for m in page.thread][-1] == "Fixed on our side."

    page = _on_load(tab, "/support", SupportState)  # a later navigation: nothing open
    assert page.selected == {} and page.thread == []
    assert page.rows[0]["id"] != ticket_id


def _paged_loaders() -> dict[str, str]:
    """Every page loader of a state that pages a list: its name and body."""
    from tests.integration.test_page_loaders import page_loaders

    return {name: textwrap.dedent(inspect.getsource(handler.fn))
            for name, (state_cls, _url, handler) in page_loaders().items()
            if "cursor_stack" in state_cls.get_fields()}


def test_every_paged_list_loader_asks_whether_the_tab_reconnected():
    """A loader that set its cursor itself would send a reconnecting tab back to page 1:
    each one opens its list through ``_open_page()`` (or asks ``_resumes_page()`` and
    resets a cursor only when the tab did not reconnect)."""
    loaders = _paged_loaders()
    assert {"ClientsState.load", "AuditState.load", "SettlementsState.load",
            "ReportsState.load", "OutboxAdminState.load"} <= set(loaders)
    # An assignment to a cursor stack in the loader's own body, outside any ``if``.
    unconditional = re.compile(r"^    self\.[\w, .]*cursor_stack\b[\w, .]*=[^=]", re.M)
    resetting = [name for name, body in loaders.items()
                 if unconditional.search(body)
                 or not re.search(r"\._(open_page|resumes_page)\(\)", body)]
    assert resetting == []
