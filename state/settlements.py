"""Settlements page: per-technician balances, the jobs behind them, payouts."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.domain.money import format_money
from iprodash.domain.words import pluralize
from iprodash.services import settlements
from iprodash.services.dashboard import PERIODS
from state.paging import ResumablePage
from state.session import SessionState, as_form, as_text, handles_errors, loads_page

ALL = "all"


def _money_row(row) -> dict[str, str]:
    return {k: format_money(getattr(row, k)) for k in (
        "gross", "commission", "tips", "parts_by_technician", "collected_by_technician")}


def _dollars(cents: int) -> str:
    """12345 -> "123.45", the way the amount field is typed."""
    return f"{cents // 100}.{cents % 100:02d}"


class SettlementsState(ResumablePage, SessionState):
    """Filters, one page of jobs, the technician totals and recent payouts."""

    period: str = "last_month"
    start: str = ""
    end: str = ""
    technician: str = ALL
    technicians: list[dict[str, str]] = []
    summaries: list[dict[str, str]] = []
    jobs: list[dict[str, str]] = []
    cursor_stack: list[str] = []
    has_next: bool = False
    payouts: list[dict[str, str]] = []
    confirm_technician: str = ""
    confirm_text: str = ""
    pay_amount: str = ""
    pay_error: str = ""
    pay_key: int = 0
    void_id: str = ""
    void_reason: str = ""

    def _filters(self) -> dict:
        return {"period": self.period, "start": self.start, "end": self.end,
                "technician_id": "" if self.technician == ALL else self.technician}

    def _load_jobs(self) -> None:
        after = self.cursor_stack[-1] if self.cursor_stack else ""
        rows = settlements.settlement_jobs(db=get_db(), actor=self._actor(), after=after,
                                           **self._filters())
        self.jobs = [{"id": r.id, "number": f"#{r.number}", "closed_day": r.closed_day,
                      "client": r.client, "technician": r.technician, **_money_row(r),
                      "balance": format_money(r.balance), "settled": "Yes" if r.settled else "",
                      "cursor": r.cursor} for r in rows]
        self.has_next = len(rows) == settlements.PAGE_SIZE

    def _reload(self, *, keep_page: bool = False) -> None:
        """Totals, payouts and the jobs from page 1 (or the page on screen: ``keep_page``)."""
        db, actor = get_db(), self._actor()
        self.technicians = [{"id": i, "name": n}
                            for i, n in settlements.technician_choices(db=db, actor=actor)]
        rows = settlements.settlement_summaries(db=db, actor=actor, **self._filters())
        self.summaries = [{
            "id": r.technician_id, "name": r.name, "jobs": str(r.summary.jobs),
            **_money_row(r.summary), "balance": r.summary.balance_text,
            "unsettled": str(r.unsettled_jobs), "open": r.open_text,
            "open_amount": _dollars(abs(r.unsettled_balance)),
            "pay_text": f"Record a payout to {r.name} for "
                        f"{pluralize(r.unsettled_jobs, 'unsettled job')}: "
                        f"balance {format_money(r.unsettled_balance)} "
                        f"({'company pays' if r.unsettled_balance >= 0 else 'technician pays'})."
        } for r in rows]
        if not keep_page:
            self.cursor_stack = []
        self._load_jobs()
        self.payouts = [{**p.__dict__, "jobs": str(p.jobs), "balance": format_money(p.balance),
                         "amount": format_money(p.amount) if p.method else "",
                         "voided": "Voided" if p.voided else ""}
                        for p in settlements.list_payouts(
                            db=db, actor=actor, technician_id=self._filters()["technician_id"])]

    @rx.event
    @loads_page
    def load(self):
        """Page 1 of the jobs with the filters as they were; on a reconnect, the page on screen."""
        self._reload(keep_page=self._resumes_page())

    @rx.event
    @handles_errors
    def set_period(self, value: str):
        value = as_text(value, 320)
        if value in PERIODS:
            self.period = value
            if value != "custom":
                self._reload()

    @rx.event
    @handles_errors
    def apply_custom(self, form: dict):
        form = as_form(form)
        self.start, self.end = str(form.get("start", ""))[:10], str(form.get("end", ""))[:10]
        self.period = "custom"
        self._reload()

    @rx.event
    @handles_errors
    def set_technician(self, value: str):
        value = as_text(value, 320)
        known = {t["id"] for t in self.technicians}
        self.technician = value if value in known else ALL
        self._reload()

    @rx.event
    @handles_errors
    def next_page(self):
        if self.jobs and self.has_next:
            self.cursor_stack = [*self.cursor_stack, self.jobs[-1]["cursor"]]
            self._load_jobs()

    @rx.event
    @handles_errors
    def previous_page(self):
        self.cursor_stack = self.cursor_stack[:-1]
        self._load_jobs()

    @rx.event
    @handles_errors
    def ask_payout(self, technician_id: str):
        technician_id = as_text(technician_id, 40)
        row = next((r for r in self.summaries if r["id"] == technician_id), None)
        if row is not None:
            self.confirm_technician, self.confirm_text = row["id"], row["pay_text"]
            self.pay_amount, self.pay_error = row["open_amount"], ""
            self.pay_key += 1

    @rx.event
    def cancel_dialogs(self):
        self.confirm_technician, self.void_id, self.void_reason = "", "", ""

    @rx.event
    @handles_errors
    def record_payout(self, form: dict):
        form = as_form(form)
        try:
            settlements.record_payout(
                db=get_db(), actor=self._actor(), technician_id=self.confirm_technician,
                period=self.period, start=self.start, end=self.end,
                amount=str(form.get("amount", ""))[:40], method=str(form.get("method", ""))[:40],
                note=str(form.get("note", ""))[:600])
        except ValidationError as exc:
            self.pay_error = exc.message
            return None
        self.confirm_technician = ""
        self._reload()
        return rx.toast.success("Payout recorded; those jobs are settled and the period locked.")

    @rx.event
    @handles_errors
    def ask_void(self, settlement_id: str):
        settlement_id = as_text(settlement_id, 40)
        self.void_id, self.void_reason = settlement_id[:64], ""

    @rx.event
    @handles_errors
    def set_void_reason(self, value: str):
        value = as_text(value, 500)
        self.void_reason = value[:500]

    @rx.event
    @handles_errors
    def void_payout(self):
        settlements.void_payout(db=get_db(), actor=self._actor(), settlement_id=self.void_id,
                                reason=self.void_reason)
        self.void_id, self.void_reason = "", ""
        self._reload()
        return rx.toast.success("Payout voided; its jobs can be settled again.")
