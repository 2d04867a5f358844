"""Operator console: companies, approvals, platform totals, email outbox."""

from __future__ import annotations

import reflex as rx

from components.forms import keyset_pager
from components.layout import app_page
from components.labels import filter_select
from components.tables import data_table, status_badge
from iprodash.domain.statuses import COMPANY_STATUS_LABELS
from state import routes
from state.operator import OperatorState, OutboxState

OPERATOR = ("operator",)


def _actions(row: rx.Var) -> rx.Component:
    def button(label: str, action: str, color: str = "blue") -> rx.Component:
        return rx.button(label, size="1", color_scheme=color, variant="soft",
                         on_click=OperatorState.act(row["id"], action))

    return rx.hstack(
        rx.cond(row["status"] == "pending", rx.hstack(button("Approve", "approve", "green"),
                                                      button("Reject", "reject", "red"))),
        rx.cond(row["status"] == "unconfirmed", button("Reject", "reject", "red")),
        rx.cond(row["status"] == "active", button("Suspend", "suspend", "red")),
        rx.cond((row["status"] == "suspended") | (row["status"] == "rejected"),
                button("Reactivate", "reactivate", "green")),
        spacing="2",
    )


@app_page(routes.OPERATOR, "Companies", roles=OPERATOR, on_load=[OperatorState.load])
def companies_page() -> rx.Component:
    return rx.vstack(
        rx.text(OperatorState.totals_text, size="2", color_scheme="gray"),
        rx.hstack(
            filter_select("All companies", COMPANY_STATUS_LABELS, OperatorState.set_status_filter,
                          "Status"),
            rx.input(placeholder="Reason (needed to reject or suspend)",
                     value=OperatorState.reason, on_change=OperatorState.set_reason,
                     width="22em"),
            wrap="wrap"),
        data_table(["Company", "Code", "Admin", "Status", "Plan", "Billing", "Users", "Created",
                    "Actions"],
                   OperatorState.rows,
                   lambda r: rx.table.row(
                       rx.table.cell(r["name"]), rx.table.cell(r["code"]),
                       rx.table.cell(r["admin_email"]), rx.table.cell(status_badge(r["status"])),
                       rx.table.cell(r["plan"]), rx.table.cell(r["billing"]),
                       rx.table.cell(r["users"]),
                       rx.table.cell(r["created"]), rx.table.cell(_actions(r))),
                   empty_text="No companies match."),
        keyset_pager(OperatorState),
        width="100%", spacing="4",
    )


@app_page(routes.OPERATOR_OUTBOX, "Email outbox", roles=OPERATOR, on_load=[OutboxState.load])
def outbox_page() -> rx.Component:
    return rx.vstack(
        rx.text("Every company's emails: who, what and when. Bodies are never shown here "
                "(they hold sign-in links and company data).", size="2", color_scheme="gray"),
        data_table(["Created", "To", "Subject", "Kind", "Status"], OutboxState.rows,
                   lambda r: rx.table.row(
                       rx.table.cell(r["created"]), rx.table.cell(r["to"]),
                       rx.table.cell(r["subject"]), rx.table.cell(r["kind_label"]),
                       rx.table.cell(status_badge(r["status"]))),
                   empty_text="No messages yet."),
        keyset_pager(OutboxState),
        width="100%", spacing="4",
    )
