"""Rows of job lists (list page, board): plain strings, cents and a cursor."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.job_status import CLOSED, status_label
from iprodash.domain.money import format_money
from iprodash.domain.phones import display_phone
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import Actor
from iprodash.services.job_views import format_moment, window_text


@dataclass(frozen=True)
class JobRow:
    """One job in a list.

    Attributes:
        cursor: Hand back as ``after`` to get the page after this row.
    """

    id: str
    number: int
    status: str
    status_label: str
    when: str
    client_name: str
    phone: str
    address: str
    technician_id: str
    technician: str
    lead_source: str
    price_text: str
    cursor: str


def job_rows(db: Database, *, actor: Actor, docs: list[dict], zone: ZoneInfo,
             cursor_field: str | None) -> list[JobRow]:
    """Turn job documents into rows, naming technicians and sources in two reads.

    Args:
        cursor_field: The date field the page is ordered by, or None when it
            is ordered by ``_id`` only.
    """
    technicians = TechnicianRepository(db, actor.company_id).by_ids(
        [d.get("technician_id") for d in docs])
    sources = LeadSourceRepository(db, actor.company_id).by_ids(
        [d.get("lead_source_id") for d in docs])
    rows = []
    for doc in docs:
        client, address = doc.get("client") or {}, doc.get("address") or {}
        closed = doc.get("status") == CLOSED
        when = (format_moment(doc.get("closed_at"), zone) if cursor_field == "closed_at"
                else window_text(doc.get("scheduled_start"), doc.get("scheduled_end"), zone))
        value = doc.get(cursor_field) if cursor_field else None
        rows.append(JobRow(
            id=str(doc["_id"]), number=int(doc.get("number", 0)), status=doc.get("status", ""),
            status_label=status_label(doc.get("status", "")), when=when,
            client_name=client.get("name", ""),
            phone=display_phone(client.get("phone", "")),
            address=", ".join(p for p in (address.get("line"), address.get("city")) if p),
            technician_id=str(doc.get("technician_id") or ""),
            technician=technicians.get(doc.get("technician_id"), {}).get("name", ""),
            lead_source=sources.get(doc.get("lead_source_id"), {}).get("name", ""),
            price_text=format_money(doc["closing_price_cents"])
            if closed and doc.get("closing_price_cents") is not None else "",
            cursor=f"{value.isoformat()}|{doc['_id']}" if value else str(doc["_id"])))
    return rows
