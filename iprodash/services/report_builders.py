"""What to render for each kind of report: its request, data, title and file name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.report_kinds import (LEAD_SOURCES, PROFIT_LOSS, RECEIPT,  # noqa: F401
                                          REPORT_KIND_LABELS, SETTLEMENT)
from iprodash.repositories.base import to_object_id
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.reports import BUCKET, PDF_MIME
from iprodash.services import report_data
from iprodash.services.report_data import Period
from iprodash.services.report_templates import (Byline, render_lead_sources, render_profit_loss,
                                                render_receipt, render_settlement)
from iprodash.services.report_templates.receipt import receipt_title
from iprodash.services.report_templates.settlement import settlement_title

KIND_LABELS = REPORT_KIND_LABELS
FINANCIAL_KINDS = frozenset({SETTLEMENT, PROFIT_LOSS, LEAD_SOURCES})
REPORT_ATTACHMENT = {"bucket": BUCKET, "content_type": PDF_MIME}
_JOB_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


@dataclass(frozen=True)
class ReportRequest:
    """A validated request: the kind and what it is for."""

    kind: str
    period: Period | None = None
    technician_id: ObjectId | None = None
    source_id: ObjectId | None = None
    job: str = ""

    @classmethod
    def parse(cls, *, kind: str, start: str = "", end: str = "", technician_id: str = "",
              source_id: str = "", job: str = "") -> ReportRequest:
        """Check a form's values for ``kind`` before any work is done.

        Raises:
            ValidationError: unknown kind, no job, no technician or a bad period.
        """
        if kind not in KIND_LABELS:
            raise ValidationError("Pick a report.", field="kind")
        if kind == RECEIPT:
            job = (job or "").strip()
            if not job:
                raise ValidationError("Enter the job number for the receipt.", field="job")
            return cls(kind=kind, job=job[:40])
        period = Period.parse(start, end)
        if kind == SETTLEMENT:
            if not technician_id:
                raise ValidationError("Pick a technician.", field="technician_id")
            return cls(kind=kind, period=period,
                       technician_id=to_object_id(technician_id, "technician"))
        source = to_object_id(source_id, "lead source") if source_id else None
        return cls(kind=kind, period=period,
                   source_id=source if kind == LEAD_SOURCES else None)

    def as_params(self) -> dict:
        """What the report was made for, as stored with the file."""
        params = asdict(self)
        params["period"] = ({"start": self.period.start.isoformat(),
                             "end": self.period.end.isoformat()} if self.period else None)
        return params


LINES_PER_PAGE = 72  # ledger lines on a letter page (for progress estimates)


@dataclass(frozen=True)
class BuiltReport:
    title: str
    filename: str
    html: str
    estimated_pages: int = 1
    # Stored in the file's metadata: whom the PDF is about, so erasing a client
    # finds their receipts (``job_id``, ``client_id``).
    about: dict = field(default_factory=dict)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]


def safe_filename(*parts: str) -> str:
    """``settlement-tom-tech-2026-11-01-to-2026-11-30.pdf``: ASCII, no path characters."""
    slug = "-".join(filter(None, (_slug(p) for p in parts)))
    return f"{slug or 'report'}.pdf"


def _find_job(db: Database, company_id: ObjectId, job: str) -> dict:
    """A job by its number ("1042" or "#1042") or, failing that, by its id."""
    jobs = JobRepository(db, company_id)
    match = _JOB_NUMBER.match(job)
    if not match:
        return jobs.get(job, "job")
    found = jobs.by_number(int(match.group(1)))
    if found is None:
        raise ValidationError(f"There is no job #{match.group(1)}.", field="job")
    return found


def build_report(db: Database, *, company_id: ObjectId, request: ReportRequest,
                 made_by: str, made_at_text: str) -> BuiltReport:
    """Gather the figures and fill the template for ``request``."""
    byline = Byline(made_by=made_by, made_at=made_at_text)
    if request.kind == RECEIPT:
        job = _find_job(db, company_id, request.job)
        data = report_data.receipt_data(db, company_id, job)
        return BuiltReport(receipt_title(data.number),
                           safe_filename("receipt", f"job-{data.number}"),
                           render_receipt(data, byline),
                           about={"job_id": job["_id"], "client_id": job.get("client_id")})
    period = request.period
    if request.kind == SETTLEMENT:
        data = report_data.settlement_data(db, company_id, request.technician_id, period)
        return BuiltReport(f"{settlement_title(data.technician)}, {period.label}",
                           safe_filename("settlement", data.technician, period.slug),
                           render_settlement(data, byline),
                           estimated_pages=2 + len(data.lines) // LINES_PER_PAGE)
    if request.kind == PROFIT_LOSS:
        data = report_data.profit_loss_data(db, company_id, period)
        return BuiltReport(f"Profit and loss, {period.label}",
                           safe_filename("profit-and-loss", period.slug),
                           render_profit_loss(data, byline))
    data = report_data.lead_source_data(db, company_id, period, request.source_id)
    only = data.sources[0].label if request.source_id and data.sources else ""
    return BuiltReport(f"Lead sources{': ' + only if only else ''}, {period.label}",
                       safe_filename("lead-sources", only, period.slug),
                       render_lead_sources(data, byline))
