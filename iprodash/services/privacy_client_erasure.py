"""Right to erasure for one client of a company.

The client record goes; their jobs stay (money, statistics, technician
settlements and rollups must keep adding up) but lose every personal field;
their messages, received texts, photos and queued texts go; an opt-out is
kept as the bare number so they are never texted again (TCPA); audit
entries about them lose their content and a ``privacy.redacted`` entry
vouches for that, so the chain still verifies.
"""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iprodash.domain.phones import phone_digits
from iprodash.domain.search_keys import search_keys_for
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.company_data import CompanyData
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable
from iprodash.services.privacy_deletion import record_redaction

ERASED_NAME = "Erased client"
# Documents that reference the client but must stay (money and history);
# jobs are anonymized, the rest of the company's collections lose the
# client's documents.
KEPT_WITH_CLIENT_ID = {"jobs", "clients", "audit_log", "settlements", "rollups",
                       "billing_events", "sms_consents"}
_MIN_NEEDLE = 4


def _needles(client: dict) -> list[str]:
    """Lower-cased texts that identify the client (long enough to be specific)."""
    address = client.get("address") or {}
    values = [client.get("name"), client.get("phone"), client.get("phone_digits"),
              phone_digits(client.get("phone") or ""), client.get("email"), address.get("line")]
    return sorted({str(v).strip().lower() for v in values
                   if v and len(str(v).strip()) >= _MIN_NEEDLE})


def _anonymous_job_fields(job: dict) -> dict[str, Any]:
    return {"client": {"name": ERASED_NAME, "phone": "", "phone_digits": "", "email": ""},
            "address": {}, "notes": "", "description": "",
            "search_keys": search_keys_for(job_number=job.get("number")),
            "client_erased_at": utcnow()}


def erase_client(db: Database, *, actor: Actor, client_id: str) -> dict[str, int]:
    """Erase a client's personal data across the company (company-admin).

    Returns:
        How many records of each kind were erased or anonymized.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    client = ClientRepository(db, actor.company_id).get(client_id, "client")
    data = CompanyData(db, actor.company_id)
    oid, phone, email = client["_id"], client.get("phone") or "", client.get("email") or ""
    jobs = list(data.stream("jobs", {"client_id": oid}).batch_size(1000))
    job_ids = [job["_id"] for job in jobs]
    counts: dict[str, int] = {
        "jobs_anonymized": data.rewrite("jobs", [(j["_id"], _anonymous_job_fields(j))
                                                 for j in jobs]),
        "files": data.delete_files({"metadata.job_id": {"$in": job_ids}})
        + data.delete_files({"metadata.client_id": oid}),
    }
    recipients = [value for value in (phone, email) if value]
    for name in ("outbox", "sent_box"):
        counts[name] = data.delete_all(name, {"to": {"$in": recipients}}) if recipients else 0
    counts["sms_inbound"] = data.delete_all("sms_inbound", {"phone": phone}) if phone else 0
    counts["sms_consents"] = _keep_only_the_opt_out(data, phone)
    for name in data.collections(skip=KEPT_WITH_CLIENT_ID):
        counts[name] = counts.get(name, 0) + data.delete_all(name, {"client_id": oid})
    counts["clients"] = data.delete_all("clients", {"_id": oid})
    targets = {str(oid), *(str(job_id) for job_id in job_ids)}
    entries = data.audit_entries_mentioning(_needles(client), targets)
    seqs = data.redact_audit(entries, keep_actor=True)
    record_redaction(db, company_id=actor.company_id, seqs=seqs, reason="client erased")
    audit.record(db, actor=actor, action="client.erased", target_type="client",
                 target_id=oid, after={k: v for k, v in counts.items() if v})
    return counts


def _keep_only_the_opt_out(data: CompanyData, phone: str) -> int:
    """Delete the consent ledger of ``phone``; an opt-out stays as the bare number."""
    if not phone:
        return 0
    record = next(iter(data.stream("sms_consents", {"phone": phone})), None)
    if record is None:
        return 0
    if record.get("status") != "opted_out":
        return data.delete_all("sms_consents", {"_id": record["_id"]})
    kept = ("created_at", "updated_at", "opted_out_at", "opted_out_method")
    data.replace("sms_consents", {
        "_id": record["_id"], "company_id": data.company_id, "phone": phone,
        "status": "opted_out", **{k: record.get(k) for k in kept}, "erased_at": utcnow(),
        "events": [e for e in record.get("events", []) if e.get("action") == "opted_out"]})
    return 1
