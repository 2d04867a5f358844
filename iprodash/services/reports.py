"""PDF reports: make one, list them, download one, email one.

Receipts are for any company staff; settlement statements, profit and loss
and lead source reports need the financial view (company-admins, and users
granted ``view_financials``). A report is rendered off the event loop by
the caller (a background event or the scheduler), stored in GridFS with who
made it, when and for what, and downloaded through an access-checked route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.domain.validation import validate_email
from iprodash.integrations.pdf import render_pdf
from iprodash.repositories.base import utcnow
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.reports import ReportFiles
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit, report_data
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.notifications import enqueue_email
from iprodash.services.report_builders import (
    FINANCIAL_KINDS, KIND_LABELS, LEAD_SOURCES, PROFIT_LOSS, RECEIPT, REPORT_ATTACHMENT,
    SETTLEMENT, ReportRequest, build_report)
from iprodash.services.company_time import company_today, company_zone

__all__ = ["DOWNLOAD_PATH", "KIND_LABELS", "LEAD_SOURCES", "PROFIT_LOSS", "RECEIPT", "SETTLEMENT",
           "ReportChoices", "ReportDownload", "ReportRow", "email_report", "generate_report",
           "list_reports", "may_see", "open_report_download", "render_and_store",
           "report_choices"]
DOWNLOAD_PATH = "/api/reports/{report_id}/download"
PAGE_SIZE = 20
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ReportRow:
    """One stored report as the reports page lists it."""

    id: str
    kind: str
    kind_label: str
    title: str
    made_by: str
    made_at: str
    pages: int
    size: str
    download_url: str


@dataclass(frozen=True)
class ReportDownload:
    filename: str
    size: int
    stream: BinaryIO


def may_see(actor: Actor, kind: str) -> bool:
    """Receipts: any company staff; the rest: the financial view."""
    return kind == RECEIPT or actor.can_see_financials


def _require_kind(actor: Actor | None, kind: str) -> Actor:
    actor = require_company_actor(actor)
    if kind not in KIND_LABELS:
        raise ValidationError("Pick a report.", field="kind")
    if not may_see(actor, kind):
        raise PermissionDenied("This report needs the 'view financials' permission.")
    return actor


def _row(doc: dict) -> ReportRow:
    meta = doc.get("metadata") or {}
    return ReportRow(
        id=str(doc["_id"]), kind=meta.get("kind", ""),
        kind_label=KIND_LABELS.get(meta.get("kind", ""), "Report"), title=meta.get("title", ""),
        made_by=meta.get("made_by_name", ""), made_at=meta.get("made_at_text", ""),
        pages=int(meta.get("pages", 0)), size=f"{max(doc.get('length', 0), 1) / 1024:,.0f} KB",
        download_url=DOWNLOAD_PATH.format(report_id=doc["_id"]))


def render_and_store(db: Database, *, company_id: ObjectId, request: ReportRequest,
                     made_by_id: ObjectId | None, made_by_name: str, source: str = "manual",
                     delivery_key: str = "", on_progress: Progress | None = None) -> dict:
    """Gather, render and store one report; returns its GridFS file document.

    Callers check access first; the scheduler calls this for subscriptions.
    """
    progress = on_progress or (lambda percent, stage: None)
    made_at = utcnow()
    made_at_text = made_at.astimezone(company_zone(db, company_id)).strftime("%b %-d, %Y %H:%M")
    progress(10, "Collecting the figures")
    built = build_report(db, company_id=company_id, request=request,
                         made_by=made_by_name, made_at_text=made_at_text)
    progress(30, "Laying out the pages")
    expected = max(built.estimated_pages, 1)
    pdf = render_pdf(built.html, on_page=lambda page: progress(
        min(30 + 55 * page // expected, 85), f"Laying out page {page} of about {expected}"))
    progress(90, "Saving the PDF")
    files = ReportFiles(db, company_id)
    file_id = files.save(filename=built.filename, data=pdf.data, metadata={
        "kind": request.kind, "title": built.title, "params": request.as_params(),
        "pages": pdf.pages, "made_by": made_by_id, "made_by_name": made_by_name,
        "made_at_text": made_at_text, "source": source, "delivery_key": delivery_key,
        **built.about})
    progress(100, "Ready")
    return files.get_file(file_id)


def generate_report(*, db: Database, actor: Actor | None, kind: str, start: str = "",
                    end: str = "", technician_id: str = "", source_id: str = "",
                    job: str = "", on_progress: Progress | None = None) -> ReportRow:
    """Make one report now (run it off the event loop: it takes seconds).

    Raises:
        PermissionDenied: the caller may not see this kind of report.
        ValidationError: a missing or wrong period, technician or job.
        NotFound: the job, technician or source is not in the caller's company.
    """
    # Not gated by the plan: a PDF is a read of the company's figures (like an
    # export), so a read-only company may still make one; storing the file
    # changes no company data.
    actor = _require_kind(actor, kind)
    request = ReportRequest.parse(kind=kind, start=start, end=end, technician_id=technician_id,
                                  source_id=source_id, job=job)
    doc = render_and_store(db, company_id=actor.company_id, request=request,
                           made_by_id=actor.user_id, made_by_name=actor.name,
                           on_progress=on_progress)
    audit.record(db, actor=actor, action="report.generated", target_type="report",
                 target_id=doc["_id"], after={"kind": kind, "title": doc["metadata"]["title"],
                                              "params": request.as_params()})
    return _row(doc)


def list_reports(*, db: Database, actor: Actor | None,
                 before_id: str = "") -> tuple[list[ReportRow], bool]:
    """The company's stored reports the caller may open, newest first.

    Returns:
        (rows, has_more) for keyset paging with ``before_id``.
    """
    actor = require_company_actor(actor)
    kinds = None if actor.can_see_financials else [RECEIPT]
    docs = ReportFiles(db, actor.company_id).page(kinds=kinds, before_id=before_id or None,
                                                  limit=PAGE_SIZE + 1)
    return [_row(doc) for doc in docs[:PAGE_SIZE]], len(docs) > PAGE_SIZE


def _stored_report(db: Database, actor: Actor | None, report_id: Any) -> tuple[Actor, dict]:
    actor = require_company_actor(actor)
    doc = ReportFiles(db, actor.company_id).get_file(report_id)
    if not may_see(actor, (doc.get("metadata") or {}).get("kind", "")):
        raise PermissionDenied("This report needs the 'view financials' permission.")
    return actor, doc


def open_report_download(*, db: Database, actor: Actor | None, report_id: Any) -> ReportDownload:
    """A stored report of the caller's company, if the caller may open it."""
    actor, doc = _stored_report(db, actor, report_id)
    stream = ReportFiles(db, actor.company_id).open(doc["_id"])
    return ReportDownload(filename=doc["filename"], size=int(doc.get("length", 0)), stream=stream)


def email_report(*, db: Database, actor: Actor | None, report_id: Any, to: str,
                 confirm_to: str) -> str:
    """Email a stored report as a PDF attachment to an address typed twice.

    Receipts may be sent by any staff member (to the client); financial
    reports only by a company-admin. The email goes through the outbox.

    Returns:
        The address it goes to.

    Raises:
        ValidationError: an invalid address, or the confirmation differs.
        Conflict: this report was already sent to this address.
    """
    # Not gated by the plan: sending a stored report is an export.
    actor, doc = _stored_report(db, actor, report_id)
    kind = doc["metadata"].get("kind", "")
    if kind in FINANCIAL_KINDS and actor.role != COMPANY_ADMIN:
        raise PermissionDenied("Only a company admin may email financial reports.")
    address = validate_email(to)
    if validate_email(confirm_to or "") != address:
        raise ValidationError("The two addresses differ. Type the address again to confirm.",
                              field="confirm_to")
    company = report_data.company_header(db, actor.company_id)
    queued = enqueue_email(
        db, company_id=actor.company_id, to=address, kind="report_pdf",
        idempotency_key=f"report-email:{doc['_id']}:{address}",
        attachments=[{**REPORT_ATTACHMENT, "file_id": doc["_id"], "filename": doc["filename"]}],
        title=doc["metadata"].get("title", "Report"), company=company.name, sender=actor.name)
    if not queued:
        raise Conflict(f"This report was already sent to {address}.")
    audit.record(db, actor=actor, action="report.emailed", target_type="report",
                 target_id=doc["_id"], after={"to": address, "title": doc["metadata"]["title"]})
    return address


@dataclass(frozen=True)
class ReportChoices:
    """What the reports form offers this caller, and its default period."""

    kinds: list[tuple[str, str]]
    technicians: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    default_start: str
    default_end: str


def _labelled(docs: list[dict]) -> list[tuple[str, str]]:
    return [(str(d["_id"]), d.get("name", "") + ("" if d.get("active", True) else " (inactive)"))
            for d in docs]


def report_choices(*, db: Database, actor: Actor | None) -> ReportChoices:
    """The kinds this caller may make, technicians and sources to pick from, this month."""
    actor = require_company_actor(actor)
    today = company_today(db, actor.company_id)
    kinds = [(kind, label) for kind, label in KIND_LABELS.items() if may_see(actor, kind)]
    technicians, sources = [], []
    if actor.can_see_financials:
        technicians = _labelled(TechnicianRepository(db, actor.company_id).page(after=None,
                                                                                limit=500))
        sources = _labelled(LeadSourceRepository(db, actor.company_id).page(after=None, limit=500))
    return ReportChoices(kinds=kinds, technicians=technicians, sources=sources,
                         default_start=today.replace(day=1).isoformat(),
                         default_end=today.isoformat())
