"""Out-of-range dates sent to /api/v1 are refused with a sentence, never a 500
(issue 14, point 7): the list's ``from``/``to``, and a job's time window on
create and update. The range is the one date reader's: 2000-01-01 to 2100-12-31."""

from __future__ import annotations

import pytest

JOB = {"client": {"name": "Ann Lee", "phone": "212-555-0142"},
       "address": {"line": "1 Oak Ave"}, "job_type": "Lockout"}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_job_list_refuses_a_day_out_of_range(api, tenants, day):
    headers = tenants[0].headers()
    answer = api.get("/api/v1/jobs", headers=headers, params={"from": day, "to": day})
    assert answer.status_code == 422, answer.text
    assert "2000" in answer.text and "2100" in answer.text


def test_job_list_keeps_answering_inside_the_range(api, tenants):
    headers = tenants[0].headers()
    answer = api.get("/api/v1/jobs", headers=headers,
                     params={"from": "2000-01-01", "to": "2100-12-31"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:00:00Z",
                                    "9999-12-31T23:59:59-12:00", "1999-06-01T09:00:00Z"])
def test_job_window_out_of_range_is_refused_and_nothing_is_stored(api, tenants, db, moment):
    headers = tenants[0].headers()
    company_id = tenants[0].company["_id"]
    created = api.post("/api/v1/jobs", headers=headers, json={
        **JOB, "scheduled_start": moment})
    assert created.status_code == 422, created.text
    assert db["jobs"].count_documents({"company_id": company_id}) == 0
    job = api.post("/api/v1/jobs", headers=headers, json=JOB).json()
    changed = api.patch(f"/api/v1/jobs/{job['id']}", headers=headers,
                        json={"scheduled_start": moment})
    assert changed.status_code == 422, changed.text
    assert db["jobs"].find_one({"company_id": company_id})["scheduled_start"] is None


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_job_list_cursor_with_an_extreme_moment_is_not_a_server_error(api, tenants, moment):
    headers = tenants[0].headers()
    answer = api.get("/api/v1/jobs", headers=headers,
                     params={"after": f"{moment}|{'0' * 24}"})
    assert answer.status_code in (200, 422), answer.text
