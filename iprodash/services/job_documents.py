"""Client and job documents in the shapes of docs/DATA_MODEL.md, for bulk loads.

The CSV import and the demo seed build many documents at once and insert
them with ``insert_many``; these builders keep those documents identical
to what the jobs service writes one at a time: client fields and job
search/filter keys come from the jobs engineer's own helpers, rate and
finance snapshots from the one finance function.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bson import ObjectId

from iprodash.domain.finance import Part, Payment, Rates, compute_job_finance
from iprodash.domain.rates import SOURCE_FIXED, SOURCE_NONE, SOURCE_PERCENT
from iprodash.services.clients import client_fields
from iprodash.services.job_records import keys_for


def build_client_document(*, name: str, phone: str, email: str, address: dict,
                          now: datetime) -> dict:
    """A new client (``company_id`` is added by the repository)."""
    fields = client_fields(name=name, phone=phone, email=email,
                           address={"lat": None, "lng": None, **address})
    return {"_id": ObjectId(), **fields, "no_sms": False, "no_marketing": False,
            "created_at": now, "updated_at": now}


def snapshot_rates(*, company: dict, technician: dict | None, source: dict | None) -> Rates:
    """The rates a job closes with: company card fee, technician and source terms."""
    kind = SOURCE_NONE
    if source is not None:
        kind = SOURCE_FIXED if source.get("kind") == SOURCE_FIXED else SOURCE_PERCENT
    return Rates(card_fee_bp=int(company.get("card_fee_bp", 0)),
                 tech_commission_bp=int((technician or {}).get("commission_bp", 0)),
                 tech_job_fee_cents=int((technician or {}).get("job_fee_cents", 0)),
                 source_kind=kind,
                 source_rate_bp=int((source or {}).get("rate_bp", 0)) if kind == SOURCE_PERCENT
                 else 0,
                 source_fixed_cents=int((source or {}).get("fixed_cents", 0))
                 if kind == SOURCE_FIXED else 0)


def build_job_document(*, number: int, client: dict, address: dict, job_type: str,
                       description: str, notes: str, scheduled_start: datetime | None,
                       scheduled_end: datetime | None, technician_id: ObjectId | None,
                       lead_source_id: ObjectId | None, status: str, created_at: datetime,
                       by_id: ObjectId | None, by_name: str, reason: str,
                       payments: list[Payment] = (), parts: list[Part] = (),
                       rates: Rates | None = None, closed_at: datetime | None = None,
                       zone: ZoneInfo | None = None) -> dict:
    """A job document; a closed one carries its rate and finance snapshots.

    Args:
        client: The client document (its ``_id``, name, phone, email are copied).
        status: The job's status; "closed" needs ``rates``, ``closed_at`` and ``zone``.
        reason: The status-history note, e.g. "Imported from CSV".
    """
    closed = status == "closed"
    finance = compute_job_finance(payments=payments, parts=parts, rates=rates) if closed else None
    job = {
        "_id": ObjectId(), "number": number, "client_id": client["_id"],
        "client": {"name": client["name"], "phone": client["phone"],
                   "phone_digits": client["phone_digits"], "email": client.get("email", "")},
        "address": {"lat": None, "lng": None, **address}, "job_type": job_type,
        "description": description, "notes": notes, "scheduled_start": scheduled_start,
        "scheduled_end": scheduled_end, "technician_id": technician_id,
        "lead_source_id": lead_source_id, "status": status,
        "status_history": [{"from": None, "to": status, "at": created_at, "by_id": by_id,
                            "by_name": by_name, "reason": reason}],
        "payments": [p.as_dict() for p in payments] if closed else [],
        "parts": [p.as_dict() for p in parts] if closed else [],
        "closing_price_cents": finance.gross if finance else None,
        "closed_at": closed_at if closed else None,
        "closed_day": closed_at.astimezone(zone).date().isoformat() if closed else None,
        "rates": rates.as_dict() if closed else None,
        "finance": finance.as_dict() if finance else None, "settlement_id": None,
        "created_at": created_at, "created_by": by_id, "updated_at": created_at,
        "updated_by": by_id,
    }
    return {**job, **keys_for(job)}
