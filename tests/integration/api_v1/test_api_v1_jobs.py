"""Jobs over the API: book, edit, walk the statuses, close with the finance
breakdown of DOMAIN.md, and nothing of another company reachable."""

from __future__ import annotations

import pytest
from bson import ObjectId

JOB = {"client": {"name": "Carla Card", "phone": "212-555-0142"},
       "address": {"line": "5 Elm St", "city": "Springfield", "state": "IL", "zip": "62701"},
       "job_type": "Lockout", "description": "Front door",
       "scheduled_start": "2026-03-02T15:00:00Z", "scheduled_end": "2026-03-02T17:00:00Z"}
CLOSE = {"closing_price_cents": 40000,
         "payments": [{"method": "card", "amount_cents": 40000, "collected_by": "company"}],
         "parts": [{"description": "Cylinder", "cost_cents": 5000, "paid_by": "technician"}]}


def _setup(api, tenant) -> dict:
    """A technician (40%), a source (10%) and a job assigned to both."""
    tech = api.post("/api/v1/technicians", headers=tenant.headers(), json={
        "name": "Tom", "phone": "212-555-0100", "commission_bp": 4000}).json()
    source = api.post("/api/v1/lead-sources", headers=tenant.headers(), json={
        "name": "Google", "rate_bp": 1000}).json()
    job = api.post("/api/v1/jobs", headers=tenant.headers(), json={
        **JOB, "technician_id": tech["id"], "lead_source_id": source["id"]})
    assert job.status_code == 201, job.text
    return job.json()


def test_book_edit_and_close_with_the_worked_example(api, tenants):
    alpha, _ = tenants
    job = _setup(api, alpha)
    assert (job["number"], job["status"], job["client"]["phone"]) == (1, "new", "+12125550142")
    assert job["scheduled_start"].startswith("2026-03-02T15:00")
    edited = api.patch(f"/api/v1/jobs/{job['id']}", headers=alpha.headers(),
                       json={"notes": "Gate code 1234", "version": job["version"]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["notes"] == "Gate code 1234" and edited.json()["job_type"] == "Lockout"
    stale = api.patch(f"/api/v1/jobs/{job['id']}", headers=alpha.headers(),
                      json={"notes": "Lost update", "version": job["version"]})
    assert stale.status_code == 409
    for status in ("scheduled", "en_route", "in_progress", "pending_approval"):
        moved = api.post(f"/api/v1/jobs/{job['id']}/status", headers=alpha.headers(),
                         json={"status": status})
        assert moved.status_code == 200 and moved.json()["status"] == status, moved.text
    short = api.post(f"/api/v1/jobs/{job['id']}/close", headers=alpha.headers(),
                     json={**CLOSE, "closing_price_cents": 45000})
    assert short.status_code == 422 and "add up" in short.json()["message"]
    closed = api.post(f"/api/v1/jobs/{job['id']}/close", headers=alpha.headers(), json=CLOSE)
    assert closed.status_code == 200, closed.text
    finance = closed.json()["finance"]
    assert {k: finance[k] for k in ("gross", "card", "cc_fee", "parts", "net", "tech_commission",
                                    "source_commission", "company_profit")} == {
        "gross": 40000, "card": 40000, "cc_fee": 1200, "parts": 5000, "net": 33800,
        "tech_commission": 13520, "source_commission": 3380, "company_profit": 16900}
    assert api.get(f"/api/v1/jobs/{job['id']}",
                   headers=alpha.headers(alpha.read_key)).json()["finance"] == finance


def test_cancel_needs_a_reason_and_money_lines_are_checked(api, tenants):
    alpha, _ = tenants
    job = _setup(api, alpha)
    no_reason = api.post(f"/api/v1/jobs/{job['id']}/status", headers=alpha.headers(),
                         json={"status": "canceled"})
    assert no_reason.status_code == 422
    lines = api.put(f"/api/v1/jobs/{job['id']}/money-lines", headers=alpha.headers(),
                    json={"payments": [{"method": "cash", "amount_cents": 25000,
                                        "collected_by": "technician"}]})
    assert lines.status_code == 200 and lines.json()["payments"][0]["amount_cents"] == 25000
    canceled = api.post(f"/api/v1/jobs/{job['id']}/status", headers=alpha.headers(),
                        json={"status": "canceled", "reason": "Client found the key"})
    assert canceled.json()["status"] == "canceled"


def test_another_companys_jobs_and_records_are_refused(api, db, tenants):
    alpha, bravo = tenants
    theirs = _setup(api, bravo)
    before = db["jobs"].find_one({"_id": ObjectId(theirs["id"])})
    calls = [("get", "", None), ("patch", "", {"notes": "x"}),
             ("put", "/money-lines", {"payments": []}),
             ("post", "/status", {"status": "scheduled"}),
             ("post", "/status", {"status": "canceled", "reason": "x"}),
             ("post", "/close", CLOSE)]
    for method, suffix, body in calls:
        kwargs = {"json": body} if body is not None else {}
        response = getattr(api, method)(f"/api/v1/jobs/{theirs['id']}{suffix}",
                                        headers=alpha.headers(), **kwargs)
        assert response.status_code == 404, (method, suffix, response.text)
    after = db["jobs"].find_one({"_id": before["_id"]})
    assert after == before
    for field in ("technician_id", "lead_source_id", "client_id"):
        foreign = theirs[field]
        response = api.post("/api/v1/jobs", headers=alpha.headers(), json={**JOB, field: foreign})
        assert response.status_code == 404, (field, response.text)
    assert db["jobs"].count_documents({"company_id": alpha.company["_id"]}) == 0


@pytest.mark.parametrize("body", [{**JOB, "status": "closed"}, {**JOB, "finance": {}},
                                  {**JOB, "scheduled_start": "2026-03-02T15:00:00"},
                                  {**JOB, "client": {"name": "X", "phone": "1",
                                                     "$set": {"a": 1}}}])
def test_job_input_is_strict(api, db, tenants, body):
    alpha, _ = tenants
    response = api.post("/api/v1/jobs", headers=alpha.headers(), json=body)
    assert response.status_code == 422, response.text
    assert db["jobs"].count_documents({}) == 0


def test_list_filters_searches_and_pages_inside_the_company(api, tenants):
    alpha, bravo = tenants
    first = _setup(api, alpha)
    _setup(api, bravo)
    for n in range(51):
        made = api.post("/api/v1/jobs", headers=alpha.headers(), json={
            **JOB, "client": {"name": f"Bulk {n:02d}", "phone": "312-555-0188"},
            "scheduled_start": f"2026-03-{3 + n % 20:02d}T15:00:00Z", "scheduled_end": None})
        assert made.status_code == 201, made.text
    window = {"from": "2026-03-01", "to": "2026-03-31"}
    page = api.get("/api/v1/jobs", params=window, headers=alpha.headers()).json()
    assert len(page["items"]) == 50 and page["next_cursor"]
    rest = api.get("/api/v1/jobs", params={**window, "after": page["next_cursor"]},
                   headers=alpha.headers()).json()
    ids = [j["id"] for j in page["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 52 and rest["next_cursor"] is None
    found = api.get("/api/v1/jobs", params={"q": "212-555-0142"}, headers=alpha.headers())
    assert [j["id"] for j in found.json()["items"]] == [first["id"]]
    by_number = api.get("/api/v1/jobs", params={"q": "#1"}, headers=bravo.headers()).json()
    assert [j["number"] for j in by_number["items"]] == [1]
    assert by_number["items"][0]["id"] != first["id"]
    tech = first["technician_id"]
    mine = api.get("/api/v1/jobs", params={**window, "technician_id": tech},
                   headers=alpha.headers()).json()["items"]
    assert [j["id"] for j in mine] == [first["id"]]
    foreign = api.get("/api/v1/jobs", params={**window, "technician_id": tech},
                      headers=bravo.headers()).json()["items"]
    assert foreign == []
    unknown = api.get("/api/v1/jobs", params={"colour": "red"}, headers=alpha.headers())
    assert unknown.status_code == 422 and "colour" in unknown.json()["message"]
