"""Job page: the payments and parts editors, and closing the job with them."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.domain.job_status import CANCELED, CLOSED
from iprodash.domain.money import format_money, parse_money
from iprodash.services import job_lifecycle, jobs
from iprodash.services.job_forms import parse_money_lines
from state.job_detail import JobDetailState, job_id_from_path
from state.session import (SessionState, as_flag, as_form, as_int, as_text, handles_errors,
                           loads_page)

MAX_LINES = 50


def _index(value) -> int:
    """A line number sent by the browser (-1 when it is not one)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class JobMoneyState(SessionState):
    payments: list[dict[str, str]] = []
    parts: list[dict[str, str]] = []
    editable: bool = False
    version: str = ""
    error: str = ""
    close_open: bool = False
    close_price: str = ""
    close_error: str = ""
    close_key: int = 0

    def _job_id(self) -> str:
        return job_id_from_path(self.router.url.path)

    def _show(self) -> None:
        job = jobs.job_document(get_db(), actor=self._actor(), job_id=self._job_id())
        self.payments = [{"method": p["method"], "amount": _dollars(p["amount_cents"]),
                          "collected_by": p["collected_by"]} for p in job.get("payments") or []]
        self.parts = [{"description": p.get("description", ""),
                       "cost": _dollars(p["cost_cents"]), "paid_by": p["paid_by"]}
                      for p in job.get("parts") or []]
        self.editable = job["status"] not in (CLOSED, CANCELED)
        self.version, self.error = job["updated_at"].isoformat(), ""

    def _open(self) -> None:
        """Fresh on opening the page (also run by the job page's loader)."""
        self.close_open = False
        self._show()

    @rx.event
    @loads_page
    def load(self):
        self._open()

    @rx.event
    @handles_errors
    def refresh(self):
        self._show()

    @rx.event
    def add_payment(self):
        if len(self.payments) < MAX_LINES:
            self.payments = [*self.payments, {"method": "cash", "amount": "",
                                              "collected_by": "technician"}]

    @rx.event
    def add_part(self):
        if len(self.parts) < MAX_LINES:
            self.parts = [*self.parts, {"description": "", "cost": "", "paid_by": "company"}]

    @rx.event
    @handles_errors
    def remove_line(self, kind: str, index: int):
        kind = as_text(kind, 320)
        index = as_int(index, 0, 1000)
        lines = list(self.payments if kind == "payment" else self.parts)
        index = _index(index)
        if 0 <= index < len(lines):
            lines.pop(index)
        if kind == "payment":
            self.payments = lines
        else:
            self.parts = lines

    @rx.event
    @handles_errors
    def set_line(self, kind: str, index: int, name: str, value: str):
        kind = as_text(kind, 320)
        index = as_int(index, 0, 1000)
        name = as_text(name, 320)
        value = as_text(value, 320)
        allowed = ("method", "amount", "collected_by") if kind == "payment" else (
            "description", "cost", "paid_by")
        lines = [dict(line) for line in (self.payments if kind == "payment" else self.parts)]
        index = _index(index)
        if name in allowed and 0 <= index < len(lines):
            lines[index][name] = str(value)[:200]
        if kind == "payment":
            self.payments = lines
        else:
            self.parts = lines

    def _lines(self):
        return parse_money_lines([dict(p) for p in self.payments], [dict(p) for p in self.parts])

    @rx.event
    @handles_errors
    def save(self):
        try:
            payments, parts = self._lines()
            jobs.save_payments_and_parts(get_db(), actor=self._actor(), job_id=self._job_id(),
                                         payments=payments, parts=parts, version=self.version)
        except ValidationError as exc:
            self.error = exc.message
            return None
        self._show()
        return [JobDetailState.refresh, rx.toast.success("Payments and parts saved.")]

    @rx.event
    @handles_errors
    def open_close(self):
        self._actor()
        try:
            payments, _ = self._lines()
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.close_price = _dollars(sum(p.amount_cents for p in payments))
        self.close_error, self.close_open = "", True
        self.close_key += 1

    @rx.event
    @handles_errors
    def set_close_open(self, value: bool):
        value = as_flag(value)
        self.close_open = bool(value)

    @rx.event
    @handles_errors
    def confirm_close(self, data: dict):
        data = as_form(data)
        try:
            price = parse_money(str(data.get("closing_price", "")), field="closing_price")
            payments, parts = self._lines()
            change = job_lifecycle.close_job(get_db(), actor=self._actor(),
                                             job_id=self._job_id(), closing_price_cents=price,
                                             payments=payments, parts=parts,
                                             version=self.version)
        except ValidationError as exc:
            self.close_error = exc.message
            return None
        self.close_open = False
        self._show()
        return [JobDetailState.refresh,
                rx.toast.success(f"Job closed at {format_money(price)}."),
                *[rx.toast.info(note) for note in change.notices]]

    @rx.var
    def payments_total(self) -> str:
        try:
            return format_money(sum(parse_money(p.get("amount") or "0") for p in self.payments))
        except ValidationError:
            return "—"
