"""Right to erasure for one client of a company, or for one phone number.

The client record goes; their jobs stay (money, statistics, technician
settlements and rollups must keep adding up) but lose every personal field
and show :data:`ERASED_NAME`; their messages both ways (and the texts that
told a technician their address), received texts, photos, receipt PDFs and
queued texts go; an opt-out is kept as the number's keyed hash so they are
never texted again (TCPA); audit entries about them lose their content and
a ``privacy.redacted`` entry vouches for that, so the chain still verifies.

A number that opted in but never became a client is erased the same way by
:func:`erase_phone_number`: its opt-in proof, its texts and the audit
entries about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.phones import display_phone, normalize_phone, phone_digits
from iprodash.domain.search_keys import require_search_query, search_keys_for, search_terms
from iprodash.domain.validation import validate_email
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.company_data import CompanyData
from iprodash.repositories.conversations import ConversationRepository
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.erasure_ledger import CLIENT, PHONE, record_erasure
from iprodash.services.clients import address_text
from iprodash.services.plan_access import require_writable
from iprodash.services.privacy_deletion import record_redaction
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.report_builders import RECEIPT
from iprodash.services.sms_optouts import consent_for, erase_number_consent

ERASED_NAME = "Erased client"
# Documents that reference the client but must stay (money and history);
# jobs are anonymized, the consent ledger keeps a hashed opt-out, the rest of
# the company's collections lose the client's documents.
KEPT_WITH_CLIENT_ID = {"jobs", "clients", "audit_log", "settlements", "rollups",
                       "billing_events", "sms_consents"}
MESSAGE_COLLECTIONS = ("outbox", "sent_box")
SEARCH_LIMIT = 10
_MIN_NEEDLE = 4
_PHONE_LIKE = re.compile(r"^\+?[0-9 ().\-]{7,}$")


@dataclass(frozen=True)
class ErasureMatch:
    id: str
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class ErasureSearch:
    """What the erase screen shows for one query.

    Attributes:
        matches: clients found by name, phone or email.
        phone: the query as an E.164 number when it was one ("" otherwise).
        phone_display: that number as people read it.
        number_has_data: texts or a consent record of the number are stored.
    """

    matches: list[ErasureMatch] = field(default_factory=list)
    phone: str = ""
    phone_display: str = ""
    number_has_data: bool = False


def _match(doc: dict) -> ErasureMatch:
    return ErasureMatch(id=str(doc["_id"]), name=doc.get("name", ""),
                        phone=display_phone(doc.get("phone") or ""),
                        email=doc.get("email") or "", address=address_text(doc.get("address")))


def _clients_with_number(repo: ClientRepository, phone: str) -> list[dict]:
    digits = phone_digits(phone)
    found = {doc["_id"]: doc for key in dict.fromkeys((digits, digits[-10:]))
             for doc in repo.by_phone_digits(key, limit=SEARCH_LIMIT)}
    return list(found.values())


def _number_has_data(data: CompanyData, phone: str) -> bool:
    if consent_for(data.db, data.company_id, phone) is not None:
        return True
    return any(next(iter(data.stream(name, {key: phone}).limit(1)), None) is not None
               for name, key in (("sms_inbound", "phone"), ("outbox", "to")))


def find_clients_to_erase(db: Database, *, actor: Actor, query: str) -> ErasureSearch:
    """Clients matching a name, phone number (any format) or email address (company-admin).

    Raises:
        ValidationError: nothing typed, a number or address that is not valid, or
            only 1-character words.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    text = " ".join((query or "").split())[:120]
    if not text:
        raise ValidationError("Enter the client's name, phone number or email address.",
                              field="query")
    repo = ClientRepository(db, actor.company_id)
    if "@" in text:
        return ErasureSearch(matches=[_match(d) for d in repo.by_email(
            validate_email(text), limit=SEARCH_LIMIT)])
    if _PHONE_LIKE.match(text):
        phone = normalize_phone(text, field="query")
        return ErasureSearch(
            matches=[_match(d) for d in _clients_with_number(repo, phone)], phone=phone,
            phone_display=display_phone(phone),
            number_has_data=_number_has_data(CompanyData(db, actor.company_id), phone))
    require_search_query(text, field="query")
    rows = repo.page(after=None, limit=SEARCH_LIMIT, search_terms=search_terms(text))
    return ErasureSearch(matches=[_match(d) for d in rows])


def _phone_forms(phone: str) -> list[str]:
    """The number as it may appear in text: E.164, digits, national format."""
    if not phone:
        return []
    digits = phone_digits(phone)
    return [phone, digits, digits[-10:], display_phone(phone)]


def _needles(client: dict) -> list[str]:
    """Lower-cased texts that identify the client (long enough to be specific)."""
    address = client.get("address") or {}
    values = [client.get("name"), client.get("email"), address.get("line"),
              *_phone_forms(client.get("phone") or "")]
    return sorted({str(v).strip().lower() for v in values
                   if v and len(str(v).strip()) >= _MIN_NEEDLE})


def _anonymous_job_fields(job: dict) -> dict[str, Any]:
    return {"client": {"name": ERASED_NAME, "phone": "", "phone_digits": "", "email": ""},
            "address": {}, "notes": "", "description": "",
            "invoice_sends": [],  # the addresses and numbers the invoice went to
            "search_keys": search_keys_for(job_number=job.get("number")),
            "client_erased_at": utcnow()}


def _delete_messages(data: CompanyData, who: list[dict[str, Any]]) -> dict[str, int]:
    """Messages matching any of ``who`` (to, job_id, client_id) and their sent-box copies."""
    if not who:
        return {}
    query = {"$or": who}
    ids = [doc["_id"] for doc in data.stream("outbox", query)]
    recipients = [w["to"] for w in who if isinstance(w.get("to"), str)]
    sent = [{"outbox_id": {"$in": ids}}] + ([{"to": {"$in": recipients}}] if recipients else [])
    return {"outbox": data.delete_all("outbox", query),
            "sent_box": data.delete_all("sent_box", {"$or": sent})}


def _delete_older_receipts(data: CompanyData, jobs: list[dict]) -> int:
    """Receipts stored before they carried ``metadata.job_id``: found by the job asked for."""
    asked = [v for j in jobs for v in (str(j.get("number")), f"#{j.get('number')}", str(j["_id"]))]
    if not asked:
        return 0
    return data.delete_files({"metadata.kind": RECEIPT, "metadata.job_id": {"$exists": False},
                              "metadata.params.job": {"$in": asked}})


def _redact_audit(db: Database, data: CompanyData, needles: list[str], targets: set[str],
                  reason: str) -> int:
    seqs = data.redact_audit(data.audit_entries_mentioning(needles, targets), keep_actor=True)
    record_redaction(db, company_id=data.company_id, seqs=seqs, reason=reason)
    return len(seqs)


def erase_client(db: Database, *, actor: Actor, client_id: str) -> dict[str, int]:
    """Erase a client's personal data across the company (company-admin).

    The erasure ledger records it first, so restoring an older backup
    erases the client again.

    Returns:
        How many records of each kind were erased or anonymized.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    client = ClientRepository(db, actor.company_id).get(client_id, "client")
    record_erasure(db, kind=CLIENT, company_id=actor.company_id, record_id=client["_id"],
                   phone=client.get("phone") or "", email=client.get("email") or "")
    return erase_client_records(db, company_id=actor.company_id, client=client, actor=actor)


def erase_client_records(db: Database, *, company_id: Any, client: dict,
                         actor: Actor | None) -> dict[str, int]:
    """The erasure itself, with no role check: :func:`erase_client` and the
    restore's replay of the erasure ledger (``actor`` None) call it."""
    data = CompanyData(db, company_id)
    oid, phone, email = client["_id"], client.get("phone") or "", client.get("email") or ""
    jobs = list(data.stream("jobs", {"client_id": oid}).batch_size(1000))
    job_ids = [job["_id"] for job in jobs]
    counts: dict[str, int] = {
        "jobs_anonymized": data.rewrite("jobs", [(j["_id"], _anonymous_job_fields(j))
                                                 for j in jobs]),
        "files": data.delete_files({"metadata.job_id": {"$in": job_ids}})
        + data.delete_files({"metadata.client_id": oid}) + _delete_older_receipts(data, jobs),
    }
    who = [{"to": value} for value in (phone, email) if value]
    who += [{"job_id": {"$in": job_ids}}, {"client_id": oid}]
    counts.update(_delete_messages(data, who))
    counts["sms_inbound"] = data.delete_all("sms_inbound", {"phone": phone}) if phone else 0
    counts["conversations"] = (ConversationRepository(db, data.company_id).forget_phone(phone)
                               if phone else 0)
    counts["sms_consents"] = (erase_number_consent(db, company_id=data.company_id, phone=phone)
                              if phone else 0)
    counts["email_suppressions"] = EmailSuppressionRepository(db).forget_plain(email)
    for name in data.collections(skip=KEPT_WITH_CLIENT_ID):
        counts[name] = counts.get(name, 0) + data.delete_all(name, {"client_id": oid})
    counts["clients"] = data.delete_all("clients", {"_id": oid})
    targets = {str(oid), *(str(job_id) for job_id in job_ids)}
    if phone:
        targets.add(phone_pseudonym(phone))
    counts["audit_redacted"] = _redact_audit(db, data, _needles(client), targets,
                                             "client erased")
    audit.record(db, actor=actor, action="client.erased", target_type="client",
                 target_id=oid, company_id=data.company_id,
                 after={k: v for k, v in counts.items() if v})
    return counts


def erase_phone_number(db: Database, *, actor: Actor, phone: str) -> dict[str, int]:
    """Erase what is kept of a number that is no client's (company-admin).

    Its opt-in proof, received texts, messages to it and the audit entries
    about it go; an opt-out stays as the number's keyed hash.

    Raises:
        ValidationError: not a phone number.
        Conflict: a client has this number (erase the client instead).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    phone = normalize_phone(phone)
    if _clients_with_number(ClientRepository(db, actor.company_id), phone):
        raise Conflict(f"A client has {display_phone(phone)}: erase that client "
                       "instead, which erases the number too.")
    record_erasure(db, kind=PHONE, company_id=actor.company_id, phone=phone)
    return erase_number_records(db, company_id=actor.company_id, phone=phone, actor=actor)


def erase_number_records(db: Database, *, company_id: Any, phone: str,
                         actor: Actor | None) -> dict[str, int]:
    """The number's erasure itself, with no role check: :func:`erase_phone_number`
    and the restore's replay of the erasure ledger (``actor`` None) call it."""
    data = CompanyData(db, company_id)
    counts = _delete_messages(data, [{"to": phone}])
    counts["sms_inbound"] = data.delete_all("sms_inbound", {"phone": phone})
    counts["conversations"] = ConversationRepository(db, data.company_id).forget_phone(phone)
    counts["sms_consents"] = erase_number_consent(db, company_id=data.company_id, phone=phone)
    key = phone_pseudonym(phone)
    needles = [n.lower() for n in _phone_forms(phone) if len(n) >= _MIN_NEEDLE]
    counts["audit_redacted"] = _redact_audit(db, data, needles, {key}, "phone number erased")
    audit.record(db, actor=actor, action="phone.erased", target_type="phone", target_id=key,
                 company_id=data.company_id, after={k: v for k, v in counts.items() if v})
    return counts
