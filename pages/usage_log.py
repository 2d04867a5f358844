"""Sign-in log (company-admin): who signed in, failed or was refused, from where."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, keyset_pager
from components.layout import app_page
from components.navigation import RECORDS, NavItem, register_nav_item
from components.tables import data_table
from state import routes
from state.usage_log import KIND_CHOICES, UsageLogState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["when"]),
        rx.table.cell(rx.cond(row["failed"], rx.badge(row["kind"], color_scheme="red"),
                              rx.badge(row["kind"], color_scheme="green"))),
        rx.table.cell(row["person"]), rx.table.cell(row["email"]),
        rx.table.cell(rx.code(row["address"])),
        rx.table.cell(rx.text(row["browser"], size="1", max_width="20em", truncate=True)),
    )


def _select(name: str, choices, value) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=name),
        rx.select.content(rx.foreach(choices, lambda c: rx.select.item(c[1], value=c[0]))),
        name=name, default_value=value, size="2")


def _filters() -> rx.Component:
    return rx.form(rx.flex(
        _select("kind", KIND_CHOICES, UsageLogState.kind),
        _select("person", UsageLogState.people, UsageLogState.person),
        rx.input(name="start", type="date", aria_label="From", default_value=UsageLogState.start),
        rx.input(name="end", type="date", aria_label="To", default_value=UsageLogState.end),
        rx.button("Show", type="submit"),
        spacing="2", wrap="wrap", align="center"), on_submit=UsageLogState.apply, width="100%")


@app_page(routes.USAGE_LOG, "Sign-in log", roles=("company_admin",),
          on_load=[UsageLogState.load])
def usage_log_page() -> rx.Component:
    return rx.vstack(
        rx.text("Sign-ins to your company's accounts, wrong passwords and refused sign-ins, "
                "with the address and browser they came from. Entries are kept 90 days.",
                size="2"),
        _filters(),
        error_callout(UsageLogState.error),
        data_table(["When", "What", "Who", "Email", "Address", "Browser"], UsageLogState.rows,
                   _row, empty_text="No sign-ins match. Each time someone in your company "
                   "signs in (or types a wrong password) it appears here."),
        keyset_pager(UsageLogState),
        width="100%", spacing="4",
    )


register_nav_item(NavItem("Sign-in log", routes.USAGE_LOG, "log-in", "admin", RECORDS))
