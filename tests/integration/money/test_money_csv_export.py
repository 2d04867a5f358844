"""CSV export through the access-checked HTTP route."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import EXAMPLE_1, EXAMPLE_2, utc
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.services import auth
from iprodash.services.job_csv import FINANCE_COLUMNS, JOB_COLUMNS
from tests.factories import PASSWORD

URL = "/api/jobs/export.csv"
MARCH = {"from": "2025-03-01", "to": "2025-03-31", "order": "asc"}


@pytest.fixture
def http(db):
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        yield client


def _get(http, db, user, **params):
    token = auth.login(db, email=user["email"], password=PASSWORD, ip="127.0.0.1")
    return http.get(URL, params=params, cookies={SESSION_COOKIE: token})


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.fixture
def jobs(money, other_money):
    tom, source = money.technician("Tom Tech"), money.source("Google Ads")
    money.closed_job(closed_at=utc(2025, 3, 10, 18), technician_id=tom, lead_source_id=source,
                     **EXAMPLE_1)
    money.closed_job(closed_at=utc(2025, 3, 11, 18), technician_id=tom, **EXAMPLE_2)
    money.job(created_at=utc(2025, 3, 12, 15))
    other_money.closed_job(closed_at=utc(2025, 3, 10, 18), **EXAMPLE_1)
    return {"tom": str(tom)}


def test_export_streams_every_job_of_the_callers_company_with_finance(http, money, jobs):
    response = _get(http, money.db, money.user(), **MARCH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = _rows(response)
    assert list(rows[0]) == JOB_COLUMNS + FINANCE_COLUMNS
    assert [row["number"] for row in rows] == ["1", "2", "3"]  # the other company's job is out
    first = rows[0]
    assert (first["gross"], first["cc_fee"], first["net"], first["tech_commission"],
            first["source_commission"], first["company_profit"]) == \
        ("400.00", "12.00", "338.00", "135.20", "33.80", "169.00")
    assert first["technician"] == "Tom Tech" and first["lead_source"] == "Google Ads"
    assert first["payments"] == "card 400.00 (company)" and first["settled"] == "no"
    assert rows[1]["tech_commission"] == "120.00" and rows[1]["collected_by_technician"] == "250.00"
    assert rows[2]["status"] == "New" and rows[2]["gross"] == ""


def test_export_applies_the_list_filters(http, money, jobs):
    user = money.user()
    closed = _rows(_get(http, money.db, user, status="closed", **MARCH))
    assert [row["number"] for row in closed] == ["1", "2"]
    latest_first = _rows(_get(http, money.db, user, **{**MARCH, "order": "desc"}))
    assert [row["number"] for row in latest_first] == ["3", "2", "1"]
    default_window = _rows(_get(http, money.db, user))  # the list's last 30 + next 30 days
    assert default_window == []
    by_day = _rows(_get(http, money.db, user, date_field="closed", **{"from": "2025-03-11",
                                                                      "to": "2025-03-11"}))
    assert [row["number"] for row in by_day] == ["2"]
    tom_card = _rows(_get(http, money.db, user, technician=jobs["tom"], q="#1"))
    assert [row["number"] for row in tom_card] == ["1"]  # a search spans all dates
    by_name = _rows(_get(http, money.db, user, q="client 2"))
    assert [row["number"] for row in by_name] == ["2"]


def test_export_without_financials_has_no_finance_columns(http, money, jobs):
    rows = _rows(_get(http, money.db, money.user(role="user"), **MARCH))
    assert list(rows[0]) == JOB_COLUMNS and len(rows) == 3


def test_export_refuses_without_a_session_and_bad_filters(http, money, jobs):
    assert http.get(URL).status_code == 401
    bad = _get(http, money.db, money.user(), status="lost")
    assert bad.status_code == 422 and "status" in bad.text
    other_tech = _get(http, money.db, money.user(), technician="nope")
    assert other_tech.status_code == 404


def test_text_that_looks_like_a_formula_is_neutralised(http, money):
    job = money.job(created_at=utc(2025, 3, 12, 15))
    money.db["jobs"].update_one({"_id": job["_id"]},
                                {"$set": {"client.name": "=HYPERLINK(\"http://x\")"}})
    rows = _rows(_get(http, money.db, money.user(), **MARCH))
    assert rows[0]["client_name"].startswith("'=") and rows[0]["client_phone"] == "(212) 555-0100"
