"""Billing page state, and the plan banner of the signed-in frame."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import billing
from state.session import SessionState, as_text, handles_errors, loads_page
from state.stripe_pages import open_stripe_page

_RETURN_NOTICES = {
    "success": "Thank you. Stripe is confirming the payment; the status below updates "
               "within a minute (reload the page to see it).",
    "canceled": "Checkout was canceled; nothing was charged.",
}


class BillingState(SessionState):
    """The company's plan, its status and the two Stripe buttons."""

    loaded: bool = False
    enabled: bool = False
    plan_name: str = ""
    status_label: str = ""
    date_text: str = ""
    notice: str = ""
    return_notice: str = ""
    has_subscription: bool = False
    can_manage: bool = False
    plans: list[dict[str, str]] = []
    selected_price: str = ""
    redirecting: bool = False

    def _show(self, view: billing.BillingOverview) -> None:
        self.enabled, self.plan_name = view.enabled, view.plan_name
        self.status_label, self.date_text, self.notice = (view.status_label, view.date_text,
                                                          view.notice)
        self.has_subscription, self.can_manage = view.has_subscription, view.can_manage
        self.plans = [{"price_id": p.price_id, "label": f"{p.name} · {p.price_text}"}
                      for p in view.plans]
        if self.selected_price not in [p["price_id"] for p in self.plans]:
            self.selected_price = self.plans[0]["price_id"] if self.plans else ""

    @rx.event
    @loads_page
    def load(self):
        self.redirecting = False
        returned = self.router.url.query_parameters.get("checkout", "")
        self.return_notice = _RETURN_NOTICES.get(returned, "")
        self._show(billing.billing_overview(get_db(), actor=self._actor()))
        self.loaded = True

    @rx.event
    @handles_errors
    def choose_plan(self, label: str):
        """The select shows labels; keep the matching price id (others are ignored)."""
        label = as_text(label, 320)
        match = next((p["price_id"] for p in self.plans if p["label"] == label), None)
        if match:
            self.selected_price = match

    @rx.var
    def plan_labels(self) -> list[str]:
        return [p["label"] for p in self.plans]

    @rx.var
    def selected_label(self) -> str:
        return next((p["label"] for p in self.plans if p["price_id"] == self.selected_price), "")

    def _open_stripe(self, call, **kwargs):
        return open_stripe_page(self, self._actor, call, **kwargs)

    @rx.event
    async def subscribe(self):
        """"Subscribe / change plan": a Stripe Checkout Session for the chosen plan."""
        async for update in self._open_stripe(billing.start_checkout,
                                              price_id=self.selected_price):
            yield update

    @rx.event
    async def manage(self):
        """"Manage billing": the Stripe billing portal."""
        async for update in self._open_stripe(billing.open_portal):
            yield update
