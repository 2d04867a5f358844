"""The figures of each report, gathered from indexed queries and rollups.

Money figures come from the jobs' finance snapshots (written at close by
:func:`iprodash.domain.finance.compute_job_finance`) and are added up with
the domain's own functions (:func:`summarize_settlement`), or from the
rollups, which are sums of the same snapshots. No figure is recomputed here
with a formula of its own. These builders do not check the caller: the
public services in :mod:`iprodash.services.reports` do that first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.dates import parse_day
from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import JobFinance, SettlementSummary, summarize_settlement
from iprodash.domain.money import round_half_up
from iprodash.domain.phones import display_phone
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.reports import ReportSources
from iprodash.repositories.rollups import RollupRepository
from iprodash.repositories.settlements import SettlementRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.rollups import company_zone, local_day

MAX_PERIOD_DAYS = 366
PL_FIELDS = ("closed", "gross", "cc_fee", "parts", "net", "tech_commission",
             "source_commission", "company_profit")
SOURCE_FIELDS = ("created", "created_closed", "canceled", "closed", "gross",
                 "source_commission", "company_profit")
NO_SOURCE = "No lead source"


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` to ``end`` (both included) in the company's time zone."""

    start: date
    end: date

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """Read two ``YYYY-MM-DD`` dates from a form.

        Raises:
            ValidationError: not dates, end before start, or longer than a year.
        """
        first = parse_day(start, message="Pick a start and an end date.", field="start")
        last = parse_day(end, message="Pick a start and an end date.", field="end")
        if last < first:
            raise ValidationError("The end date is before the start date.", field="end")
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise ValidationError("A report covers at most one year.", field="end")
        return cls(first, last)

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as UTC moments: local midnight to the midnight after ``end``."""
        return (datetime.combine(self.start, time(), zone),
                datetime.combine(self.end + timedelta(days=1), time(), zone))

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%b %-d, %Y}"
        return f"{self.start:%b %-d, %Y} to {self.end:%b %-d, %Y}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"


@dataclass(frozen=True)
class CompanyHeader:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class ReceiptData:
    company: CompanyHeader
    number: int
    closed_on: str
    client_name: str
    client_phone: str
    client_email: str
    address_lines: list[str]
    job_type: str
    description: str
    parts_used: list[str]
    payments_by_method: list[tuple[str, int]]
    total: int


@dataclass(frozen=True)
class SettlementLine:
    day: str
    number: int
    city: str
    finance: JobFinance
    settled: bool


@dataclass(frozen=True)
class PayoutLine:
    """A recorded (not voided) payout that holds some of the statement's jobs."""

    paid_day: str
    jobs: int
    balance: int
    amount: int
    method: str
    note: str


@dataclass(frozen=True)
class SettlementData:
    company: CompanyHeader
    technician: str
    period: Period
    lines: list[SettlementLine]
    summary: SettlementSummary
    payouts: list[PayoutLine] = field(default_factory=list)

    @property
    def open_summary(self) -> SettlementSummary:
        """The jobs of the statement that no payout holds yet."""
        return summarize_settlement(line.finance for line in self.lines if not line.settled)


@dataclass(frozen=True)
class Figures:
    """Summed rollup counters of one row (a week, a source or the total)."""

    label: str
    values: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return int(self.values.get(name, 0))


@dataclass(frozen=True)
class ProfitLossData:
    company: CompanyHeader
    period: Period
    weeks: list[Figures]
    total: Figures


@dataclass(frozen=True)
class LeadSourceData:
    company: CompanyHeader
    period: Period
    sources: list[Figures]
    total: Figures


def company_header(db: Database, company_id: ObjectId) -> CompanyHeader:
    company = CompanyRepository(db).by_id(company_id) or {}
    return CompanyHeader(name=company.get("name", ""), phone=display_phone(company.get("phone")),
                         email=company.get("admin_email", ""))


def percent_bp(part: int, whole: int) -> int | None:
    """``part / whole`` in basis points, half-up; None when ``whole`` is 0."""
    return round_half_up(part * 10_000, whole) if whole else None


def receipt_data(db: Database, company_id: ObjectId, job: dict) -> ReceiptData:
    """A closed job's receipt for the client (no internal figures on it).

    Raises:
        ValidationError: the job is not closed yet.
    """
    if job.get("status") != "closed" or not job.get("finance"):
        raise ValidationError("A receipt can be made once the job is closed.", field="job")
    by_method: dict[str, int] = {}
    for payment in job.get("payments") or []:
        by_method[payment["method"]] = by_method.get(payment["method"], 0) + payment["amount_cents"]
    address = job.get("address") or {}
    state_zip = " ".join(p for p in (address.get("state", ""), address.get("zip", "")) if p)
    city_line = ", ".join(p for p in (address.get("city", ""), state_zip) if p)
    client = job.get("client") or {}
    return ReceiptData(
        company=company_header(db, company_id), number=int(job.get("number") or 0),
        closed_on=job.get("closed_day") or local_day(job["closed_at"],
                                                     company_zone(db, company_id)),
        client_name=client.get("name", ""), client_phone=display_phone(client.get("phone")),
        client_email=client.get("email", ""),
        address_lines=[line for line in (address.get("line", ""), city_line) if line],
        job_type=job.get("job_type", ""), description=job.get("description", ""),
        parts_used=[p.get("description", "") for p in job.get("parts") or []
                    if p.get("description")],
        payments_by_method=sorted(by_method.items()),
        total=JobFinance.from_dict(job["finance"]).gross)


def settlement_data(db: Database, company_id: ObjectId, technician_id: Any,
                    period: Period) -> SettlementData:
    """A technician's closed jobs of ``period`` and what is owed, by close date."""
    sources = ReportSources(db, company_id)
    technician = TechnicianRepository(db, company_id).get(technician_id, "technician")
    zone = company_zone(db, company_id)
    start, end = period.utc_bounds(zone)
    jobs = [job for job in sources.closed_jobs_of_technician(technician["_id"], start, end)
            if job.get("finance")]
    lines = [SettlementLine(
        day=job.get("closed_day") or job["closed_at"].astimezone(zone).date().isoformat(),
        number=int(job.get("number") or 0), city=(job.get("address") or {}).get("city", ""),
        finance=JobFinance.from_dict(job["finance"]), settled=bool(job.get("settlement_id")))
        for job in jobs]
    return SettlementData(company=company_header(db, company_id),
                          technician=technician.get("name", ""), period=period, lines=lines,
                          summary=summarize_settlement(line.finance for line in lines),
                          payouts=_payouts_of(db, company_id, jobs, zone))


def _payouts_of(db: Database, company_id: ObjectId, jobs: list[dict],
                zone: ZoneInfo) -> list[PayoutLine]:
    """The payouts holding any of ``jobs``, oldest first (one query by ids)."""
    from iprodash.services.settlements import PAYOUT_METHODS

    ids = list({job["settlement_id"] for job in jobs if job.get("settlement_id")})
    if not ids:
        return []
    docs = SettlementRepository(db, company_id).find({"_id": {"$in": ids}, "voided_at": None},
                                                     projection={"job_ids": 0})
    return [PayoutLine(paid_day=doc["paid_at"].astimezone(zone).date().isoformat(),
                       jobs=int(doc["totals"]["jobs"]), balance=int(doc["totals"]["balance"]),
                       amount=int(doc.get("amount_cents") or 0),
                       method=PAYOUT_METHODS.get(doc.get("method", ""), "Not recorded"),
                       note=doc.get("note", ""))
            for doc in sorted(docs, key=lambda d: d["paid_at"])]


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def profit_loss_data(db: Database, company_id: ObjectId, period: Period) -> ProfitLossData:
    """Money of the jobs closed in ``period``, week by week (weeks start on Monday)."""
    days = RollupRepository(db, company_id).sum_totals(
        grain="day", first=period.start.isoformat(), last=period.end.isoformat(),
        group_by="$key", fields=PL_FIELDS)
    weeks: dict[date, dict[str, int]] = {}
    cursor = _week_start(period.start)
    while cursor <= period.end:
        weeks[cursor] = {name: 0 for name in PL_FIELDS}
        cursor += timedelta(days=7)
    for row in days:
        bucket = weeks[_week_start(date.fromisoformat(row["_id"]))]
        for name in PL_FIELDS:
            bucket[name] += int(row.get(name, 0))
    rows = [Figures(f"{max(start, period.start):%b %-d}", values)
            for start, values in weeks.items()]
    total = {name: sum(row[name] for row in rows) for name in PL_FIELDS}
    return ProfitLossData(company=company_header(db, company_id), period=period, weeks=rows,
                          total=Figures("Total", total))


def lead_source_data(db: Database, company_id: ObjectId, period: Period,
                     source_id: Any = None) -> LeadSourceData:
    """Per lead source: jobs booked in ``period`` and money of jobs closed in it."""
    repo = LeadSourceRepository(db, company_id)
    wanted = repo.get(source_id, "lead source")["_id"] if source_id else None  # or NotFound
    rows = RollupRepository(db, company_id).sum_totals(
        grain="day_source", first=period.start.isoformat(), last=period.end.isoformat(),
        group_by="$lead_source_id", fields=SOURCE_FIELDS)
    rows = [row for row in rows if (wanted is None or row["_id"] == wanted)
            and any(row.get(name) for name in SOURCE_FIELDS)]
    names = repo.by_ids([r["_id"] for r in rows if r["_id"]])
    figures = [Figures((names.get(row["_id"]) or {}).get("name", NO_SOURCE)
                       if row["_id"] else NO_SOURCE,
                       {name: int(row.get(name, 0)) for name in SOURCE_FIELDS})
               for row in rows]
    figures.sort(key=lambda f: (-f["gross"], f.label.lower()))
    total = {name: sum(f[name] for f in figures) for name in SOURCE_FIELDS}
    return LeadSourceData(company=company_header(db, company_id), period=period,
                          sources=figures, total=Figures("All sources", total))
