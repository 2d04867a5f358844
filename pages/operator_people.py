"""Operator: sign-ins across the platform (counts only) and deleting a person at once."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, field, info_callout
from components.layout import app_page
from components.navigation import PLATFORM, NavItem, register_nav_item
from components.tables import data_table
from iprodash.services.usage_log import AGGREGATE_DAYS
from state import routes
from state.operator_people import OperatorPeopleState


def _count_row(row: rx.Var) -> rx.Component:
    return rx.table.row(rx.table.cell(row["day"]), rx.table.cell(row["kind"]),
                        rx.table.cell(row["count"]))


@app_page(routes.OPERATOR_PEOPLE, "People and sign-ins", roles=("operator",),
          on_load=[OperatorPeopleState.load])
def operator_people_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Sign-ins per day", size="4"),
        rx.text(f"Across every company, the last {AGGREGATE_DAYS} days (UTC days). Counts "
                "only: who signed in is visible to each company's admins, not here.", size="2"),
        data_table(["Day", "What", "Count"], OperatorPeopleState.counts, _count_row,
                   empty_text=f"No sign-ins in the last {AGGREGATE_DAYS} days. Each sign-in, "
                   "wrong password and technician link opened is counted here."),
        rx.card(rx.form(rx.vstack(
            rx.heading("Delete a person now", size="4"),
            rx.text("For a request that cannot wait, such as a child's data: deletes every "
                    "account and technician record with this email at once, in any company. "
                    "Their jobs and payouts stay under \"Former user\" or \"Former "
                    "technician\" and a number.", size="2"),
            error_callout(OperatorPeopleState.delete_error),
            info_callout(OperatorPeopleState.delete_message),
            field("Their email", "email", type_="email", required=True),
            field("Type DELETE to confirm", "confirm", required=True),
            rx.button("Delete this person", type="submit", color_scheme="red", size="3"),
            spacing="3", width="100%"),
            on_submit=OperatorPeopleState.delete_person, reset_on_submit=True),
            width="100%", max_width="32em"),
        width="100%", spacing="4",
    )


register_nav_item(NavItem("People and sign-ins", routes.OPERATOR_PEOPLE, "user-x", "operator",
                          PLATFORM))
