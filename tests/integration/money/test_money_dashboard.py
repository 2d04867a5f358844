"""Dashboard figures equal the finance function summed in Python over the jobs."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from conftest import EXAMPLE_1, NEW_YORK, MoneyData, utc

from iprodash.domain.errors import PermissionDenied
from iprodash.domain.finance import Part, Payment, Rates, compute_job_finance
from iprodash.services import rollups
from iprodash.services.dashboard import load_dashboard
from tests.factories import make_company

NOW = utc(2025, 4, 20, 16)


def _random_closing(rng: random.Random) -> dict:
    payments = [Payment(rng.choice(["cash", "card", "check", "zelle"]), rng.randint(1, 90000),
                        rng.choice(["technician", "company"])) for _ in range(rng.randint(1, 2))]
    parts = [Part("Cylinder", rng.randint(1, 15000), rng.choice(["technician", "company"]))
             for _ in range(rng.randint(0, 2))]
    kind = rng.choice(["percent", "fixed", "none"])
    rates = Rates(card_fee_bp=300, tech_commission_bp=rng.choice([3000, 3350, 5000]),
                  tech_job_fee_cents=rng.choice([0, 500]), source_kind=kind,
                  source_rate_bp=1000 if kind == "percent" else 0,
                  source_fixed_cents=2000 if kind == "fixed" else 0)
    return {"payments": payments, "parts": parts, "rates": rates}


@pytest.fixture(scope="module")
def shared(shared_db):
    """One company for the read-only tests of this module."""
    return MoneyData(shared_db, make_company(shared_db, name="Shared Locks"))


@pytest.fixture(scope="module")
def dataset(shared):
    """60 jobs over Jan-Apr 2025: closed (some reopened and reclosed), canceled, open."""
    money = shared
    rng = random.Random(4)
    techs = [money.technician(f"Tech {n}") for n in range(3)] + [None]
    sources = [money.source(f"Source {n}") for n in range(2)] + [None]
    jobs = []
    for _ in range(60):
        created = utc(2025, 1, 1, 12) + timedelta(hours=rng.randint(0, 24 * 105))
        job = money.job(created_at=created, technician_id=rng.choice(techs),
                        lead_source_id=rng.choice(sources))
        fate = rng.random()
        if fate < 0.6:
            closed_at = created + timedelta(hours=rng.randint(1, 72))
            job = money.close(job, closed_at=closed_at, **_random_closing(rng))
            if rng.random() < 0.2:
                rollups.record_reopened(money.db, job=job)
                job = money.close(job, closed_at=closed_at + timedelta(days=1),
                                  **_random_closing(rng))
        elif fate < 0.75:
            rollups.record_canceled(money.db, job=job)
            job = {**job, "status": "canceled"}
        jobs.append(job)
    return jobs


def _local_day(moment) -> date:
    return moment.astimezone(NEW_YORK).date()


def _expected(jobs, first: date, last: date) -> dict:
    closed = [j for j in jobs if j["status"] == "closed" and first <= _local_day(j["closed_at"])
              <= last]
    finances = [compute_job_finance(payments=[Payment.from_dict(p) for p in j["payments"]],
                                    parts=[Part.from_dict(p) for p in j["parts"]],
                                    rates=Rates.from_dict(j["rates"])) for j in closed]
    booked = [j for j in jobs if first <= _local_day(j["created_at"]) <= last]
    return {
        "closed": len(closed), "gross": sum(f.gross for f in finances),
        "net": sum(f.net for f in finances),
        "company_profit": sum(f.company_profit for f in finances),
        "created": len(booked), "canceled": sum(j["status"] == "canceled" for j in booked),
        "booked_closed": sum(j["status"] == "closed" for j in booked),
        "by_tech": {str(t): sum(f.company_profit for j, f in zip(closed, finances)
                                if j["technician_id"] == t)
                    for t in {j["technician_id"] for j in closed}},
        "by_source_paid": sum(f.source_commission for f in finances),
    }


@pytest.mark.parametrize("start, end", [("2025-01-01", "2025-04-30"),
                                        ("2025-01-17", "2025-03-09"),
                                        ("2025-02-01", "2025-02-28"),
                                        ("2025-03-10", "2025-03-16")])
def test_dashboard_matches_finance_summed_in_python(shared, dataset, start, end):
    money = shared
    board = load_dashboard(db=money.db, actor=money.actor(), period="custom", start=start,
                           end=end, now=NOW)
    want = _expected(dataset, date.fromisoformat(start), date.fromisoformat(end))
    assert (board.closed, board.gross, board.net, board.company_profit) == \
        (want["closed"], want["gross"], want["net"], want["company_profit"])
    assert (board.created, board.canceled) == (want["created"], want["canceled"])
    assert board.open == want["created"] - want["canceled"] - want["booked_closed"]
    assert sum(p.company_profit for p in board.series) == want["company_profit"]
    assert sum(r.company_profit for r in board.by_technician) == want["company_profit"]
    assert sum(r.company_profit for r in board.by_source) == want["company_profit"]
    assert sum(r.source_commission for r in board.by_source) == want["by_source_paid"]
    names = money.db["technicians"].find({"company_id": money.company_id})
    ids_by_name = {t["name"]: str(t["_id"]) for t in names}
    for row in board.by_technician:
        key = ids_by_name.get(row.name, "None")
        assert row.company_profit == want["by_tech"][key], row.name


def test_long_periods_are_charted_by_week(shared, dataset):
    money = shared
    board = load_dashboard(db=money.db, actor=money.actor(), period="custom",
                           start="2025-01-01", end="2025-04-30", now=NOW)
    assert board.weekly and board.series[0].label == "2024-12-30"
    month = load_dashboard(db=money.db, actor=money.actor(), period="last_month", now=NOW)
    assert not month.weekly and len(month.series) == 31
    assert month.period.first == date(2025, 3, 1)


def test_average_ticket_and_rates(money):
    tech = money.technician()
    money.closed_job(closed_at=utc(2025, 4, 2, 15), technician_id=tech, **EXAMPLE_1)
    money.closed_job(closed_at=utc(2025, 4, 3, 15), technician_id=tech,
                     payments=[Payment("cash", 10001, "company")], rates=Rates())
    canceled = money.job(created_at=utc(2025, 4, 4, 15))
    rollups.record_canceled(money.db, job=canceled)
    money.job(created_at=utc(2025, 4, 5, 15))
    board = load_dashboard(db=money.db, actor=money.actor(), period="this_month", now=NOW)
    assert board.average_ticket == 25001  # (400.00 + 100.01) / 2, half-up
    assert (board.created, board.closed, board.canceled, board.open) == (4, 2, 1, 1)
    assert board.close_rate_bp == 5000 and board.cancel_rate_bp == 2500


def test_users_without_financials_see_counts_only(money):
    tech, source = money.technician(), money.source()
    money.closed_job(closed_at=utc(2025, 4, 2, 15), technician_id=tech, lead_source_id=source,
                     **EXAMPLE_1)
    office = money.actor(role="user")
    board = load_dashboard(db=money.db, actor=office, period="this_month", now=NOW)
    assert board.closed == 1 and not board.financial
    assert (board.gross, board.company_profit, board.series, board.by_technician) == \
        (0, 0, [], [])
    trusted = money.actor(role="user", view_financials=True)
    assert load_dashboard(db=money.db, actor=trusted, period="this_month",
                          now=NOW).company_profit == 16900


def test_dashboard_is_for_company_staff_of_the_same_company(money, other_money):
    money.closed_job(closed_at=utc(2025, 4, 2, 15), **EXAMPLE_1)
    other = load_dashboard(db=money.db, actor=other_money.actor(), period="this_month", now=NOW)
    assert (other.closed, other.gross) == (0, 0)
    with pytest.raises(PermissionDenied):
        load_dashboard(db=money.db, actor=money.actor(role="technician"), period="today")
