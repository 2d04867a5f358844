"""The profit dashboard: figures for a period, summed from the rollups.

Every figure is a Mongo ``$group`` over ``rollup_totals`` (see
:mod:`iprodash.repositories.rollups`): ``day`` documents for the tiles and
the time series, and for the breakdowns ``month_*`` documents for whole
calendar months plus ``day_*`` documents for the days at either end. A year
therefore reads about a thousand small documents, never the jobs.

Definitions (DATA_MODEL.md): "jobs closed" counts closings on their close
day; close rate and cancel rate are shares of the jobs *booked* in the
period that are now closed / canceled; average ticket is gross / jobs
closed; a lead source's ROI is company profit / what the source was paid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pymongo.database import Database

from iprodash.domain.dates import parse_day
from iprodash.domain.errors import ValidationError
from iprodash.domain.money import round_half_up
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.rollups import ALL_FIELDS, RollupRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.company_time import company_today

PERIODS = {"today": "Today", "this_week": "This week", "this_month": "This month",
           "last_month": "Last month", "last_12_months": "Last 12 months",
           "this_year": "This year", "custom": "Custom dates"}
MAX_PERIOD_DAYS = 3 * 366
WEEKLY_AFTER_DAYS = 62
UNASSIGNED = "Unassigned"
NO_SOURCE = "No source"
REMOVED = "(removed)"
_BREAKDOWN_FIELDS = ("closed", "gross", "net", "company_profit", "source_commission")


@dataclass(frozen=True)
class Period:
    """An inclusive range of company-local days."""

    kind: str
    first: date
    last: date

    @property
    def length_days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        """e.g. "Mar 1, 2025 - Mar 31, 2025"."""
        if self.first == self.last:
            return f"{self.first:%b} {self.first.day}, {self.first.year}"
        return (f"{self.first:%b} {self.first.day}, {self.first.year} - "
                f"{self.last:%b} {self.last.day}, {self.last.year}")

    def days(self) -> list[str]:
        return [(self.first + timedelta(days=n)).isoformat() for n in range(self.length_days)]

    def week_starts(self) -> list[str]:
        """Mondays of the weeks the period touches."""
        monday = self.first - timedelta(days=self.first.weekday())
        return [(monday + timedelta(weeks=n)).isoformat()
                for n in range((self.last - monday).days // 7 + 1)]


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _parse_day(text: str, label: str) -> date:
    return parse_day(text, message=f"Choose the {label} date.", field=label)


def resolve_period(kind: str, *, today: date, start: str = "", end: str = "") -> Period:
    """Turn a period choice into days, relative to ``today`` (company time zone).

    Weeks start on Monday; "this month" and "this year" are the whole
    calendar month and year; "last month" and "last 12 months" are the
    complete calendar months before this one, so "last 12 months" never
    repeats "this year" (in December it is December to November) and reads
    only the monthly rollups, fast over a year.

    Raises:
        ValidationError: unknown kind, or custom dates missing, reversed or
            more than three years apart.
    """
    if kind == "today":
        return Period(kind, today, today)
    if kind == "this_week":
        monday = today - timedelta(days=today.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == "this_month":
        return Period(kind, _month_start(today), _month_start(today, -1) - timedelta(days=1))
    if kind == "last_month":
        return Period(kind, _month_start(today, 1), _month_start(today) - timedelta(days=1))
    if kind == "last_12_months":
        return Period(kind, _month_start(today, 12), _month_start(today) - timedelta(days=1))
    if kind == "this_year":
        return Period(kind, date(today.year, 1, 1), date(today.year, 12, 31))
    if kind != "custom":
        raise ValidationError("Choose a period from the list.", field="period")
    first, last = _parse_day(start, "start"), _parse_day(end, "end")
    if first > last:
        raise ValidationError("The start date must be on or before the end date.", field="end")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise ValidationError("Choose a period of at most three years.", field="end")
    return Period(kind, first, last)


def month_split(first: date, last: date) -> tuple[tuple[str, str] | None,
                                                  list[tuple[date, date]]]:
    """Split [first, last] into whole calendar months and the days around them.

    Returns:
        ``(("YYYY-MM", "YYYY-MM") or None, [(first_day, last_day), ...])``.
    """
    start = first if first.day == 1 else _month_start(first, -1)
    end = _month_start(last + timedelta(days=1)) - timedelta(days=1)
    if start > end:
        return None, [(first, last)]
    edges = [(first, start - timedelta(days=1)), (end + timedelta(days=1), last)]
    return ((start.isoformat()[:7], end.isoformat()[:7]),
            [(a, b) for a, b in edges if a <= b])


@dataclass(frozen=True)
class SeriesPoint:
    """One day or week of the profit-over-time chart (cents)."""

    label: str
    gross: int
    company_profit: int
    closed: int


@dataclass(frozen=True)
class BreakdownRow:
    """One technician or lead source over the period (cents; ROI in bp or None)."""

    name: str
    closed: int
    gross: int
    net: int
    company_profit: int
    source_commission: int
    roi_bp: int | None = None


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows; money fields are 0 without financials."""

    period: Period
    financial: bool
    created: int
    closed: int
    canceled: int
    open: int
    close_rate_bp: int | None
    cancel_rate_bp: int | None
    gross: int = 0
    net: int = 0
    company_profit: int = 0
    average_ticket: int = 0
    weekly: bool = False
    series: list[SeriesPoint] = field(default_factory=list)
    by_technician: list[BreakdownRow] = field(default_factory=list)
    by_source: list[BreakdownRow] = field(default_factory=list)


def _rate_bp(part: int, whole: int) -> int | None:
    return round_half_up(part * 10_000, whole) if whole > 0 else None


def _day_rows(repo: RollupRepository, period: Period, weekly: bool) -> list[dict]:
    """The period's ``day`` rollups summed per day (or per week): one aggregation
    feeds both the tiles and the chart."""
    return repo.sum_totals(grain="day", first=period.first.isoformat(),
                           last=period.last.isoformat(), group_by="$week" if weekly else "$key")


def _series(rows: list[dict], period: Period, weekly: bool) -> list[SeriesPoint]:
    by_label = {row["_id"]: row for row in rows}
    labels = period.week_starts() if weekly else period.days()
    return [SeriesPoint(label, int(by_label.get(label, {}).get("gross", 0)),
                        int(by_label.get(label, {}).get("company_profit", 0)),
                        int(by_label.get(label, {}).get("closed", 0))) for label in labels]


def _breakdown(repo: RollupRepository, period: Period, kind: str) -> dict:
    """Sums per technician (``kind="tech"``) or source, whole months + edge days."""
    group_by = "$technician_id" if kind == "tech" else "$lead_source_id"
    months, day_ranges = month_split(period.first, period.last)
    rows = []
    if months:
        rows += repo.sum_totals(grain=f"month_{kind}", first=months[0], last=months[1],
                                group_by=group_by, fields=_BREAKDOWN_FIELDS)
    for first, last in day_ranges:
        rows += repo.sum_totals(grain=f"day_{kind}", first=first.isoformat(),
                                last=last.isoformat(), group_by=group_by,
                                fields=_BREAKDOWN_FIELDS)
    merged: dict = defaultdict(lambda: dict.fromkeys(_BREAKDOWN_FIELDS, 0))
    for row in rows:
        for name in _BREAKDOWN_FIELDS:
            merged[row["_id"]][name] += int(row[name])
    return {key: sums for key, sums in merged.items() if any(sums.values())}


def _named_rows(sums: dict, lookup, none_label: str, with_roi: bool) -> list[BreakdownRow]:
    names = {key: doc.get("name", "") for key, doc in lookup.by_ids(list(sums)).items()}
    rows = [BreakdownRow(
        name=none_label if key is None else names.get(key, REMOVED), **values,
        roi_bp=_rate_bp(values["company_profit"], values["source_commission"])
        if with_roi else None) for key, values in sums.items()]
    return sorted(rows, key=lambda row: (-row.company_profit, row.name))


def load_dashboard(*, db: Database, actor: Actor, period: str = "this_month",
                   start: str = "", end: str = "", now: datetime | None = None) -> Dashboard:
    """The dashboard of the caller's company for a period.

    Args:
        db: the database.
        actor: a company admin or office user; money figures only for those
            who may see financials.
        period: a key of :data:`PERIODS` (``custom`` uses ``start`` and ``end``).
        start: first day (``YYYY-MM-DD``) of a custom period.
        end: last day of a custom period.
        now: the current time (tests); "today" is taken in the company time zone.

    Raises:
        PermissionDenied: not company staff.
        ValidationError: an unknown period or bad custom dates.
    """
    actor = require_company_actor(actor)
    today = company_today(db, actor.company_id, now)
    resolved = resolve_period(period, today=today, start=start, end=end)
    repo = RollupRepository(db, actor.company_id)
    weekly = resolved.length_days > WEEKLY_AFTER_DAYS
    rows = _day_rows(repo, resolved, weekly)
    sums = {name: sum(int(row[name]) for row in rows) for name in ALL_FIELDS}
    created, closed, canceled = (sums.get(k, 0) for k in ("created", "closed", "canceled"))
    cohort_closed = sums.get("created_closed", 0)
    counts = dict(period=resolved, financial=actor.can_see_financials, created=created,
                  closed=closed, canceled=canceled,
                  open=max(created - cohort_closed - canceled, 0),
                  close_rate_bp=_rate_bp(cohort_closed, created),
                  cancel_rate_bp=_rate_bp(canceled, created))
    if not actor.can_see_financials:
        return Dashboard(**counts)
    return Dashboard(
        **counts, gross=sums.get("gross", 0), net=sums.get("net", 0),
        company_profit=sums.get("company_profit", 0),
        average_ticket=round_half_up(sums.get("gross", 0), closed) if closed else 0,
        weekly=weekly, series=_series(rows, resolved, weekly),
        by_technician=_named_rows(_breakdown(repo, resolved, "tech"),
                                  TechnicianRepository(db, actor.company_id), UNASSIGNED,
                                  with_roi=False),
        by_source=_named_rows(_breakdown(repo, resolved, "source"),
                              LeadSourceRepository(db, actor.company_id), NO_SOURCE,
                              with_roi=True),
    )

