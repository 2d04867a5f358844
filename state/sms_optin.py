"""The public SMS opt-in page: no login; the consent is recorded with time, IP and text version."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import sms_consent
from state.session import as_form


def _ticked(value) -> bool:
    """The consent box as submitted: Reflex sends a checkbox that has an ``id`` as
    ``True``/``False`` (read from its ref), a plain one as "on" or nothing."""
    return value is True or value == "on"


class SmsOptinState(rx.State):
    company_name: str = ""
    disclosure: str = ""
    found: bool = False
    done: bool = False
    error: str = ""

    def _code(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:40]

    @rx.event
    def load(self):
        self.done, self.error = False, ""
        try:
            company = sms_consent.public_company(get_db(), self._code())
        except DomainError as exc:
            self.found, self.company_name, self.error = False, "", exc.message
            return
        self.found, self.company_name = True, company["name"]
        self.disclosure = sms_consent.disclosure_for(company["name"])

    @rx.event
    def submit(self, form: dict):
        try:
            form = as_form(form)
            sms_consent.record_web_consent(
                get_db(), optin_code=self._code(), phone=str(form.get("phone", ""))[:40],
                agreed=_ticked(form.get("agreed")), ip=self.router.session.client_ip)
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.done = "", True
