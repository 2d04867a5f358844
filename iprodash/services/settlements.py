"""Technician settlements: what each technician is owed for a period, and payouts.

The period is a range of company-local days; jobs count by ``closed_at``.
Totals come from :func:`iprodash.domain.finance.summarize_settlement` over
the jobs' finance snapshots. A payout (company admin) records one
technician's unsettled jobs, marks them with its id and locks its window
``[first day 00:00, min(day after last 00:00, payout time))``: no other
payout of that technician may overlap it until it is voided. A settled job
cannot be paid twice, and the jobs service refuses to reopen it.

A payout records what changed hands: the amount (in the direction of the
balance: the company to the technician when positive, the technician to the
company when negative), the method and a note. An amount that differs from
the balance needs a note saying why; the jobs are settled either way, so
"still open" on the page is always the balance of the jobs no payout holds.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from bson import ObjectId
from pymongo.database import Database
from pymongo.errors import OperationFailure

from iprodash.domain.clock import days_bounds
from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.finance import JobFinance, SettlementSummary, summarize_settlement
from iprodash.domain.money import format_money, parse_money
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.settlements import SettlementJobs, SettlementRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor, require_financials
from iprodash.services.dashboard import Period, resolve_period
from iprodash.services.plan_access import require_writable
from iprodash.services.company_time import company_today, company_zone

PAGE_SIZE = 50
REASON_MAX = 500
_CHANGED = "Some of these jobs changed while the payout was being recorded. Reload and try again."
_WRITE_CONFLICT = 112
PAYOUT_METHODS = {"cash": "Cash", "check": "Check", "zelle": "Zelle",
                  "bank_transfer": "Bank transfer", "payroll": "Payroll", "other": "Other"}
NOTE_MAX = 500
NOTHING_OPEN = "Nothing open: every closed job is in a payout"


@contextmanager
def _one_writer():
    """Report a transaction's write conflict as a sentence, not a stack trace."""
    try:
        yield
    except OperationFailure as exc:
        if exc.code == _WRITE_CONFLICT or exc.has_error_label("TransientTransactionError"):
            raise Conflict(_CHANGED) from exc
        raise


@dataclass(frozen=True)
class TechnicianSettlement:
    """One technician's figures for the period (all closed jobs, settled or not)."""

    technician_id: str
    name: str
    summary: SettlementSummary
    unsettled_jobs: int
    unsettled_balance: int

    @property
    def open_text(self) -> str:
        """What is still open now, after any payouts: only the jobs no payout holds."""
        if self.unsettled_jobs == 0:
            return NOTHING_OPEN
        return open_balance_text(self.unsettled_balance)


def open_balance_text(balance: int) -> str:
    """"Company owes technician $12.00", "Technician owes company $35.16" or "Even"."""
    if balance > 0:
        return f"Company owes technician {format_money(balance)}"
    if balance < 0:
        return f"Technician owes company {format_money(-balance)}"
    return "Even: nothing to pay either way"


@dataclass(frozen=True)
class SettlementJobRow:
    """One closed job in the settlement table (cents)."""

    id: str
    number: int
    closed_day: str
    client: str
    technician: str
    gross: int
    commission: int
    parts_by_technician: int
    collected_by_technician: int
    tips: int
    balance: int
    settled: bool
    cursor: str
    city: str = ""


@dataclass(frozen=True)
class PayoutRow:
    """A recorded payout for the payouts list."""

    id: str
    technician: str
    period: str
    jobs: int
    balance: int
    owes: str
    paid_at: str
    voided: bool
    amount: int = 0
    method: str = ""
    note: str = ""


def period_bounds(db: Database, company_id: ObjectId, period: Period) -> tuple[datetime, datetime]:
    """UTC [start, end) of the period's company-local days."""
    return days_bounds(period.first, period.last, company_zone(db, company_id))


def _bounds(db: Database, actor: Actor, period: Period) -> tuple[datetime, datetime]:
    return period_bounds(db, actor.company_id, period)


def _period(db: Database, actor: Actor, kind: str, start: str, end: str,
            now: datetime | None) -> Period:
    today = company_today(db, actor.company_id, now)
    return resolve_period(kind, today=today, start=start, end=end)


def _names(db: Database, company_id: ObjectId, ids) -> dict[ObjectId, str]:
    docs = TechnicianRepository(db, company_id).by_ids([i for i in ids if i])
    return {tech_id: doc.get("name", "") for tech_id, doc in docs.items()}


def _technician(db: Database, actor: Actor, technician_id: str) -> ObjectId | None:
    """The technician's id, checked to belong to the company; None for all."""
    if not technician_id:
        return None
    tech_id = to_object_id(technician_id, "technician")
    if not TechnicianRepository(db, actor.company_id).by_ids([tech_id]):
        raise NotFound("That technician does not exist.")
    return tech_id


def settlement_summaries(*, db: Database, actor: Actor, period: str, start: str = "",
                         end: str = "", technician_id: str = "",
                         now: datetime | None = None) -> list[TechnicianSettlement]:
    """Per-technician totals of the closed jobs in a period (``now`` pins the clock).

    Raises:
        PermissionDenied: the caller may not see financials.
        NotFound: the technician is not in the caller's company.
    """
    actor = require_financials(actor)
    resolved = _period(db, actor, period, start, end, now)
    tech_id = _technician(db, actor, technician_id)
    window_start, window_end = _bounds(db, actor, resolved)
    return summaries_in_window(db, company_id=actor.company_id, start=window_start,
                               end=window_end, technician_id=tech_id)


def summaries_in_window(db: Database, *, company_id: ObjectId, start: datetime, end: datetime,
                        technician_id: ObjectId | None) -> list[TechnicianSettlement]:
    """Per-technician totals of the jobs closed in ``[start, end)``.

    The caller has checked who may see them (office financials, or a
    technician's own figures); ``technician_id`` None means every technician.
    """
    by_tech: dict[ObjectId, list[tuple[JobFinance, bool]]] = defaultdict(list)
    for job in SettlementJobs(db, company_id).finances(start, end, technician_id):
        if job.get("finance"):
            by_tech[job["technician_id"]].append((JobFinance.from_dict(job["finance"]),
                                                  job.get("settlement_id") is not None))
    names = _names(db, company_id, by_tech)
    rows = []
    for tid, jobs in by_tech.items():
        unsettled = summarize_settlement(f for f, settled in jobs if not settled)
        rows.append(TechnicianSettlement(
            technician_id=str(tid), name=names.get(tid, "(removed)"),
            summary=summarize_settlement(f for f, _ in jobs), unsettled_jobs=unsettled.jobs,
            unsettled_balance=unsettled.balance))
    return sorted(rows, key=lambda row: row.name.lower())


def _cursor(job: dict) -> str:
    return f"{job['closed_at'].astimezone(timezone.utc).isoformat()}|{job['_id']}"


def _parse_cursor(cursor: str) -> tuple[datetime, ObjectId] | None:
    if not cursor:
        return None
    try:
        moment, job_id = cursor.split("|", 1)
        return datetime.fromisoformat(moment), ObjectId(job_id)
    except (ValueError, TypeError) as exc:
        raise ValidationError("That page link is not valid. Start from the first page.") from exc


def settlement_jobs(*, db: Database, actor: Actor, period: str, start: str = "", end: str = "",
                    technician_id: str = "", after: str = "",
                    now: datetime | None = None) -> list[SettlementJobRow]:
    """One page of the period's closed jobs, oldest close first (keyset on ``after``)."""
    actor = require_financials(actor)
    resolved = _period(db, actor, period, start, end, now)
    tech_id = _technician(db, actor, technician_id)
    window_start, window_end = _bounds(db, actor, resolved)
    return job_rows_in_window(db, company_id=actor.company_id, start=window_start,
                              end=window_end, technician_id=tech_id, after=after, limit=PAGE_SIZE)


def job_rows_in_window(db: Database, *, company_id: ObjectId, start: datetime, end: datetime,
                       technician_id: ObjectId | None, after: str,
                       limit: int) -> list[SettlementJobRow]:
    """One page of the jobs closed in ``[start, end)``, oldest close first.

    The caller has checked access (see :func:`summaries_in_window`).

    Raises:
        ValidationError: ``after`` is not a cursor of this table.
    """
    jobs = SettlementJobs(db, company_id).page(start, end, technician_id,
                                               after=_parse_cursor(after), limit=limit)
    names = _names(db, company_id, [j["technician_id"] for j in jobs])
    rows = []
    for job in jobs:
        finance = JobFinance.from_dict(job["finance"])
        rows.append(SettlementJobRow(
            id=str(job["_id"]), number=job.get("number", 0), closed_day=job.get("closed_day", ""),
            client=(job.get("client") or {}).get("name", ""),
            technician=names.get(job["technician_id"], "(removed)"), gross=finance.gross,
            commission=finance.tech_commission, parts_by_technician=finance.parts_by_technician,
            collected_by_technician=finance.collected_by_technician, tips=finance.tips,
            balance=summarize_settlement([finance]).balance,
            settled=job.get("settlement_id") is not None, cursor=_cursor(job),
            city=(job.get("address") or {}).get("city", "")))
    return rows


def _window_text(db: Database, actor: Actor, doc: dict) -> str:
    zone = company_zone(db, actor.company_id)
    first = doc["period_start"].astimezone(zone)
    last = doc["period_end"].astimezone(zone)
    return f"{first:%b %d, %Y %H:%M} - {last:%b %d, %Y %H:%M}"


def _payout_terms(amount: str, method: str, note: str) -> tuple[int, str, str]:
    """The typed amount (cents), a known method and a trimmed note, or a sentence why not."""
    if method not in PAYOUT_METHODS:
        raise ValidationError("Choose how the money was paid: "
                              + ", ".join(PAYOUT_METHODS.values()).lower() + ".",
                              field="method")
    if not (amount or "").strip():
        raise ValidationError("Enter the amount that was paid, like 120.00.", field="amount")
    text = " ".join((note or "").split())
    if len(text) > NOTE_MAX:
        raise ValidationError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    return parse_money(amount, field="amount"), method, text


def record_payout(*, db: Database, actor: Actor, technician_id: str, period: str,
                  amount: str, method: str, note: str = "", start: str = "",
                  end: str = "", now: datetime | None = None) -> str:
    """Pay a technician's unsettled closed jobs of a period and lock the period.

    ``now`` pins the clock (tests): it picks the period and ends its window.

    Args:
        amount: What changed hands, in dollars, in the balance's direction
            (``"0"`` when the balance is even).
        method: A key of :data:`PAYOUT_METHODS`.
        note: Free text; required when the amount is not the balance.

    Returns:
        The settlement's id.

    Raises:
        PermissionDenied: not a company admin.
        NotFound: no such technician in the company.
        Conflict: the period overlaps an active payout, or a job changed meanwhile.
        ValidationError: no unsettled closed jobs in the period, a bad amount
            or method, or an amount unlike the balance without a note.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    if not technician_id:
        raise ValidationError("Choose the technician to pay.", field="technician")
    amount_cents, method, note = _payout_terms(amount, method, note)
    tech_id = _technician(db, actor, technician_id)
    now = now or utcnow()
    resolved = _period(db, actor, period, start, end, now)
    window_start, window_end = _bounds(db, actor, resolved)
    window_end = min(window_end, now)
    if window_start >= window_end:
        raise ValidationError("A payout covers days that have started. Choose an earlier period.",
                              field="period")
    payouts = SettlementRepository(db, actor.company_id)
    clash = payouts.overlapping(tech_id, window_start, window_end)
    if clash is not None:
        raise Conflict(f"This period overlaps a payout already recorded for "
                       f"{_window_text(db, actor, clash)}. Void that payout first.")
    jobs = [job for job in SettlementJobs(db, actor.company_id).finances(window_start,
                                                                         window_end, tech_id)
            if job.get("finance") and job.get("settlement_id") is None]
    if not jobs:
        raise ValidationError("There are no unsettled closed jobs for this technician in "
                              "this period.", field="period")
    summary = summarize_settlement(JobFinance.from_dict(job["finance"]) for job in jobs)
    if amount_cents != abs(summary.balance) and not note:
        raise ValidationError(f"The balance is {format_money(abs(summary.balance))}; the amount "
                              f"paid is {format_money(amount_cents)}. Say why in the note.",
                              field="note")
    job_ids = [job["_id"] for job in jobs]
    doc = {"technician_id": tech_id, "period_start": window_start, "period_end": window_end,
           "job_ids": job_ids, "totals": summary.as_dict(), "paid_at": now,
           "paid_by": actor.user_id, "paid_by_name": actor.name, "voided_at": None,
           "amount_cents": amount_cents, "method": method, "note": note}
    with _one_writer(), db.client.start_session() as session, session.start_transaction():
        settlement_id = payouts.insert(doc, session=session)
        marked = SettlementJobs(db, actor.company_id).mark_settled(job_ids, settlement_id,
                                                                   session=session)
        if marked != len(job_ids):
            session.abort_transaction()
            raise Conflict(_CHANGED)
    audit.record(db, actor=actor, action="settlement.paid", target_type="settlement",
                 target_id=settlement_id,
                 after={"technician_id": str(tech_id), "jobs": summary.jobs,
                        "balance": format_money(summary.balance), "owes": summary.owes,
                        "amount": format_money(amount_cents), "method": method,
                        "note": note[:200], "period": f"{resolved.first} - {resolved.last}"})
    return str(settlement_id)


def void_payout(*, db: Database, actor: Actor, settlement_id: str, reason: str) -> None:
    """Void a payout: its jobs become unsettled and its period unlocks.

    Raises:
        PermissionDenied: not a company admin.
        NotFound: no such payout in the company.
        ValidationError: no reason given.
        Conflict: the payout was already voided.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    text = (reason or "").strip()
    if not text:
        raise ValidationError("Give a reason for voiding the payout.", field="reason")
    if len(text) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    payouts = SettlementRepository(db, actor.company_id)
    doc = payouts.get(settlement_id, "payout")
    if doc.get("voided_at") is not None:
        raise Conflict("This payout was already voided.")
    with _one_writer(), db.client.start_session() as session, session.start_transaction():
        changed = payouts.update_one({"_id": doc["_id"], "voided_at": None},
                                     {"$set": {"voided_at": utcnow(), "voided_by": actor.user_id,
                                               "void_reason": text}}, session=session)
        if changed.modified_count != 1:
            session.abort_transaction()
            raise Conflict("This payout was already voided.")
        SettlementJobs(db, actor.company_id).release(doc["job_ids"], doc["_id"], session=session)
    audit.record(db, actor=actor, action="settlement.voided", target_type="settlement",
                 target_id=doc["_id"], before={"voided": False}, after={"voided": True},
                 reason=text)


def list_payouts(*, db: Database, actor: Actor, technician_id: str = "",
                 before: str = "") -> list[PayoutRow]:
    """Recorded payouts, newest first, one page (keyset on ``before``)."""
    actor = require_financials(actor)
    tech_id = _technician(db, actor, technician_id)
    before_id = to_object_id(before, "payout") if before else None
    docs = SettlementRepository(db, actor.company_id).page(technician_id=tech_id,
                                                           before_id=before_id, limit=PAGE_SIZE)
    names = _names(db, actor.company_id, [d["technician_id"] for d in docs])
    zone = company_zone(db, actor.company_id)
    return [PayoutRow(id=str(d["_id"]), technician=names.get(d["technician_id"], "(removed)"),
                      period=_window_text(db, actor, d), jobs=d["totals"]["jobs"],
                      balance=d["totals"]["balance"], owes=d["totals"]["owes"],
                      paid_at=f"{d['paid_at'].astimezone(zone):%b %d, %Y %H:%M}",
                      voided=d.get("voided_at") is not None,
                      amount=int(d.get("amount_cents") or 0),
                      method=PAYOUT_METHODS.get(d.get("method", ""), ""),
                      note=d.get("note", "")) for d in docs]


def technician_choices(*, db: Database, actor: Actor) -> list[tuple[str, str]]:
    """``(id, name)`` of the company's technicians for the period picker."""
    actor = require_financials(actor)
    techs = TechnicianRepository(db, actor.company_id).page(after=None, limit=500)
    return [(str(t["_id"]), t.get("name", "") + ("" if t.get("active", True) else " (inactive)"))
            for t in techs]
