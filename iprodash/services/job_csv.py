"""CSV export of the filtered job list, with every finance column.

:func:`export_jobs_csv` checks the caller and the filters first (so a
refusal is an ordinary error with a status code), then returns a generator
that streams every matching row from one cursor. Money is written as plain
decimals ("1234.56") from the finance snapshot that
:func:`iprodash.domain.finance.compute_job_finance` produced at close.
Finance columns are included only for callers who may see financials.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta

from pymongo.database import Database

from iprodash.domain.dates import parse_day
from iprodash.domain.clock import days_bounds, local_now, local_today
from iprodash.domain.errors import ValidationError
from iprodash.domain.job_status import ALL_STATUSES, status_label
from iprodash.domain.phones import display_phone
from iprodash.domain.search_keys import normalize_query, query_terms, require_search_query
from iprodash.repositories.base import to_object_id
from iprodash.repositories.job_csv import JobExportReader
from iprodash.repositories.jobs import CLOSED_AT, OPEN, SCHEDULED_START, filter_key
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.job_queries import (DATE_FIELDS, DEFAULT_AHEAD, DEFAULT_BACK,
                                          JobListFilters)
from iprodash.services.company_time import company_zone

JOB_COLUMNS = ["number", "status", "created", "scheduled_start", "scheduled_end", "closed_day",
               "client_name", "client_phone", "client_email", "address", "city", "state", "zip",
               "job_type", "description", "technician", "lead_source", "payments", "parts",
               "closing_price"]
FINANCE_COLUMNS = ["gross", "card", "cc_fee", "parts_total", "parts_by_company",
                   "parts_by_technician", "net", "tech_commission", "source_commission",
                   "company_profit", "collected_by_technician", "settled"]
_FINANCE_FIELDS = {"parts_total": "parts"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_CHUNK = 200
_E164 = re.compile(r"^\+[0-9]{6,15}$")


def _day(text: str, label: str) -> date | None:
    if not text:
        return None
    return parse_day(text, message=f"The {label} date must look like 2025-03-31.", field=label)


def _id_or_none(text: str, what: str) -> str:
    if text in ("", "none"):
        return text
    return str(to_object_id(text, what))


def parse_export_filter(params: Mapping[str, str]) -> JobListFilters:
    """Read the job list's URL query: ``q, status, technician, source, date_field,
    from, to, order`` (see ``JobListFilters.as_params``), strictly: unlike the list,
    the export refuses what it cannot read, and leaves a missing window empty.

    Raises:
        ValidationError: an unknown status or date field, bad dates.
        NotFound: a technician or source id that cannot exist.
    """
    status = (params.get("status") or "").strip()
    if status and status != OPEN and status not in ALL_STATUSES:
        raise ValidationError("Choose a status from the list.", field="status")
    date_field = (params.get("date_field") or "scheduled").strip()
    if date_field not in DATE_FIELDS:
        raise ValidationError("Filter by scheduled date, closed date or unscheduled jobs.",
                              field="date_field")
    start, end = _day(params.get("from", ""), "from"), _day(params.get("to", ""), "to")
    if start and end and start > end:
        raise ValidationError("The start date must be on or before the end date.", field="to")
    return JobListFilters(
        status=status,
        technician=_id_or_none((params.get("technician") or "").strip(), "technician"),
        lead_source=_id_or_none((params.get("source") or "").strip(), "lead source"),
        date_field=date_field, start=start, end=end, search=(params.get("q") or "").strip()[:100],
        order="asc" if params.get("order") == "asc" else "desc")


def cents_text(cents: int | None) -> str:
    """12345 -> "123.45", -4000 -> "-40.00" (integers only); None -> ""."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{rest:02d}"


def _safe(text) -> str:
    """Text cells that a spreadsheet would run as a formula get a leading quote."""
    value = "" if text is None else str(text)
    if value.startswith(_FORMULA_START) and not _E164.match(value):
        return "'" + value
    return value


def _local(moment: datetime | None, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _job_row(job: dict, zone, techs: dict, sources: dict, with_finance: bool) -> list[str]:
    client, address = job.get("client") or {}, job.get("address") or {}
    payments = "; ".join(f"{p['method']} {cents_text(p['amount_cents'])} ({p['collected_by']})"
                         for p in job.get("payments") or [])
    parts = "; ".join(f"{p.get('description', '')} {cents_text(p['cost_cents'])} "
                      f"({p['paid_by']})" for p in job.get("parts") or [])
    row = [str(job.get("number", "")), status_label(job.get("status", "")),
           _local(job.get("created_at"), zone), _local(job.get("scheduled_start"), zone),
           _local(job.get("scheduled_end"), zone), job.get("closed_day") or "",
           _safe(client.get("name")), _safe(display_phone(client.get("phone"))),
           _safe(client.get("email")),
           _safe(address.get("line")), _safe(address.get("city")), _safe(address.get("state")),
           _safe(address.get("zip")), _safe(job.get("job_type")), _safe(job.get("description")),
           _safe(techs.get(job.get("technician_id"), "")),
           _safe(sources.get(job.get("lead_source_id"), "")), _safe(payments), _safe(parts),
           cents_text(job.get("closing_price_cents"))]
    if with_finance:
        finance = job.get("finance") or {}
        row += [cents_text(finance.get(_FINANCE_FIELDS.get(name, name))) if finance else ""
                for name in FINANCE_COLUMNS[:-1]]
        row.append("yes" if job.get("settlement_id") else "no")
    return row


def _names(repo) -> dict:
    docs = repo.page(after=None, limit=1000)
    return {doc["_id"]: doc.get("name", "") for doc in docs}


def _csv_chunks(rows: Iterator[list[str]], header: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _matching_jobs(reader: JobExportReader, filters: JobListFilters, zone,
                   now: datetime | None) -> Iterator[dict]:
    """The jobs the list shows for these filters: a search spans all dates, and a
    missing window is the list's default (last 30 days and the next 30)."""
    key = filter_key(status=filters.status, technician=filters.technician,
                     lead_source=filters.lead_source)
    query = normalize_query(filters.search)
    if query:
        number = int(query[1:]) if query.startswith("#") else \
            int(query) if query.isdigit() and len(query) < 7 else None
        terms = [] if query.startswith("#") else \
            [query] if query.isdigit() else query_terms(filters.search)
        return reader.searched(filter_key=key, terms=terms, number=number)
    if filters.date_field == "unscheduled":
        return reader.unscheduled(filter_key=key)
    today = local_today(zone, now)
    first = filters.start or (filters.end or today) - timedelta(days=DEFAULT_BACK)
    last = filters.end or max(first, today) + timedelta(days=DEFAULT_AHEAD)
    start, end = days_bounds(first, last, zone)
    return reader.in_window(
        filter_key=key, field=CLOSED_AT if filters.date_field == "closed" else SCHEDULED_START,
        start=start, end=end, descending=filters.order != "asc")


def export_jobs_csv(*, db: Database, actor: Actor, filters: JobListFilters,
                    now: datetime | None = None) -> tuple[str, Iterator[str]]:
    """Check the caller, then stream the matching jobs as CSV text.

    ``now`` pins the clock (tests): the default window and the file name's
    stamp are taken on the company's wall clock at that instant.

    Returns:
        ``(file name, generator of CSV text chunks)``.

    Raises:
        PermissionDenied: not company staff.
        ValidationError: a search of 1-character words ("Type at least 2 letters ...").
    """
    actor = require_company_actor(actor)
    require_search_query(filters.search, job_numbers=True)
    zone = company_zone(db, actor.company_id)
    jobs = _matching_jobs(JobExportReader(db, actor.company_id), filters, zone, now)
    techs = _names(TechnicianRepository(db, actor.company_id))
    sources = _names(LeadSourceRepository(db, actor.company_id))
    with_finance = actor.can_see_financials
    audit.record(db, actor=actor, action="jobs.exported", target_type="job",
                 after={"filters": {k: str(v) for k, v in filters.__dict__.items() if v},
                        "finance_columns": with_finance})
    header = JOB_COLUMNS + (FINANCE_COLUMNS if with_finance else [])
    rows = (_job_row(job, zone, techs, sources, with_finance) for job in jobs)
    stamp = local_now(zone, now).strftime("%Y%m%d-%H%M")
    return f"jobs-{stamp}.csv", _csv_chunks(rows, header)


def export_choices(*, db: Database, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """``(id, name)`` of technicians and lead sources for the export filters."""
    actor = require_company_actor(actor)
    return {"technicians": [(str(k), v) for k, v in
                            _names(TechnicianRepository(db, actor.company_id)).items()],
            "sources": [(str(k), v) for k, v in
                        _names(LeadSourceRepository(db, actor.company_id)).items()]}
