"""Search by word prefixes: several words in any order, and 1-character queries refused
everywhere a search box is (jobs list, CSV export, clients, erase screen, API)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from iprodash.api import v1
from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import ValidationError
from iprodash.domain.search_keys import SHORT_QUERY_MESSAGE
from iprodash.services import api_keys, auth, clients, job_queries
from iprodash.services.clients import ClientForm
from iprodash.services.job_queries import JobListFilters
from iprodash.services.privacy_client_erasure import find_clients_to_erase
from state.clients import ClientsState
from state.jobs import JobsState
from state.privacy import PrivacyState
from tests.factories import PASSWORD
from tests.integration.tabs import Tab, call

SHORT = ["a", "J", "a b", " x  y z "]


def _found(shop, text: str) -> list[int]:
    filters = JobListFilters(search=text)
    return [r.number for r in job_queries.list_jobs(shop.db, actor=shop.user,
                                                     filters=filters).rows]


def _client(shop, name: str, phone: str, line: str):
    return clients.create_client(shop.db, actor=shop.user, form=ClientForm(
        name=name, phone=phone, address_line=line, city="Springfield"))


def _client_ids(shop, text: str) -> list[str]:
    return [r.id for r in clients.list_clients(shop.db, actor=shop.user, query=text)[0]]


def test_jobs_found_by_two_words_in_either_order(shop):
    shop.job()  # Ann Lee, 12 Oak Ave, Springfield
    shop.job(client_name="Lee Marvin", client_phone="(718) 555-0142", address_line="7 Elm St")
    for typed in ("ann lee", "Lee Ann", "le an", "LEE ANN springf", "oak ann"):
        assert _found(shop, typed) == [1], typed
    assert sorted(_found(shop, "lee")) == [1, 2]
    assert _found(shop, "lee elm") == [2] and _found(shop, "ann elm") == []
    assert job_queries.count_jobs(shop.db, actor=shop.user,
                                  filters=JobListFilters(search="lee ann")) == 1
    stored = shop.db["jobs"].find_one({"number": 1})["search_keys"]
    assert "ann lee" not in stored and "a" not in stored and "#1" in stored


def test_clients_found_by_two_words_in_either_order(shop):
    ann = _client(shop, "Ann Lee", "(212) 555-0100", "12 Oak Ave")
    marvin = _client(shop, "Lee Marvin", "(718) 555-0142", "7 Elm St")
    for typed in ("ann lee", "Lee Ann", "lee oak", "j ann"):
        assert _client_ids(shop, typed) == [ann.id], typed
    assert sorted(_client_ids(shop, "lee")) == sorted([ann.id, marvin.id])
    assert _client_ids(shop, "lee elm") == [marvin.id]


def test_clients_multi_word_search_reads_past_a_full_page(shop, monkeypatch):
    """The longest word is read a page at a time; the others are checked on each row."""
    monkeypatch.setattr(clients, "PAGE_SIZE", 3)
    for n in range(7):
        _client(shop, f"Aaron Baker {n}", f"(212) 555-01{n:02d}", "1 Oak Ave")
    wanted = _client(shop, "Zed Baker", "(212) 555-0199", "1 Pine Rd")
    assert _client_ids(shop, "baker pine") == [wanted.id]


@pytest.mark.parametrize("typed", SHORT)
def test_a_one_character_query_is_refused_by_the_services(shop, typed):
    shop.job()
    _client(shop, "J Smith", "(212) 555-0100", "1 Oak Ave")
    before = shop.db["audit_log"].count_documents({})
    with pytest.raises(ValidationError, match=SHORT_QUERY_MESSAGE):
        job_queries.list_jobs(shop.db, actor=shop.user, filters=JobListFilters(search=typed))
    assert job_queries.count_jobs(shop.db, actor=shop.user,
                                  filters=JobListFilters(search=typed)) == 0
    with pytest.raises(ValidationError, match=SHORT_QUERY_MESSAGE):
        clients.list_clients(shop.db, actor=shop.user, query=typed)
    with pytest.raises(ValidationError, match=SHORT_QUERY_MESSAGE):
        find_clients_to_erase(shop.db, actor=shop.admin, query=typed)
    assert shop.db["audit_log"].count_documents({}) == before


def test_a_single_digit_is_still_a_job_number_on_the_jobs_list(shop):
    for _ in range(3):
        shop.job()
    assert _found(shop, "2") == [2] and _found(shop, "#3") == [3]
    with pytest.raises(ValidationError, match=SHORT_QUERY_MESSAGE):
        clients.list_clients(shop.db, actor=shop.user, query="2")


def test_the_pages_show_the_message_and_keep_their_list(shop, office):
    user_tab, admin_tab = office
    shop.job()  # and its client, Ann Lee
    jobs_page = user_tab.at(JobsState, "/jobs?q=ann")
    call(jobs_page, "load")
    assert [r["number"] for r in jobs_page.rows] == [1]
    refused = call(jobs_page, "search", {"q": "a"})
    assert SHORT_QUERY_MESSAGE in repr(refused) and "/jobs?" not in repr(refused)
    assert jobs_page.q == "ann" and [r["number"] for r in jobs_page.rows] == [1]
    assert "q=ann+lee" in repr(call(jobs_page, "search", {"q": "ann lee"}))

    clients_page = user_tab.at(ClientsState, "/clients")
    call(clients_page, "load")
    call(clients_page, "search", {"query": "lee"})
    assert clients_page.query == "lee" and len(clients_page.rows) == 1
    for typed in ("a", "a b"):
        refused = call(clients_page, "search", {"query": typed})
        assert SHORT_QUERY_MESSAGE in repr(refused)
        assert clients_page.query == "lee" and len(clients_page.rows) == 1

    privacy = admin_tab.at(PrivacyState, "/privacy-center")
    call(privacy, "find_client_to_erase", {"query": "ann lee"})
    assert [m["name"] for m in privacy.erase_matches] == ["Ann Lee"]
    refused = call(privacy, "find_client_to_erase", {"query": "a b"})
    assert SHORT_QUERY_MESSAGE in repr(refused)
    assert [m["name"] for m in privacy.erase_matches] == ["Ann Lee"]


def test_csv_export_refuses_a_one_character_query(shop):
    shop.job()
    user = shop.db["users"].find_one({"_id": shop.user.user_id})
    token = auth.login(shop.db, email=user["email"], password=PASSWORD, ip="127.0.0.1")
    with TestClient(create_api(), base_url="http://localhost:3000") as http:
        refused = http.get("/api/jobs/export.csv", params={"q": "a b"},
                           cookies={SESSION_COOKIE: token})
        assert refused.status_code == 422 and SHORT_QUERY_MESSAGE in refused.text
        assert shop.db["audit_log"].count_documents({"action": "jobs.exported"}) == 0
        found = http.get("/api/jobs/export.csv", params={"q": "lee ann"},
                         cookies={SESSION_COOKIE: token})
        assert found.status_code == 200 and "Ann Lee" in found.text
        closed = http.get("/api/jobs/export.csv", params={"q": "lee ann", "status": "closed"},
                          cookies={SESSION_COOKIE: token})
        assert closed.status_code == 200 and "Ann Lee" not in closed.text  # the job is new
        by_number = http.get("/api/jobs/export.csv", params={"q": "1"},
                             cookies={SESSION_COOKIE: token})
        assert by_number.status_code == 200 and "Ann Lee" in by_number.text


def test_api_answers_422_to_a_one_character_query(shop):
    _, key = api_keys.create_api_key(shop.db, actor=shop.admin, name="Reporting",
                                     scopes=["read"])
    shop.job()
    app = FastAPI()
    app.mount(v1.PREFIX, v1.create_v1_app())
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(app, base_url="http://localhost:3000",
                    raise_server_exceptions=False) as api:
        for path in ("/api/v1/jobs", "/api/v1/clients"):
            refused = api.get(path, params={"q": "a"}, headers=headers)
            assert refused.status_code == 422, (path, refused.text)
            assert refused.json()["message"] == SHORT_QUERY_MESSAGE
            found = api.get(path, params={"q": "lee ann"}, headers=headers)
            assert found.status_code == 200 and len(found.json()["items"]) == 1
        by_number = api.get("/api/v1/jobs", params={"q": "1"}, headers=headers).json()
        assert [j["number"] for j in by_number["items"]] == [1]
