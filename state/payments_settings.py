"""Settings -> Payments: the company's Stripe account and its sales-tax rate."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.domain.invoices import format_tax_rate
from iprodash.services import invoices, stripe_accounts
from iprodash.services.actor import COMPANY_ADMIN
from state.session import SessionState, as_form, handles_errors, loads_page
from state.stripe_pages import open_stripe_page

_RETURN_NOTICES = {
    "return": "Welcome back. The status below is what Stripe says now.",
    "refresh": "The Stripe link expired. Press Connect Stripe to continue where you left off.",
}


class PaymentsSettingsState(SessionState):
    """Stripe connection status, its buttons, and the sales-tax rate form."""

    loaded: bool = False
    available: bool = False
    connected: bool = False
    charges_enabled: bool = False
    payouts_enabled: bool = False
    status_text: str = ""
    return_notice: str = ""
    tax_rate: str = ""
    tax_error: str = ""
    redirecting: bool = False
    confirm_disconnect: bool = False

    def _show(self, view: stripe_accounts.PaymentsOverview) -> None:
        self.available, self.connected = view.available, view.connected
        self.charges_enabled, self.payouts_enabled = view.charges_enabled, view.payouts_enabled
        self.status_text = view.status_text
        self.tax_rate = format_tax_rate(view.sales_tax_milli_percent).rstrip("%")

    @rx.event
    @loads_page
    def load(self):
        actor = self._actor_with_role(COMPANY_ADMIN)
        self.redirecting, self.confirm_disconnect, self.tax_error = False, False, ""
        returned = self.router.url.query_parameters.get("stripe", "")
        self.return_notice = _RETURN_NOTICES.get(returned, "")
        self.loaded = True
        self._show(stripe_accounts.payments_overview(get_db(), actor=actor))
        if self.connected:  # Stripe's word, not the redirect's
            self._show(stripe_accounts.refresh_account(get_db(), actor=actor))

    @rx.event
    @handles_errors
    def refresh(self):
        self._show(stripe_accounts.refresh_account(
            get_db(), actor=self._actor_with_role(COMPANY_ADMIN)))

    @rx.event
    @handles_errors
    def save_tax_rate(self, form: dict):
        form = as_form(form)
        actor = self._actor_with_role(COMPANY_ADMIN)
        try:
            text = invoices.set_company_tax_rate(get_db(), actor=actor,
                                                 rate=str(form.get("tax_rate", ""))[:12])
        except ValidationError as exc:
            self.tax_error = exc.message
            return None
        self.tax_rate, self.tax_error = text.rstrip("%"), ""
        return rx.toast.success(f"Sales tax set to {text}.")

    def _open_stripe(self, call):
        return open_stripe_page(self, lambda: self._actor_with_role(COMPANY_ADMIN), call)

    @rx.event
    async def connect(self):
        """"Connect Stripe": Stripe's hosted onboarding for the company's account."""
        async for update in self._open_stripe(stripe_accounts.start_onboarding):
            yield update

    @rx.event
    async def open_dashboard(self):
        """"Open Stripe dashboard": a one-time login link."""
        async for update in self._open_stripe(stripe_accounts.dashboard_url):
            yield update

    @rx.event
    @handles_errors
    def ask_disconnect(self):
        self._actor_with_role(COMPANY_ADMIN)
        self.confirm_disconnect = True

    @rx.event
    def keep_connected(self):
        self.confirm_disconnect = False

    @rx.event
    @handles_errors
    def disconnect(self):
        self.confirm_disconnect = False
        actor = self._actor_with_role(COMPANY_ADMIN)
        stripe_accounts.disconnect(get_db(), actor=actor)
        self._show(stripe_accounts.payments_overview(get_db(), actor=actor))
        return rx.toast.success("Stripe disconnected. No new card payment can be taken.")
