"""My earnings: the technician's commission and balance for a period, on a phone."""

from __future__ import annotations

import reflex as rx

from components.forms import keyset_pager
from components.layout import app_page
from components.navigation import MY_WORK, NavItem, register_nav_item
from iprodash.services.technician_earnings import NOT_ALLOWED, PERIODS
from state import routes
from state.technician_earnings import TechEarningsState as S

TECH = ("technician",)

register_nav_item(NavItem("My earnings", routes.TECH_EARNINGS, "wallet", "technician", MY_WORK))


def _total(label: str, key: str) -> rx.Component:
    return rx.hstack(rx.text(label, size="3"), rx.spacer(),
                     rx.text(S.totals[key], size="3", weight="medium"), width="100%")


def _totals() -> rx.Component:
    return rx.card(rx.vstack(
        rx.text(S.period_label, size="2", color_scheme="gray"),
        _total("Closed jobs", "jobs"),
        _total("Commission earned", "commission"),
        _total("Parts I paid", "parts"),
        _total("Money I collected", "collected"),
        rx.divider(),
        _total("Balance", "balance"),
        rx.text(S.balance_text, size="4", weight="bold"),
        rx.cond(S.settled_text != "", rx.text(S.settled_text, size="2", color_scheme="gray")),
        spacing="2", width="100%"), width="100%")


def _job(row: rx.Var) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.text(row["number"], weight="bold"), rx.text(row["city"], size="2"),
                  rx.spacer(), rx.text(row["day"], size="2", color_scheme="gray"),
                  width="100%", align="center"),
        rx.hstack(rx.text("Gross ", row["gross"], size="2"), rx.spacer(),
                  rx.text("Commission ", row["commission"], size="2", weight="medium"),
                  width="100%"),
        spacing="1", width="100%"), width="100%")


def _figures() -> rx.Component:
    return rx.vstack(
        rx.select.root(rx.select.trigger(aria_label="Period", width="100%"),
                       rx.select.content(*[rx.select.item(label, value=value)
                                           for value, label in PERIODS.items()]),
                       value=S.period, on_change=S.set_period, size="3"),
        _totals(),
        rx.text("Balance = commission + parts I paid - money I collected.", size="1",
                color_scheme="gray"),
        rx.heading("Closed jobs", size="4"),
        rx.foreach(S.rows, _job),
        rx.cond(S.rows.length() == 0,
                rx.text("No closed jobs in this period.", color_scheme="gray")),
        rx.cond(S.has_previous | S.has_next, keyset_pager(S)),
        width="100%", spacing="3")


@app_page(routes.TECH_EARNINGS, "My earnings", roles=TECH, on_load=[S.load])
def my_earnings_page() -> rx.Component:
    return rx.vstack(
        rx.cond(~S.loaded, rx.spinner(),
                rx.cond(S.allowed, _figures(),
                        rx.callout(NOT_ALLOWED, icon="info"))),
        rx.link("Back to my jobs", href=routes.TECH_HOME),
        width="100%", spacing="3")
