"""Company settings page."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import company_settings
from state.session import SessionState, as_form, handles_errors, loads_page


class CompanySettingsState(SessionState):
    name: str = ""
    phone: str = ""
    admin_email: str = ""
    timezone: str = ""
    card_fee_percent: str = ""
    code: str = ""
    show_tech_commission: bool = False
    keep_photo_location: bool = False
    error: str = ""
    form_key: int = 0
    loaded: bool = False  # the form shows only once it holds the saved values

    def _show(self, view: company_settings.CompanySettings) -> None:
        self.name, self.phone, self.admin_email = view.name, view.phone, view.admin_email
        self.timezone, self.card_fee_percent, self.code = (view.timezone,
                                                           view.card_fee_percent, view.code)
        self.show_tech_commission = view.show_tech_commission
        self.keep_photo_location = view.keep_photo_location
        self.form_key += 1  # re-mount the form so inputs show the saved values
        self.loaded = True

    @rx.event
    @loads_page
    def load(self):
        self.error = ""
        self._show(company_settings.get_company_settings(get_db(), actor=self._actor()))

    @rx.event
    @handles_errors
    def save(self, form: dict):
        form = as_form(form)
        from iprodash.domain.errors import ValidationError

        try:
            view = company_settings.update_company_settings(
                get_db(), actor=self._actor(), name=str(form.get("name", "")),
                phone=str(form.get("phone", "")), admin_email=str(form.get("admin_email", "")),
                timezone=str(form.get("timezone", "")),
                card_fee_percent=str(form.get("card_fee_percent", "")),
                show_tech_commission=bool(form.get("show_tech_commission")),
                keep_photo_location=bool(form.get("keep_photo_location")))
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.error = ""
        self._show(view)
        return rx.toast.success("Settings saved.")

    @rx.event
    @handles_errors
    def regenerate_code(self):
        self.code = company_settings.regenerate_company_code(get_db(), actor=self._actor())
        return rx.toast.success("New company code created; the old one no longer works.")
