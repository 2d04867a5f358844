"""A job as the detail page shows it: plain strings and cents, company-local times.

The money breakdown comes from the one finance function: the snapshot taken
at close for a closed job, otherwise an estimate with today's rates.
Commissions and company profit are shown only to callers who may see
financials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.card_changes import kept_fees
from iprodash.domain.errors import DomainError
from iprodash.domain.finance import JobFinance, Part, Payment, compute_job_finance
from iprodash.domain.invoices import invoice_tax_cents
from iprodash.domain.job_status import (CANCELED, CLOSED, PENDING_APPROVAL, allowed_moves,
                                        is_send_back, requires_reason, status_label)
from iprodash.domain.rates import SOURCE_FIXED, SOURCE_PERCENT, Rates
from iprodash.domain.money import format_money, format_percent
from iprodash.domain.phones import display_phone
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import Actor
from iprodash.services.clients import address_text
from iprodash.services.job_evidence import job_evidence
from iprodash.services.job_documents import snapshot_rates
from iprodash.services.job_forms import local_parts
from iprodash.services.job_records import company_of, zone_of
from iprodash.services.jobs import job_document

_PUBLIC_LINES = (("gross", "Gross (closing price)"), ("cc_fee", "Card fee"),
                 ("parts", "Parts"), ("net", "Net"))
_TAX_AND_TIPS = (("tax", "Sales tax"), ("tips", "Tips (technician's in full)"))
_PRIVATE_LINES = (("tech_commission", "Technician commission"),
                  ("source_commission", "Source commission"),
                  ("company_profit", "Company profit"))


@dataclass(frozen=True)
class JobDetail:
    """Everything the job page shows and its forms start from."""

    id: str
    number: int
    status: str
    status_label: str
    version: str
    client_id: str
    client_name: str
    client_phone: str
    client_phone_display: str
    client_email: str
    address_line: str
    city: str
    state: str
    zip: str
    address_text: str
    job_type: str
    description: str
    notes: str
    date: str
    start_time: str
    end_time: str
    window_text: str
    technician_id: str
    technician_name: str
    lead_source_id: str
    lead_source_name: str
    payments: list[dict]
    parts: list[dict]
    closing_price_cents: int
    closed_text: str
    settled: bool
    editable: bool
    finance_lines: list[dict]
    finance_note: str
    history: list[dict]
    moves: list[dict]
    photos: list[dict]
    tech_notes: list[dict]
    timeline: list[dict]


def format_moment(moment: datetime | None, zone: ZoneInfo) -> str:
    """"Mon Jun 2, 2025 9:05 AM" in the company's zone ("" when None)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local:%a %b} {local.day}, {local.year} {clock(local)}"


def clock(moment: datetime) -> str:
    """"9:05 AM" (no leading zero)."""
    return f"{moment:%I:%M %p}".lstrip("0")


def window_text(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> str:
    """"Mon Jun 2, 2025 9:00 AM - 11:00 AM", or "Not scheduled"."""
    if start is None:
        return "Not scheduled"
    text = format_moment(start, zone)
    if end is not None:
        text += " - " + clock(end.astimezone(zone))
    return text


def rates_note(rates: Rates, *, financials: bool) -> str:
    """Every rate the breakdown used, so the sum can be redone by hand.

    The technician's and source's terms are shown only to callers who see
    the commission lines they explain.
    """
    parts = [f"card fee {format_percent(rates.card_fee_bp)} of card payments"]
    if financials:
        technician = f"technician {format_percent(rates.tech_commission_bp)} of net"
        if rates.tech_job_fee_cents:
            technician += f" minus a {format_money(rates.tech_job_fee_cents)} per-job fee"
        parts.append(technician)
        if rates.source_kind == SOURCE_PERCENT:
            parts.append(f"source {format_percent(rates.source_rate_bp)} of net")
        elif rates.source_kind == SOURCE_FIXED:
            parts.append(f"source {format_money(rates.source_fixed_cents)} fixed per closed job")
        else:
            parts.append("no lead source commission")
    return "; ".join(parts)


def _finance(db: Database, actor: Actor, job: dict, company: dict,
             technician: dict | None, source: dict | None) -> tuple[JobFinance | None, str]:
    financials = actor.can_see_financials
    if job.get("finance"):
        rates = Rates.from_dict(job.get("rates"))
        return JobFinance.from_dict(job["finance"]), (
            f"Rates fixed when the job closed: {rates_note(rates, financials=financials)}."
            + (_kept_note(job) if financials else ""))
    rates = snapshot_rates(company=company, technician=technician, source=source)
    try:
        finance = compute_job_finance(
            payments=[Payment.from_dict(p) for p in job.get("payments") or []],
            parts=[Part.from_dict(p) for p in job.get("parts") or []], rates=rates,
            tax_cents=invoice_tax_cents(job), kept_fees_cents=kept_fees(job))
    except DomainError:
        return None, "Fix the payments or parts to see the breakdown."
    return finance, ("Estimate with today's rates, fixed when the job closes: "
                     f"{rates_note(rates, financials=financials)}."
                     + (_kept_note(job) if financials else ""))


def _kept_note(job: dict) -> str:
    kept = kept_fees(job)
    return (f" The card fee includes {format_money(kept)} Stripe kept on refunded card money."
            if kept else "")


def _lines(finance: JobFinance | None, financials: bool) -> list[dict]:
    if finance is None:
        return []
    # Sales tax and tips show as their own lines only on jobs that have them,
    # so a job without an invoice or a tip reads exactly as before.
    extra = tuple(line for line in _TAX_AND_TIPS if getattr(finance, line[0]))
    chosen = _PUBLIC_LINES[:1] + extra + _PUBLIC_LINES[1:] + (_PRIVATE_LINES if financials else ())
    return [{"key": key, "label": label, "cents": getattr(finance, key),
             "text": format_money(getattr(finance, key))} for key, label in chosen]


def _move_label(status: str, target: str, kind: str) -> str:
    if kind == "close":
        return "Approve and close" if status == PENDING_APPROVAL else "Close job"
    if kind == "reason":
        if target == CANCELED:
            return "Cancel job"
        return "Send back to technician" if is_send_back(status, target) else "Reopen job"
    return "Restore" if status == CANCELED else f"Mark {status_label(target)}"


def _moves(status: str, role: str) -> list[dict]:
    moves = []
    for target in allowed_moves(status, role):
        kind = ("close" if target == CLOSED else "reason" if requires_reason(status, target)
                else "step")
        moves.append({"target": target, "label": _move_label(status, target, kind),
                      "kind": kind})
    return moves


def _history(job: dict, zone: ZoneInfo) -> list[dict]:
    return [{"when": format_moment(h.get("at"), zone), "who": h.get("by_name", ""),
             "from": status_label(h["from"]) if h.get("from") else "",
             "to": status_label(h.get("to", "")), "reason": h.get("reason", "")}
            for h in reversed(job.get("status_history") or [])]


def job_detail(db: Database, *, actor: Actor, job_id: str) -> JobDetail:
    """The job page's view of one job (the caller's company only)."""
    job = job_document(db, actor=actor, job_id=job_id)
    company = company_of(db, actor)
    zone = zone_of(company)
    # by_ids: served from the company's cached roster (repositories.event_cache)
    technician = TechnicianRepository(db, actor.company_id).by_ids(
        [job.get("technician_id")]).get(job.get("technician_id"))
    source = LeadSourceRepository(db, actor.company_id).by_ids(
        [job.get("lead_source_id")]).get(job.get("lead_source_id"))
    finance, note = _finance(db, actor, job, company, technician, source)
    client, address = job.get("client") or {}, job.get("address") or {}
    evidence = job_evidence(db, job=job, zone=zone)
    day, start = local_parts(job.get("scheduled_start"), zone)
    _, end = local_parts(job.get("scheduled_end"), zone)
    return JobDetail(
        id=str(job["_id"]), number=int(job["number"]), status=job["status"],
        status_label=status_label(job["status"]), version=job["updated_at"].isoformat(),
        client_id=str(job.get("client_id") or ""), client_name=client.get("name", ""),
        client_phone=client.get("phone", ""),
        client_phone_display=display_phone(client.get("phone", "")),
        client_email=client.get("email", ""), address_line=address.get("line", ""),
        city=address.get("city", ""), state=address.get("state", ""),
        zip=address.get("zip", ""), address_text=address_text(address),
        job_type=job.get("job_type", ""), description=job.get("description", ""),
        notes=job.get("notes", ""), date=day, start_time=start, end_time=end,
        window_text=window_text(job.get("scheduled_start"), job.get("scheduled_end"), zone),
        technician_id=str(job.get("technician_id") or ""),
        technician_name=(technician or {}).get("name", ""),
        lead_source_id=str(job.get("lead_source_id") or ""),
        lead_source_name=(source or {}).get("name", ""),
        payments=[dict(p) for p in job.get("payments") or []],
        parts=[dict(p) for p in job.get("parts") or []],
        closing_price_cents=int(job.get("closing_price_cents") or 0),
        closed_text=format_moment(job.get("closed_at"), zone),
        settled=job.get("settlement_id") is not None,
        editable=job["status"] not in (CLOSED, CANCELED),
        finance_lines=_lines(finance, actor.can_see_financials), finance_note=note,
        history=_history(job, zone), moves=_moves(job["status"], actor.role),
        photos=evidence.photos, tech_notes=evidence.tech_notes, timeline=evidence.timeline)
