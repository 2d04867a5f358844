"""Reports page: email a stored report, and scheduled delivery subscriptions."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import Conflict, ValidationError
from iprodash.services import report_schedules, reports
from iprodash.services.actor import COMPANY_ADMIN
from state.session import SessionState, as_flag, as_text, handles_errors, loads_page


class ReportEmailState(SessionState):
    """The "Email it" dialog: the address is typed twice before anything is queued."""

    dialog_open: bool = False
    report_id: str = ""
    report_title: str = ""
    to: str = ""
    confirm_to: str = ""
    error: str = ""

    @rx.event
    @handles_errors
    def start(self, report_id: str, title: str):
        report_id = as_text(report_id, 40)
        title = as_text(title, 5000)
        self.dialog_open, self.report_id = True, str(report_id)[:24]
        self.report_title = str(title)[:200]
        self.to, self.confirm_to, self.error = "", "", ""

    @rx.event
    @handles_errors
    def set_dialog_open(self, value: bool):
        value = as_flag(value)
        self.dialog_open = bool(value)

    @rx.event
    @handles_errors
    def set_to(self, value: str):
        value = as_text(value, 320)
        self.to = str(value)[:254]

    @rx.event
    @handles_errors
    def set_confirm_to(self, value: str):
        value = as_text(value, 320)
        self.confirm_to = str(value)[:254]

    @rx.event
    @handles_errors
    def send(self):
        try:
            address = reports.email_report(db=get_db(), actor=self._actor(),
                                           report_id=self.report_id, to=self.to,
                                           confirm_to=self.confirm_to)
        except (ValidationError, Conflict) as exc:  # shown in the dialog; others as a toast
            self.error = exc.message
            return None
        self.dialog_open = False
        return rx.toast.success(f"Queued: the PDF goes to {address} in a moment.")


class ReportScheduleState(SessionState):
    """Weekly or monthly P&L and settlement pack by email (company-admins)."""

    rows: list[dict] = []
    cadence: str = report_schedules.WEEKLY
    email: str = ""
    confirm_email: str = ""
    error: str = ""

    def _reload(self) -> None:
        actor = self._actor()
        if actor.role != COMPANY_ADMIN:
            self.rows = []
            return
        self.rows = [{**row.__dict__} for row in
                     report_schedules.list_subscriptions(db=get_db(), actor=actor)]

    @rx.event
    @loads_page
    def load(self):
        self.error = ""
        self._reload()

    @rx.event
    @handles_errors
    def set_cadence(self, value: str):
        value = as_text(value, 320)
        if value in report_schedules.CADENCE_LABELS:
            self.cadence = value

    @rx.event
    @handles_errors
    def set_email(self, value: str):
        value = as_text(value, 320)
        self.email = str(value)[:254]

    @rx.event
    @handles_errors
    def set_confirm_email(self, value: str):
        value = as_text(value, 320)
        self.confirm_email = str(value)[:254]

    @rx.event
    @handles_errors
    def subscribe(self):
        try:
            row = report_schedules.subscribe(db=get_db(), actor=self._actor(),
                                             cadence=self.cadence, email=self.email,
                                             confirm_email=self.confirm_email)
        except (ValidationError, Conflict) as exc:
            self.error = exc.message
            return None
        self.email, self.confirm_email, self.error = "", "", ""
        self._reload()
        return rx.toast.success(f"{row.email} gets the {row.cadence} pack from now on.")

    @rx.event
    @handles_errors
    def unsubscribe(self, subscription_id: str):
        subscription_id = as_text(subscription_id, 40)
        report_schedules.unsubscribe(db=get_db(), actor=self._actor(),
                                     subscription_id=str(subscription_id)[:24])
        self._reload()
        return rx.toast.success("That scheduled delivery is stopped.")
