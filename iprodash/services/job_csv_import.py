"""Import clients or jobs from a CSV file: preview first, then all or nothing.

:func:`preview_import` parses and checks every row without writing and
reports each bad row with its line number. :func:`run_import` repeats the
whole check (a preview is never trusted) and, only when every row is good,
inserts everything in one transaction with ``insert_many`` batches:
clients, jobs (numbers reserved as one block) and their rollups.

A client is identified by its phone: a clients file may not repeat a phone
or reuse one already on file; a jobs file reuses the existing client with
that phone (or the first row that brought it). A job's ``created`` time
defaults to its scheduled start, else its close time, so historical jobs
land on their own days in the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from iprodash.domain.errors import DomainError, ValidationError
from iprodash.domain.money import format_money
from iprodash.domain.phones import display_phone
from iprodash.domain.words import pluralize
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.counters import CounterRepository
from iprodash.repositories.event_cache import bump_stamp
from iprodash.repositories.job_csv import BulkJobWriter
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.rollups import STAMP as ROLLUPS_STAMP
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit, rollups
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.job_documents import (build_client_document, build_job_document,
                                             snapshot_rates)
from iprodash.services.job_import_rows import (CLIENTS, IMPORT_KINDS, ClientSpec, ImportContext,
                                               JobSpec, RowError, parse_client_row,
                                               parse_job_row, phone_key, read_rows)
from iprodash.services.plan_access import require_writable

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
SAMPLE_ROWS = 10
IMPORT_REASON = "Imported from CSV"


@dataclass
class ImportPlan:
    """A checked file: its rows, problems, and what importing it would write."""

    kind: str
    rows: int
    columns: list[str]
    sample: list[list[str]]
    errors: list[RowError] = field(default_factory=list)
    new_clients: list[ClientSpec] = field(default_factory=list)
    reused_clients: dict[str, dict] = field(default_factory=dict)
    jobs: list[JobSpec] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        """e.g. "120 jobs (15 closed, $4,210.00), 80 new clients, 40 existing clients"."""
        if self.kind == CLIENTS:
            return pluralize(len(self.new_clients), "new client")
        closed = [job for job in self.jobs if job.status == "closed"]
        gross = sum(p.amount_cents for job in closed for p in job.payments)
        return (f"{pluralize(len(self.jobs), 'job')} ({len(closed)} closed, "
                f"{format_money(gross)}), {pluralize(len(self.new_clients), 'new client')}, "
                f"{pluralize(len(self.reused_clients), 'existing client')}")


def _context(db: Database, actor: Actor) -> ImportContext:
    return ImportContext(
        company=CompanyRepository(db).by_id(actor.company_id),
        zone=rollups.company_zone(db, actor.company_id),
        technicians=TechnicianRepository(db, actor.company_id).page(after=None, limit=1000),
        sources=LeadSourceRepository(db, actor.company_id).page(after=None, limit=1000))


def _resolve_clients(plan: ImportPlan, specs: list, writer: BulkJobWriter) -> None:
    """Split clients into new and existing ones; in a clients file a repeat is an error."""
    clients = [spec if plan.kind == CLIENTS else spec.client for spec in specs]
    existing = writer.clients_by_digits(sorted({phone_key(c) for c in clients}))
    seen: dict[str, int] = {}
    for client in clients:
        key = phone_key(client)
        if plan.kind == CLIENTS and key in existing:
            plan.errors.append(RowError(client.line, "A client with phone "
                                                     f"{display_phone(client.phone)} "
                                                     "already exists."))
        elif plan.kind == CLIENTS and key in seen:
            plan.errors.append(RowError(client.line, f"Phone {display_phone(client.phone)} "
                                                     "is also on line "
                                                     f"{seen[key]}."))
        elif key in existing:
            plan.reused_clients[key] = existing[key]
        elif key not in seen:
            plan.new_clients.append(client)
        seen.setdefault(key, client.line)


def _check(db: Database, actor: Actor, kind: str, data: bytes) -> ImportPlan:
    if kind not in IMPORT_KINDS:
        raise ValidationError("Choose what the file holds: clients or jobs.", field="kind")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB. "
                              "Split it into smaller files.", field="file")
    columns, rows = read_rows(data, kind, max_rows=MAX_IMPORT_ROWS)
    plan = ImportPlan(kind=kind, rows=len(rows), columns=columns,
                      sample=[[values.get(c, "") for c in columns] for _, values in
                              rows[:SAMPLE_ROWS]])
    context = _context(db, actor)
    parse = parse_client_row if kind == CLIENTS else parse_job_row
    specs = []
    for line, values in rows:
        try:
            specs.append(parse(context, line, values))
        except DomainError as exc:
            plan.errors.append(RowError(line, exc.message))
    _resolve_clients(plan, specs, BulkJobWriter(db, actor.company_id))
    plan.errors.sort(key=lambda error: error.line)
    plan.jobs = specs if kind != CLIENTS else []
    return plan


def preview_import(*, db: Database, actor: Actor, kind: str, data: bytes) -> ImportPlan:
    """Check a file and describe what importing it would do; nothing is written.

    Raises:
        PermissionDenied: not company staff.
        ValidationError: the file as a whole cannot be read (size, encoding,
            columns); problems of single rows are listed in ``errors``.
    """
    actor = require_company_actor(actor)  # a preview writes nothing: read-only plans may check
    return _check(db, actor, kind, data)


def _job_documents(db: Database, actor: Actor, plan: ImportPlan, clients: dict[str, dict],
                   first_number: int) -> list[dict]:
    context = _context(db, actor)
    now = utcnow()
    docs = []
    for offset, job in enumerate(plan.jobs):
        rates = snapshot_rates(company=context.company, technician=job.technician,
                               source=job.source) if job.status == "closed" else None
        docs.append(build_job_document(
            number=first_number + offset, client=clients[phone_key(job.client)],
            address=job.client.address, job_type=job.job_type, description=job.description,
            notes=job.notes, scheduled_start=job.scheduled_start,
            scheduled_end=job.scheduled_end,
            technician_id=job.technician["_id"] if job.technician else None,
            lead_source_id=job.source["_id"] if job.source else None, status=job.status,
            created_at=job.created_at or now, by_id=actor.user_id, by_name=actor.name,
            reason=IMPORT_REASON, payments=job.payments, parts=job.parts, rates=rates,
            closed_at=job.closed_at, zone=context.zone))
    return docs


def run_import(*, db: Database, actor: Actor, kind: str, data: bytes) -> str:
    """Check the file again and import it whole, or not at all.

    Returns:
        A sentence saying what was imported.

    Raises:
        PermissionDenied: not company staff.
        ValidationError: any row has a problem (the message names the first
            lines); nothing is written.
    """
    actor = require_company_actor(actor)
    require_writable(db, actor=actor)
    plan = _check(db, actor, kind, data)
    if not plan.ok:
        first = "; ".join(str(error) for error in plan.errors[:3])
        more = f" (and {len(plan.errors) - 3} more)" if len(plan.errors) > 3 else ""
        raise ValidationError(f"Nothing was imported. Fix these rows first: {first}{more}.",
                              field="file")
    now = utcnow()
    new_docs = [build_client_document(name=c.name, phone=c.phone, email=c.email,
                                      address=c.address, now=now) for c in plan.new_clients]
    clients = {**plan.reused_clients, **{doc["phone_digits"]: doc for doc in new_docs}}
    writer = BulkJobWriter(db, actor.company_id)
    with db.client.start_session() as session, session.start_transaction():
        jobs = []
        if plan.jobs:
            first = CounterRepository(db, actor.company_id).reserve(len(plan.jobs))
            jobs = _job_documents(db, actor, plan, clients, first)
        writer.insert(clients=new_docs, jobs=jobs, session=session)
        if jobs:
            rollups.record_many(db, company_id=actor.company_id, jobs=jobs, session=session)
    # Cached list pages, counts and sums read while the import was uncommitted go.
    bump_stamp(db, actor.company_id, "jobs_stamp", ROLLUPS_STAMP)
    audit.record(db, actor=actor, action=f"{kind}.imported", target_type=kind.rstrip("s"),
                 after={"rows": plan.rows, "summary": plan.summary})
    return f"Imported {plan.summary}."
