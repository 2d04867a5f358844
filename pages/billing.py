"""Billing (company-admin): plan, status, Stripe Checkout and the billing portal."""

from __future__ import annotations

import reflex as rx

from components.forms import info_callout
from components.layout import app_page
from components.navigation import SET_UP, NavItem, register_nav_item
from state import routes
from state.billing import BillingState

register_nav_item(NavItem("Billing", routes.BILLING, "credit-card", "admin", SET_UP),
                  before="API keys")


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", width="8em"),
                     rx.text(value, size="3", weight="medium"), align="center")


def _subscribe_card() -> rx.Component:
    s = BillingState
    return rx.card(rx.vstack(
        rx.heading("Choose a plan", size="3"),
        rx.cond(s.plans.length() > 0,
                rx.hstack(
                    rx.select(s.plan_labels, value=s.selected_label, on_change=s.choose_plan,
                              size="3", aria_label="Plan"),
                    rx.button("Subscribe / change plan", size="3", on_click=s.subscribe,
                              loading=s.redirecting),
                    wrap="wrap", align="center"),
                rx.text("No plans are configured yet (IPRODASH_PLANS). Ask the platform "
                        "operator.", size="2")),
        rx.text("Payment happens on Stripe's secure page; you come back here afterwards.",
                size="1", color_scheme="gray"),
        spacing="3"), width="100%", max_width="40em")


def _enabled() -> rx.Component:
    s = BillingState
    return rx.vstack(
        info_callout(s.return_notice),
        rx.cond(s.notice != "", rx.callout(s.notice, icon="triangle-alert",
                                           color_scheme="amber", width="100%")),
        rx.card(rx.vstack(
            _fact("Plan", s.plan_name),
            _fact("Status", s.status_label),
            rx.cond(s.date_text != "", _fact("Next date", s.date_text)),
            rx.cond(s.can_manage,
                    rx.button("Manage billing", variant="soft", size="3", on_click=s.manage,
                              loading=s.redirecting)),
            rx.cond(s.has_subscription,
                    rx.text("Change the plan, update the card, see invoices or cancel in "
                            "Manage billing.", size="2", color_scheme="gray")),
            spacing="3"), width="100%", max_width="40em"),
        rx.cond(~s.has_subscription, _subscribe_card()),
        width="100%", spacing="4",
    )


@app_page(routes.BILLING, "Billing", roles=("company_admin",), on_load=[BillingState.load])
def billing_page() -> rx.Component:
    return rx.cond(
        ~BillingState.loaded,
        rx.spinner(),
        rx.cond(BillingState.enabled, _enabled(),
                rx.callout("Billing is not configured on this server: every approved company "
                           "has full access and nothing is charged.", icon="info",
                           width="100%")),
    )
