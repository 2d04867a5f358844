"""Right of access and portability: company and personal data exports.

A company-admin exports the whole company; any staff member exports their
own personal data; a technician asks the office, and a company-admin exports
that technician's personal data for them. The request is recorded at once; the ZIP is built in the
background (the page's background event, or the scheduler when that worker
went away), stored in GridFS and downloaded by its requester only, through
an access-checked link that expires.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied
from iprodash.domain.report_kinds import (COMPANY_EXPORT, EXPORT_KIND_LABELS, PERSONAL_EXPORT,
                                          TECHNICIAN_EXPORT)
from iprodash.domain.words import label, pluralize
from iprodash.repositories.base import utcnow
from iprodash.repositories.company_data import CompanyData
from iprodash.repositories.exports import ExportFiles, ExportQueue, ExportRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor, require_company_actor
from iprodash.services.privacy_archive import ExportArchive, safe_name
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
COMPANY, PERSONAL, TECHNICIAN = COMPANY_EXPORT, PERSONAL_EXPORT, TECHNICIAN_EXPORT
DOWNLOAD_PATH = "/api/exports/{export_id}/download"
_README = """iProDash data export ({kind}) of {company}, made {when} UTC.

Each collection is here twice: NAME.json (a JSON array, every field as
stored; ids as text, times in ISO 8601 UTC, money as integer cents) and
NAME.csv (the same records, nested fields as "a.b" columns, lists as JSON).
Files (photos, documents) are under files/, listed in files.json.
Password hashes and sign-in tokens are never exported.
"""


class ExportExpired(Conflict):
    """The download link ran out (HTTP 410 Gone)."""

    status_code = 410


@dataclass(frozen=True)
class ExportRow:
    id: str
    kind: str
    status: str
    stage: str
    percent: int
    created: str
    expires: str
    size: str
    download_url: str


def _request(db: Database, actor: Actor, kind: str, subject: Any = None) -> str:
    exports = ExportRepository(db, actor.company_id)
    if exports.active_for(actor.user_id, kind):
        raise Conflict("An export is already being prepared. Wait for it to finish.")
    if kind == PERSONAL:
        subject = actor.user_id
    export_id = exports.create(kind=kind, requested_by=actor.user_id, subject_id=subject)
    audit.record(db, actor=actor, action=f"export.{kind}_requested", target_type="export",
                 target_id=export_id, after={"technician_id": str(subject)} if subject and
                 kind == TECHNICIAN else None)
    return str(export_id)


def request_company_export(db: Database, *, actor: Actor) -> str:
    """Queue an export of everything the company owns (company-admin)."""
    return _request(db, require_company_actor(actor, COMPANY_ADMIN), COMPANY)


def request_personal_export(db: Database, *, actor: Actor) -> str:
    """Queue an export of the caller's own personal data."""
    return _request(db, require_company_actor(actor, COMPANY_ADMIN, USER), PERSONAL)


def request_technician_export(db: Database, *, actor: Actor, technician_id: str) -> str:
    """Queue a technician's personal export, asked for through the office (company-admin).

    Technicians have no account to ask with; the admin downloads the ZIP from
    the Privacy center and hands it over.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    technician = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
    if technician.get("deleted"):
        raise Conflict("This technician was deleted; nothing personal is left to export.")
    return _request(db, actor, TECHNICIAN, subject=technician["_id"])


def _row(doc: dict) -> ExportRow:
    progress = doc.get("progress") or {}
    ready = doc["status"] == "ready"
    total = progress.get("total") or 0
    percent = 100 if ready else (100 * progress.get("done", 0) // total if total else 0)
    return ExportRow(
        id=str(doc["_id"]), kind=label(EXPORT_KIND_LABELS, doc["kind"]), status=doc["status"],
        stage=doc.get("error") or progress.get("stage", ""), percent=min(percent, 100),
        created=doc["created_at"].strftime("%Y-%m-%d %H:%M"),
        expires=doc["expires_at"].strftime("%Y-%m-%d %H:%M") if doc.get("expires_at") else "",
        size=f"{doc.get('size', 0) / 1_048_576:.1f} MB" if ready else "",
        download_url=DOWNLOAD_PATH.format(export_id=doc["_id"]) if ready else "")


def list_my_exports(db: Database, *, actor: Actor) -> list[ExportRow]:
    """The caller's recent exports, newest first, with progress."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    return [_row(doc) for doc in ExportRepository(db, actor.company_id).recent_for(actor.user_id)]


def _personal_sources(user: dict) -> list[tuple[str, str, dict[str, Any]]]:
    """(name in the ZIP, collection, filter) of one person's data."""
    uid = user["_id"]
    return [("profile", "users", {"_id": uid}),
            ("sessions", "sessions", {"user_id": uid}),
            ("usage_log", "usage_log", {"user_id": uid}),
            ("audit_log_my_actions", "audit_log", {"actor_id": uid}),
            ("audit_log_about_me", "audit_log", {"target_id": str(uid)}),
            ("messages_to_me", "outbox", {"to": user.get("email", "")}),
            ("messages_i_sent", "outbox", {"$or": [{"sent_by": uid}, {"created_by": uid}]}),
            ("messages_i_sent_delivered", "sent_box",
             {"$or": [{"sent_by": uid}, {"created_by": uid}]}),
            ("support_tickets", "support_tickets", {"opened_by": uid}),
            ("my_exports", "exports", {"requested_by": uid})]


def _technician_sources(tech: dict) -> list[tuple[str, str, dict[str, Any]]]:
    """(name in the ZIP, collection, filter) of one technician's data."""
    tid = tech["_id"]
    contacts = [v for v in (tech.get("phone"), tech.get("email")) if v]
    return [("profile", "technicians", {"_id": tid}),
            ("sessions", "sessions", {"user_id": tid}),
            ("settlements", "settlements", {"technician_id": tid}),
            ("messages_to_me", "outbox", {"to": {"$in": contacts}}),
            ("texts_from_me", "sms_inbound", {"phone": tech.get("phone") or "-"}),
            ("sms_consent", "sms_consents", {"phone": tech.get("phone") or "-"}),
            ("audit_log_my_actions", "audit_log", {"actor_id": tid}),
            ("audit_log_about_me", "audit_log", {"target_id": str(tid)})]


def _write_archive(db: Database, job: dict, archive: ExportArchive, report) -> None:
    reader = CompanyData(db, job["company_id"])
    company = reader.company() or {}
    if job["kind"] == COMPANY:
        sources = [(name, name, {}) for name in reader.collections()]
        buckets = reader.file_buckets()
    elif job["kind"] == TECHNICIAN:
        tech = TechnicianRepository(db, job["company_id"]).find_one({"_id": job["subject_id"]})
        if tech is None or tech.get("deleted"):
            raise NotFound("The technician of this export no longer exists.")
        sources, buckets = _technician_sources(tech), []
    else:
        user = AccountLookup(db).by_id(job["subject_id"])
        if user is None or user.get("company_id") != job["company_id"]:
            raise NotFound("The person of this export no longer exists.")
        sources, buckets = _personal_sources(user), []
    total = len(sources) + 2
    archive.add_text("README.txt", _README.format(kind=job["kind"], company=company.get("name"),
                                                  when=utcnow().strftime("%Y-%m-%d %H:%M")))
    if job["kind"] == COMPANY:
        archive.add_records("company", [company])
    for done, (name, collection, extra) in enumerate(sources, start=1):
        report(done, total, f"Writing {name}")
        archive.add_records(name, reader.stream(collection, extra),
                            on_progress=lambda n, d=done, s=name: report(
                                d, total, f"Writing {s} ({pluralize(n, 'record')})"))
    report(total - 1, total, "Copying files")
    listing = []
    for bucket in buckets:
        for record in reader.files(bucket):
            path = f"files/{bucket}/{record['_id']}-{safe_name(record.get('filename', ''))}"
            archive.add_stream(path, reader.open_file(bucket, record["_id"]))
            listing.append({**record, "bucket": bucket, "path_in_zip": path})
    archive.add_records("files", listing)
    archive.add_text("manifest.json", _manifest_text(job, company, archive.counts))


def _manifest_text(job: dict, company: dict, counts: dict[str, int]) -> str:
    return json.dumps({"kind": job["kind"], "company": company.get("name"),
                       "company_id": str(job["company_id"]), "export_id": str(job["_id"]),
                       "created_at": utcnow().isoformat(), "records": counts}, indent=1)


def build_export(db: Database, *, export_id: Any) -> bool:
    """Build one export if nobody else is; True when this call finished it."""
    queue = ExportQueue(db)
    job = queue.claim(export_id)
    if job is None:
        return False

    def report(done: int, total: int, stage: str) -> None:
        queue.progress(job["_id"], done=done, total=total, stage=stage)

    archive = None
    try:
        with ExportArchive() as archive:
            _write_archive(db, job, archive, report)
        size = archive.path.stat().st_size
        name = f"iprodash-{job['kind']}-export-{utcnow():%Y%m%d-%H%M}.zip"
        with archive.path.open("rb") as source:
            file_id = ExportFiles(db).upload(filename=name, source=source,
                                             company_id=job["company_id"], export_id=job["_id"])
        hours = get_settings().export_link_hours
        queue.finish(job["_id"], file_id=file_id, size=size,
                     expires_at=utcnow() + timedelta(hours=hours))
        return True
    except Exception:  # noqa: BLE001 - a background build must record its failure
        log.exception("export %s failed", job["_id"])
        queue.fail(job["_id"], "The export could not be built. Start a new one.")
        return False
    finally:
        if archive is not None:
            archive.discard()


@dataclass(frozen=True)
class ExportDownload:
    filename: str
    size: int
    stream: Any


def open_download(db: Database, *, actor: Actor, export_id: str) -> ExportDownload:
    """The requester's finished export, checked for company, person, role and age."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    job = ExportRepository(db, actor.company_id).get(export_id, "export")
    if job["requested_by"] != actor.user_id:
        raise NotFound("That export does not exist.")
    if job["kind"] in (COMPANY, TECHNICIAN) and actor.role != COMPANY_ADMIN:
        raise PermissionDenied("Only a company admin can download this export.")
    expired = job.get("expires_at") and job["expires_at"] <= utcnow()
    if job["status"] == "expired" or (job["status"] == "ready" and expired):
        raise ExportExpired("This download link has expired. Start a new export.")
    if job["status"] != "ready":
        raise Conflict("This export is not ready yet.")
    stream = ExportFiles(db).open(job["file_id"])
    audit.record(db, actor=actor, action="export.downloaded", target_type="export",
                 target_id=job["_id"])
    return ExportDownload(filename=stream.filename, size=stream.length, stream=stream)


def build_waiting_exports(db: Database) -> dict[str, int]:
    """Scheduler task: build exports nobody is building (never raises per item)."""
    built = 0
    for export_id in ExportQueue(db).waiting_ids(older_than=utcnow() - timedelta(seconds=30)):
        built += bool(build_export(db, export_id=export_id))
    return {"exports_built": built}


def expire_exports(db: Database, *, now: datetime | None = None) -> int:
    """Delete the files of exports whose link expired; returns how many."""
    files = ExportFiles(db)
    expired = ExportQueue(db).expire_before(now or utcnow())
    for doc in expired:
        files.delete(doc.get("file_id"))
        audit.record(db, actor=None, action="retention.export_expired", target_type="export",
                     target_id=doc["_id"], company_id=doc["company_id"])
    return len(expired)
