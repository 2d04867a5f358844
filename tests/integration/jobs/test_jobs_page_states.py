"""The jobs pages' state handlers, called as the browser would call them.

Each handler runs against the real database with a real session cookie in
the router headers, so the session re-check, the service calls and what the
page would show are exercised without building the frontend.
"""

from __future__ import annotations

from iprodash.services import auth
from state.board import BoardState
from state.job_detail import JobDetailState
from state.job_form import NewJobState
from state.job_money import JobMoneyState
from state.jobs import JobsState
from state.technicians import TechniciansState
from tests.integration.tabs import call


def _names(events) -> str:
    return repr(events)


def test_technicians_page_admin_adds_and_user_is_refused(shop, office):
    user_tab, admin_tab = office
    state = admin_tab.at(TechniciansState, "/technicians")
    call(state, "load")
    call(state, "open_new")
    assert state.dialog_open
    call(state, "save", {"name": "Tom Tech", "phone": "(212) 555-0111",
                         "commission_percent": "40", "job_fee": "0", "color": "#112233"})
    assert [r["name"] for r in state.rows] == ["Tom Tech"] and not state.dialog_open
    call(state, "save", {"name": "", "phone": "1"})
    assert state.form_error
    readonly = user_tab.at(TechniciansState, "/technicians")
    call(readonly, "load")
    assert [r["name"] for r in readonly.rows] == ["Tom Tech"]
    refused = call(readonly, "save", {"name": "Sneaky", "phone": "(212) 555-0112"})
    assert "permission" in _names(refused).lower() or "role" in _names(refused).lower()
    assert shop.db["technicians"].count_documents({}) == 1


def test_new_job_reuses_the_client_found_by_phone(shop, office):
    user_tab, _ = office
    first = shop.job()
    state = user_tab.at(NewJobState, "/jobs/new")
    call(state, "load")
    call(state, "lookup_phone", "212.555.0100")
    assert [m["name"] for m in state.matches] == ["Ann Lee"]
    call(state, "use_client", state.matches[0]["id"])
    assert state.client_id == str(first["client_id"]) and state.values["client_name"] == "Ann Lee"
    events = call(state, "save", {"client_name": "Ann Lee", "client_phone": "212.555.0100",
                                  "address_line": "12 Oak Ave", "job_type": "Rekey",
                                  "date": "2025-06-03", "start_time": "10:00"})
    job = shop.db["jobs"].find_one({"number": 2})
    assert job["client_id"] == first["client_id"]
    assert f"/jobs/{job['_id']}" in _names(events)
    call(state, "save", {"client_name": "", "client_phone": "x"})
    assert state.form_error


def test_jobs_list_reads_filters_from_the_url_and_writes_them_back(shop, office):
    user_tab, _ = office
    for _ in range(3):
        shop.job()
    state = user_tab.at(JobsState, "/jobs?from=2025-06-01&to=2025-06-30&status=open")
    call(state, "load")
    assert (state.status, state.date_from, state.date_to) == ("open", "2025-06-01", "2025-06-30")
    assert len(state.rows) == 3 and state.count_text == "Counting…"
    redirect = call(state, "set_filter", "technician", "none")
    assert "technician=none" in _names(redirect) and "status=open" in _names(redirect)
    assert "status=closed" not in state.export_url and "status=open" in state.export_url
    searching = user_tab.at(JobsState, "/jobs?q=%23" + "2")
    call(searching, "load")
    assert [r["number"] for r in searching.rows] == [2] and searching.mode == "search"


def test_job_page_moves_records_money_and_closes(shop, office):
    user_tab, _ = office
    tech = shop.technician(percent="40")
    job = shop.walk_to(shop.job(technician_id=tech.id), "in_progress")
    url = f"/jobs/{job['_id']}"
    detail, money = user_tab.at(JobDetailState, url), user_tab.at(JobMoneyState, url)
    call(detail, "load")
    call(money, "load")
    assert [m["target"] for m in detail.moves] == ["pending_approval", "closed", "canceled"]
    call(detail, "move", "pending_approval")
    call(money, "refresh")
    assert detail.job["status"] == "pending_approval"
    assert "closed" in [m["target"] for m in detail.moves]
    call(money, "add_payment")
    call(money, "set_line", "payment", 0, "amount", "300")
    call(money, "set_line", "payment", 0, "collected_by", "technician")
    call(money, "add_payment")
    call(money, "set_line", "payment", 1, "method", "card")
    call(money, "set_line", "payment", 1, "amount", "100")
    call(money, "set_line", "payment", 1, "collected_by", "company")
    call(money, "add_part")
    call(money, "set_line", "part", 0, "description", "Deadbolt")
    call(money, "set_line", "part", 0, "cost", "50")
    call(money, "set_line", "part", 0, "paid_by", "technician")
    assert money.payments_total == "$400.00"
    call(money, "open_close")
    assert money.close_open and money.close_price == "400.00"
    call(money, "confirm_close", {"closing_price": "450"})
    assert "$450.00" in money.close_error
    call(money, "confirm_close", {"closing_price": "400.00"})
    stored = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert stored["status"] == "closed" and stored["finance"]["cc_fee"] == 300
    call(detail, "refresh")
    assert detail.job["status"] == "closed" and not money.editable
    lines = {line["key"]: line["text"] for line in detail.finance_lines}
    assert lines["gross"] == "$400.00" and lines["net"] == "$347.00"
    assert "company_profit" not in lines  # an office user without view_financials
    call(detail, "open_reason", "pending_approval", "Reopen job")
    call(detail, "confirm_reason", {"reason": "Wrong price"})
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["status"] == "closed"


def test_board_assigns_from_a_lane(shop, office):
    user_tab, _ = office
    tech = shop.technician("Tom Tech")
    job = shop.job()
    state = user_tab.at(BoardState, "/board?day=2025-06-02")
    call(state, "load")
    assert state.day == "2025-06-02"
    assert [lane["name"] for lane in state.lanes] == ["Unassigned", "Tom Tech"]
    call(state, "assign", str(job["_id"]), tech.id)
    assert [len(lane["cards"]) for lane in state.lanes] == [0, 1]
    assert "day=2025-06-03" in _names(call(state, "shift", 1))


def test_a_signed_out_tab_gets_nothing(shop, office):
    user_tab, _ = office
    shop.job()
    auth.logout(shop.db, token=user_tab.cookie)
    state = user_tab.at(JobsState, "/jobs")
    call(state, "load")
    assert state.rows == []
    assert "session-expired" in _names(call(state, "set_filter", "status", "open"))
