"""Technician settlements: balances for a period, the jobs behind them, payouts."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, pager
from components.layout import app_page
from components.navigation import MONEY, NavItem, register_nav_item
from components.tables import data_table
from iprodash.services.dashboard import PERIODS
from iprodash.services.settlements import PAYOUT_METHODS
from state import routes
from state.session import SessionState
from state.settlements import ALL, SettlementsState as S

register_nav_item(NavItem("Settlements", routes.SETTLEMENTS, "hand-coins", "financials", MONEY),
                  before="Reports")


def _filters() -> rx.Component:
    return rx.hstack(
        rx.select.root(rx.select.trigger(aria_label="Period"),
                       rx.select.content(*[rx.select.item(label, value=value)
                                           for value, label in PERIODS.items()]),
                       value=S.period, on_change=S.set_period, size="3"),
        rx.cond(S.period == "custom", rx.form(
            rx.hstack(rx.input(type="date", name="start", default_value=S.start, size="3",
                               aria_label="From", required=True),
                      rx.input(type="date", name="end", default_value=S.end, size="3",
                               aria_label="To", required=True),
                      rx.button("Show", type="submit", size="3"), wrap="wrap"),
            on_submit=S.apply_custom)),
        rx.select.root(rx.select.trigger(aria_label="Technician"),
                       rx.select.content(rx.select.item("All technicians", value=ALL),
                                         rx.foreach(S.technicians, lambda t: rx.select.item(
                                             t["name"], value=t["id"]))),
                       value=S.technician, on_change=S.set_technician, size="3"),
        wrap="wrap", align="center", spacing="3", width="100%")


def _summary_row(r: rx.Var) -> rx.Component:
    pay = rx.cond(SessionState.is_admin & (r["unsettled"] != "0"),
                  rx.button("Record payout", size="1", on_click=S.ask_payout(r["id"])))
    return rx.table.row(*[rx.table.cell(r[k]) for k in (
        "name", "jobs", "gross", "commission", "tips", "parts_by_technician",
        "collected_by_technician", "balance")],
        rx.table.cell(r["unsettled"]), rx.table.cell(rx.text(r["open"], weight="bold")),
        rx.table.cell(pay))


def _payout_row(p: rx.Var) -> rx.Component:
    void = rx.cond(SessionState.is_admin & (p["voided"] == ""),
                   rx.button("Void", size="1", color_scheme="red", variant="soft",
                             on_click=S.ask_void(p["id"])))
    return rx.table.row(*[rx.table.cell(p[k]) for k in (
        "paid_at", "technician", "period", "jobs", "balance", "owes", "amount", "method",
        "note", "voided")], rx.table.cell(void))


def _dialogs() -> rx.Component:
    pay = rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Record payout"),
        rx.dialog.description(S.confirm_text),
        rx.form(rx.vstack(
            rx.text("Those jobs become settled and this period is locked for the technician "
                    "until the payout is voided.", size="2", color_scheme="gray"),
            rx.el.label("Amount paid $", html_for="payout_amount", font_size="14px"),
            rx.input(id="payout_amount", name="amount", default_value=S.pay_amount,
                     input_mode="decimal", required=True, width="100%"),
            rx.el.label("Paid by", html_for="payout_method", font_size="14px"),
            rx.el.select(*[rx.el.option(label, value=value)
                           for value, label in PAYOUT_METHODS.items()],
                         id="payout_method", name="method", default_value="cash"),
            rx.el.label("Note (required when the amount is not the balance)",
                        html_for="payout_note", font_size="14px"),
            rx.text_area(id="payout_note", name="note", max_length=500, width="100%"),
            error_callout(S.pay_error),
            rx.hstack(rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                on_click=S.cancel_dialogs),
                      rx.button("Record payout", type="submit"), justify="end", spacing="3",
                      width="100%"),
            spacing="2", width="100%"), on_submit=S.record_payout, key=S.pay_key),
        max_width="32em"), open=S.confirm_technician != "")
    void = rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title("Void payout"),
        rx.alert_dialog.description("Its jobs become unsettled and the period unlocks."),
        rx.input(placeholder="Reason (required)", value=S.void_reason,
                 on_change=S.set_void_reason, margin_top="1em"),
        rx.hstack(rx.button("Keep it", variant="soft", color_scheme="gray",
                            on_click=S.cancel_dialogs),
                  rx.button("Void payout", color_scheme="red", on_click=S.void_payout),
                  justify="end", spacing="3", margin_top="1em")), open=S.void_id != "")
    return rx.fragment(pay, void)


@app_page(routes.SETTLEMENTS, "Settlements", roles=("company_admin", "user"),
          on_load=[S.load])
def settlements_page() -> rx.Component:
    return rx.vstack(
        _filters(),
        rx.text("Balance = commission + tips + parts paid by the technician - money the technician "
                "collected, for every job closed in the period. Open now counts only the jobs "
                "no payout holds yet.", size="2", color_scheme="gray"),
        data_table(["Technician", "Jobs", "Gross", "Commission", "Tips", "Parts by tech",
                    "Collected by tech", "Period balance", "Unsettled jobs", "Open now", ""],
                   S.summaries,
                   _summary_row, empty_text="No closed jobs for this period."),
        rx.heading("Closed jobs", size="4"),
        data_table(["Job", "Closed", "Client", "Technician", "Gross", "Commission", "Tips",
                    "Parts by tech", "Collected by tech", "Balance", "Settled"], S.jobs,
                   lambda r: rx.table.row(*[rx.table.cell(r[k]) for k in (
                       "number", "closed_day", "client", "technician", "gross", "commission",
                       "tips", "parts_by_technician", "collected_by_technician", "balance",
                       "settled")]), empty_text="No closed jobs for this period."),
        pager(S.cursor_stack.length() > 0, S.has_next, S.previous_page, S.next_page),
        rx.heading("Payouts", size="4"),
        data_table(["Paid", "Technician", "Period", "Jobs", "Balance", "Direction", "Amount paid",
                    "Method", "Note", "", ""],
                   S.payouts, _payout_row, empty_text="No payouts recorded yet."),
        _dialogs(), width="100%", spacing="4")
