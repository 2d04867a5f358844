"""A technician's own earnings for a period, when the company shows commissions.

The figures are the settlement service's: the same finance snapshots (taken
by ``compute_job_finance`` when a job closed) added up by
``summarize_settlement``, over the same window of company-local days. Every
read is scoped to the calling technician's id, so another technician's jobs
and the company's totals are never loaded. The company shows them only when
its ``show_tech_commission`` setting is on (the same one the technician's job
page uses for "You earn $X on this job").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pymongo.database import Database

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.domain.finance import SettlementSummary, summarize_settlement
from iprodash.domain.money import format_money
from iprodash.services import settlements
from iprodash.services.actor import Actor
from iprodash.services.dashboard import Period, resolve_period
from iprodash.services.company_time import company_today
from iprodash.services.technician_portal import require_technician, shows_commission

PERIODS = {"this_week": "This week", "last_week": "Last week", "this_month": "This month",
           "last_month": "Last month"}
PAGE_SIZE = 20
NOT_ALLOWED = ("Your company does not show technicians their earnings in the app. "
               "Ask your office for your statement.")


@dataclass(frozen=True)
class EarningsRow:
    """One of my closed jobs (cents); no client name, only the city."""

    id: str
    number: int
    closed_day: str
    city: str
    gross: int
    commission: int
    cursor: str


@dataclass(frozen=True)
class Earnings:
    """My figures for a period and one page of the jobs behind them.

    Attributes:
        period_label: e.g. "Mar 3, 2025 - Mar 9, 2025".
        summary: Totals of all my jobs closed in the period.
        settled_jobs: How many of them the office already paid out.
        unsettled_balance: The balance of the jobs not paid out yet.
        rows: One page of jobs, oldest close first.
        has_next: More jobs follow this page.
    """

    period_label: str
    summary: SettlementSummary
    settled_jobs: int
    unsettled_balance: int
    rows: list[EarningsRow]
    has_next: bool


def earnings_allowed(db: Database, *, actor: Actor) -> bool:
    """Whether the caller's company lets technicians see their commission.

    Raises:
        PermissionDenied: the caller is not a technician.
    """
    actor = require_technician(actor)
    return shows_commission(db, actor.company_id)


def resolve_my_period(kind: str, *, today: date) -> Period:
    """One of :data:`PERIODS` as company-local days (weeks start on Monday).

    Raises:
        ValidationError: not one of the technician's periods.
    """
    if kind not in PERIODS:
        raise ValidationError("Choose a period from the list.", field="period")
    if kind == "last_week":
        week = resolve_period("this_week", today=today - timedelta(days=7))
        return Period(kind, week.first, week.last)
    return resolve_period(kind, today=today)


def balance_sentence(balance: int) -> str:
    """Who owes whom, spoken to the technician."""
    if balance > 0:
        return f"The company owes you {format_money(balance)}."
    if balance < 0:
        return f"You owe the company {format_money(-balance)}."
    return "You and the company are even."


def my_earnings(db: Database, *, actor: Actor, period: str, after: str = "",
                now: datetime | None = None) -> Earnings:
    """The caller's closed jobs, commission and balance for a period.

    Args:
        db: The database.
        actor: A technician.
        period: A key of :data:`PERIODS`.
        after: The cursor of the previous page's last row ("" for the first page).
        now: The current time (tests); periods are taken in the company time zone.

    Raises:
        PermissionDenied: not a technician, or the company does not show earnings.
        ValidationError: an unknown period or a bad cursor.
    """
    actor = require_technician(actor)
    if not shows_commission(db, actor.company_id):
        raise PermissionDenied(NOT_ALLOWED)
    today = company_today(db, actor.company_id, now)
    resolved = resolve_my_period(period, today=today)
    start, end = settlements.period_bounds(db, actor.company_id, resolved)
    mine = settlements.summaries_in_window(db, company_id=actor.company_id, start=start,
                                           end=end, technician_id=actor.technician_id)
    summary = mine[0].summary if mine else summarize_settlement([])
    page = settlements.job_rows_in_window(db, company_id=actor.company_id, start=start, end=end,
                                          technician_id=actor.technician_id, after=after,
                                          limit=PAGE_SIZE + 1)
    rows = [EarningsRow(id=r.id, number=r.number, closed_day=r.closed_day, city=r.city,
                        gross=r.gross, commission=r.commission, cursor=r.cursor)
            for r in page[:PAGE_SIZE]]
    return Earnings(
        period_label=resolved.label, summary=summary,
        settled_jobs=summary.jobs - (mine[0].unsettled_jobs if mine else 0),
        unsettled_balance=mine[0].unsettled_balance if mine else 0,
        rows=rows, has_next=len(page) > PAGE_SIZE)
