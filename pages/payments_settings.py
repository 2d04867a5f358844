"""Settings -> Payments (company-admin): the company's own Stripe account, sales tax."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, info_callout
from components.layout import app_page
from components.navigation import SET_UP, NavItem, register_nav_item
from state import routes
from state.payments_settings import PaymentsSettingsState as S

register_nav_item(NavItem("Payments", routes.PAYMENTS_SETTINGS, "credit-card", "admin", SET_UP),
                  before="API keys")


def _flag(label: str, on: rx.Var) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", width="9em"),
                     rx.badge(rx.cond(on, "Enabled", "Not yet"),
                              color_scheme=rx.cond(on, "green", "gray")), align="center")


def _stripe_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Card payments with Stripe", size="3"),
        rx.text("Clients pay invoices by card into your own Stripe account; Stripe's fee on "
                "each payment goes into the job's money to the cent.", size="2"),
        rx.text(S.status_text, size="3", weight="medium"),
        rx.cond(S.connected, rx.vstack(_flag("Card payments", S.charges_enabled),
                                       _flag("Payouts", S.payouts_enabled), spacing="2")),
        rx.hstack(
            rx.cond(~S.charges_enabled | ~S.payouts_enabled,
                    rx.button(rx.cond(S.connected, "Continue on Stripe", "Connect Stripe"),
                              on_click=S.connect, loading=S.redirecting)),
            rx.cond(S.connected, rx.button("Open Stripe dashboard", variant="soft",
                                           on_click=S.open_dashboard, loading=S.redirecting)),
            rx.cond(S.connected, rx.button("Refresh status", variant="soft",
                                           on_click=S.refresh)),
            rx.cond(S.connected, rx.button("Disconnect", variant="soft", color_scheme="red",
                                           on_click=S.ask_disconnect)),
            wrap="wrap", spacing="3"),
        spacing="3"), width="100%", max_width="40em")


def _tax_card() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("Sales tax", size="3"),
        rx.text("Used on new invoices unless a job sets its own rate. Up to three decimals, "
                "like 8.875.", size="2"),
        rx.el.label("Sales-tax rate %", html_for="tax_rate", font_size="14px"),
        rx.input(id="tax_rate", name="tax_rate", default_value=S.tax_rate, input_mode="decimal",
                 key=S.tax_rate, width="10em"),
        error_callout(S.tax_error),
        rx.button("Save sales tax", type="submit"),
        spacing="2"), on_submit=S.save_tax_rate), width="100%", max_width="40em")


def _disconnect_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title("Disconnect Stripe"),
        rx.alert_dialog.description(
            "No new card payment can be started here. Payments already recorded stay on their "
            "jobs, and your Stripe account, its balance and payouts stay yours."),
        rx.hstack(rx.button("Keep connected", variant="soft", color_scheme="gray",
                            on_click=S.keep_connected),
                  rx.button("Disconnect", color_scheme="red", on_click=S.disconnect),
                  justify="end", spacing="3", margin_top="1em")), open=S.confirm_disconnect)


@app_page(routes.PAYMENTS_SETTINGS, "Payments", roles=("company_admin",), on_load=[S.load])
def payments_settings_page() -> rx.Component:
    return rx.vstack(
        info_callout(S.return_notice),
        rx.cond(S.available, _stripe_card(),
                rx.callout("Card payments are not configured on this server (Stripe keys). "
                           "Invoices, sales tax and the other payment methods work without "
                           "them.", icon="info", width="100%")),
        _tax_card(), _disconnect_dialog(), width="100%", spacing="4")
