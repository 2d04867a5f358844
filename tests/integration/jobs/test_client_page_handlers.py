"""The client page's and the thread panel's handlers, called as the browser calls them."""

from __future__ import annotations

from iprodash.services import client_page
from state.client_detail import ClientDetailState
from state.conversations import ThreadState
from tests.integration.tabs import Tab, call


def _tab(db, actor, path: str, state_class):
    user = db["users"].find_one({"_id": actor.user_id})
    return Tab.signed_in(db, user).at(state_class, path)


def test_page_loads_the_client_jobs_and_a_too_long_note_changes_nothing(shop):
    job = shop.job()
    page = _tab(shop.db, shop.user, f"/clients/{job['client_id']}", ClientDetailState)
    call(page, "load")
    assert page.client["name"] == "Ann Lee" and [r["id"] for r in page.rows] == [str(job["_id"])]
    call(page, "save_note", {"note": "Ring twice"})
    assert page.note == "Ring twice" and page.note_error == ""
    call(page, "save_note", {"note": "x" * (client_page.MAX_NOTE + 1)})
    assert "under" in page.note_error
    assert client_page.client_profile(shop.db, actor=shop.user,
                                      client_id=str(job["client_id"])).note == "Ring twice"


def test_only_an_admin_erases_from_the_client_page(shop):
    job = shop.job()
    path = f"/clients/{job['client_id']}"
    office = _tab(shop.db, shop.user, path, ClientDetailState)
    refused = call(office, "confirm_erase")
    assert refused is not None and not office.erase_open
    assert shop.db["clients"].find_one({"_id": job["client_id"]}) is not None
    admin = _tab(shop.db, shop.admin, path, ClientDetailState)
    call(admin, "confirm_erase")
    assert shop.db["clients"].find_one({"_id": job["client_id"]}) is None


def test_the_job_panel_shows_the_clients_thread_and_never_another_companys(shop, other_shop):
    job = shop.job()
    panel = _tab(shop.db, shop.user, f"/jobs/{job['_id']}", ThreadState)
    call(panel, "load_for_job")
    assert panel.thread == "12125550100" and panel.client_name == "Ann Lee"

    stranger = _tab(shop.db, other_shop.user, f"/jobs/{job['_id']}", ThreadState)
    call(stranger, "load_for_job")
    assert stranger.thread == "" and stranger.messages == []
    thread_page = _tab(shop.db, other_shop.user, "/messages/12125550100", ThreadState)
    call(thread_page, "load")
    assert thread_page.thread == "" and thread_page.display == ""
    call(thread_page, "set_draft", "hello")
    call(thread_page, "send")
    assert shop.db["outbox"].count_documents({"kind": "staff_reply"}) == 0
