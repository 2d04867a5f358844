"""Job page: the invoice section (items, discount, sales tax, totals, PDF)."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.domain.invoices import MAX_ITEMS, format_quantity
from iprodash.domain.job_status import CANCELED, CLOSED
from iprodash.domain.money import format_money
from iprodash.services import card_payments, invoice_sending, invoices, jobs, pay_links
from iprodash.services.company_time import company_zone
from iprodash.services.actor import COMPANY_ADMIN, USER
from state import routes
from state.job_detail import JobDetailState, job_id_from_path
from state.job_money import JobMoneyState
from state.session import SessionState, handles_errors

ITEM_FIELDS = ("description", "quantity", "unit_price", "taxable")


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _index(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class InvoiceEditorState(SessionState):
    """The typed items and the saved invoice's figures, as text."""

    job_id: str = ""
    has_invoice: bool = False
    number: str = ""
    items: list[dict[str, str]] = []
    discount: str = ""
    tax_rate: str = ""
    totals: list[dict[str, str]] = []
    editable: bool = False
    version: str = ""
    error: str = ""
    pay_link: str = ""
    waiting: list[str] = []
    sends: list[str] = []
    sending: bool = False

    def _show(self) -> None:
        actor = self._actor_with_role(COMPANY_ADMIN, USER)
        self.job_id = job_id_from_path(self.router.url.path)
        job = jobs.job_document(get_db(), actor=actor, job_id=self.job_id)
        zone = company_zone(get_db(), actor.company_id) \
            if job.get("invoice_sends") or job.get("refunds") else None
        view = invoices.view_of(job, zone)
        saved = job.get("invoice") or {}
        self.editable = job["status"] not in (CLOSED, CANCELED)
        self.version, self.error = job["updated_at"].isoformat(), ""
        self.has_invoice = view is not None
        self.pay_link = ""
        self.waiting = card_payments.waiting_card_lines(job)
        self.sends = invoice_sending.sends_text(job, zone) if zone and job.get("invoice_sends") \
            else []
        self.number = f"#{view.number}" if view else ""
        self.items = [{"description": i["description"],
                       "quantity": format_quantity(i["quantity_hundredths"]),
                       "unit_price": _dollars(i["unit_price_cents"]),
                       "taxable": "yes" if i["taxable"] else "no"}
                      for i in saved.get("items") or []]
        self.discount = _dollars(saved["discount_cents"]) if saved.get("discount_cents") else ""
        self.tax_rate = (view.tax_rate_text.rstrip("%") if view and view.tax_rate_overridden
                         else "")
        lines = [] if view is None else view.total_lines()
        if view is not None and view.tips:  # the technician's, beside what the invoice got
            lines.insert(-1, ("Tips", view.tips))
        self.totals = [{"label": name, "text": format_money(cents)} for name, cents in lines]

    @rx.var
    def pdf_url(self) -> str:
        return routes.invoice_pdf(self.job_id) if self.job_id else ""

    @rx.event
    @handles_errors
    def add_item(self):
        self._actor_with_role(COMPANY_ADMIN, USER)
        if len(self.items) < MAX_ITEMS:
            self.items = [*self.items, {"description": "", "quantity": "1", "unit_price": "",
                                        "taxable": "yes"}]

    @rx.event
    @handles_errors
    def remove_item(self, index: int):
        self._actor_with_role(COMPANY_ADMIN, USER)
        items, index = list(self.items), _index(index)
        if 0 <= index < len(items):
            items.pop(index)
        self.items = items

    @rx.event
    @handles_errors
    def set_item(self, index: int, name: str, value: str):
        self._actor_with_role(COMPANY_ADMIN, USER)
        items, index = [dict(i) for i in self.items], _index(index)
        if name in ITEM_FIELDS and 0 <= index < len(items):
            items[index][name] = ("yes" if value in (True, "yes", "true") else "no") \
                if name == "taxable" else str(value)[:200]
        self.items = items

    @rx.event
    @handles_errors
    def set_discount(self, value: str):
        self.discount = str(value)[:40]

    @rx.event
    @handles_errors
    def set_tax_rate(self, value: str):
        self.tax_rate = str(value)[:12]

    @rx.event
    @handles_errors
    def save(self):
        actor = self._actor_with_role(COMPANY_ADMIN, USER)
        rows = [invoices.ItemInput(description=i.get("description", ""),
                                   quantity=i.get("quantity", ""),
                                   unit_price=i.get("unit_price", ""),
                                   taxable=i.get("taxable") == "yes") for i in self.items]
        try:
            invoices.save_invoice(get_db(), actor=actor, job_id=self.job_id, items=rows,
                                  discount=self.discount, tax_rate=self.tax_rate,
                                  version=self.version)
        except ValidationError as exc:
            self.error = exc.message
            return None
        self._show()
        return [JobDetailState.refresh, JobMoneyState.refresh,
                rx.toast.success(f"Invoice {self.number} saved.")]

    @rx.event
    @handles_errors
    def show_pay_link(self):
        """The client's pay link, to send or to open on the technician's phone."""
        actor = self._actor_with_role(COMPANY_ADMIN, USER)
        self.pay_link = pay_links.pay_link(get_db(), actor=actor, job_id=self.job_id)

    @rx.event
    @handles_errors
    def send_invoice(self):
        """Email and (with consent) text the client the pay link."""
        actor = self._actor_with_role(COMPANY_ADMIN, USER)
        self.sending, self.error = True, ""
        yield
        try:
            sent = invoice_sending.send_invoice(get_db(), actor=actor, job_id=self.job_id)
        except ValidationError as exc:
            self.error = exc.message
            return
        finally:
            self.sending = False
        self._show()
        yield [JobDetailState.refresh, JobMoneyState.refresh, rx.toast.success(sent.summary)]
