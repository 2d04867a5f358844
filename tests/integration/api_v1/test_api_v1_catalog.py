"""Technicians and lead sources over the API: CRUD, paging, scopes, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.repositories.base import utcnow

TECH = {"name": "Tom Tech", "phone": "(212) 555-0199", "commission_bp": 4000,
        "job_fee_cents": 500}
SOURCE = {"name": "Google Ads", "kind": "fixed", "fixed_cents": 2000}
CLIENT = {"name": "Jane Client", "phone": "312-555-0177",
          "address": {"line": "12 Oak Ave", "city": "Springfield", "state": "IL", "zip": "62701"}}


def test_technician_lifecycle(api, db, tenants):
    alpha, _ = tenants
    created = api.post("/api/v1/technicians", json=TECH, headers=alpha.headers())
    assert created.status_code == 201, created.text
    tech = created.json()
    assert (tech["phone"], tech["commission_bp"], tech["job_fee_cents"], tech["active"]) == (
        "+12125550199", 4000, 500, True)
    patched = api.patch(f"/api/v1/technicians/{tech['id']}", headers=alpha.headers(),
                        json={"commission_bp": 4550, "active": False}).json()
    assert (patched["commission_bp"], patched["active"], patched["name"]) == (4550, False,
                                                                             "Tom Tech")
    assert api.get(f"/api/v1/technicians/{tech['id']}",
                   headers=alpha.headers(alpha.read_key)).json() == patched
    stored = db["technicians"].find_one({"name": "Tom Tech"})
    assert stored["company_id"] == alpha.company["_id"]
    audit = db["audit_log"].find_one({"action": "technician.updated"})
    assert audit["actor_name"] == "API key Zapier" and audit["company_id"] == alpha.company["_id"]


def test_lists_page_with_an_opaque_cursor(api, tenants):
    alpha, bravo = tenants
    for n in range(27):
        api.post("/api/v1/lead-sources", headers=alpha.headers(),
                 json={"name": f"Source {n:02d}", "rate_bp": 1000})
    api.post("/api/v1/lead-sources", headers=bravo.headers(), json=SOURCE)
    first = api.get("/api/v1/lead-sources", headers=alpha.headers()).json()
    assert len(first["items"]) == 25 and first["next_cursor"]
    second = api.get("/api/v1/lead-sources", params={"after": first["next_cursor"]},
                     headers=alpha.headers()).json()
    names = [s["name"] for s in first["items"] + second["items"]]
    assert names == [f"Source {n:02d}" for n in range(27)] and second["next_cursor"] is None
    forged = api.get("/api/v1/lead-sources", params={"after": "not-a-cursor"},
                     headers=alpha.headers())
    assert forged.status_code == 422 and forged.json()["errors"][0]["field"] == "query.after"
    bravos = api.get("/api/v1/lead-sources", headers=bravo.headers()).json()["items"][0]["id"]
    foreign = api.get("/api/v1/lead-sources", params={"after": bravos}, headers=alpha.headers())
    assert foreign.status_code == 404


@pytest.mark.parametrize("path, body, patches", [
    ("/api/v1/technicians", TECH, [{"name": "Stolen"}, {"active": False}]),
    ("/api/v1/lead-sources", SOURCE, [{"name": "Stolen"}, {"active": False}]),
    ("/api/v1/clients", CLIENT, [{"name": "Stolen"}, {"address": {"line": "9 Thief Rd"}}]),
])
def test_another_companys_ids_are_refused_everywhere(api, tenants, path, body, patches):
    alpha, bravo = tenants
    theirs = api.post(path, json=body, headers=bravo.headers()).json()
    calls = [("get", {})] + [("patch", {"json": patch}) for patch in patches]
    for method, kwargs in calls:
        response = getattr(api, method)(f"{path}/{theirs['id']}", headers=alpha.headers(),
                                        **kwargs)
        assert response.status_code == 404, (method, response.text)
        assert "does not exist" in response.json()["message"]
    listed = api.get(path, headers=alpha.headers()).json()["items"]
    assert theirs["id"] not in {row["id"] for row in listed}
    assert api.get(path, params={"after": theirs["id"]}, headers=alpha.headers()
                   ).status_code == 404
    assert api.get(f"{path}/{theirs['id']}", headers=bravo.headers()).json() == theirs


def test_clients_are_found_by_phone_and_name_prefix(api, tenants):
    alpha, bravo = tenants
    made = api.post("/api/v1/clients", json=CLIENT, headers=alpha.headers()).json()
    api.post("/api/v1/clients", json=CLIENT, headers=bravo.headers())
    assert made["phone"] == "+13125550177" and made["address"]["city"] == "Springfield"
    for query in ("555-0177", "Jane", "oak"):
        found = api.get("/api/v1/clients", params={"q": query},
                        headers=alpha.headers(alpha.read_key)).json()["items"]
        assert [c["id"] for c in found] == [made["id"]], query
    patched = api.patch(f"/api/v1/clients/{made['id']}", headers=alpha.headers(),
                        json={"email": "jane@example.test"}).json()
    assert patched["email"] == "jane@example.test" and patched["name"] == "Jane Client"


def test_scopes_and_revocation_are_enforced(api, db, tenants):
    alpha, _ = tenants
    refused = api.post("/api/v1/technicians", json=TECH, headers=alpha.headers(alpha.read_key))
    assert refused.status_code == 403 and "'write' scope" in refused.json()["message"]
    assert db["technicians"].count_documents({}) == 0
    assert api.get("/api/v1/technicians", headers=alpha.headers(alpha.read_key)).status_code == 200


@pytest.mark.parametrize("body", [{**TECH, "is_admin": True}, {**TECH, "$where": "1"},
                                  {**TECH, "name": {"$ne": ""}}, {**TECH, "commission_bp": -1},
                                  {**TECH, "commission_bp": 10_001}, {"name": "No phone"}])
def test_bad_input_is_a_json_422_and_writes_nothing(api, db, tenants, body):
    alpha, _ = tenants
    response = api.post("/api/v1/technicians", json=body, headers=alpha.headers())
    assert response.status_code == 422
    assert response.json()["message"] and response.json()["errors"]
    assert db["technicians"].count_documents({}) == 0


def test_service_validation_errors_keep_their_sentence(api, tenants):
    alpha, _ = tenants
    response = api.post("/api/v1/technicians", headers=alpha.headers(),
                        json={**TECH, "phone": "123"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("Enter a valid phone number")


def test_a_company_pending_deletion_cannot_write(api, db, tenants):
    alpha, _ = tenants
    now = utcnow()
    db["companies"].update_one({"_id": alpha.company["_id"]}, {"$set": {"deletion": {
        "requested_at": now, "due_at": now + timedelta(days=30)}}})
    response = api.post("/api/v1/lead-sources", json=SOURCE, headers=alpha.headers())
    assert response.status_code == 409 and "read-only" in response.json()["message"]
    assert api.get("/api/v1/lead-sources", headers=alpha.headers()).status_code == 200
