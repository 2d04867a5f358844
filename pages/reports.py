"""Reports: make PDF reports, download or email them, schedule the weekly/monthly pack."""

from __future__ import annotations

import reflex as rx

from components.downloads import download_link
from components.forms import error_callout, pager
from components.layout import app_page
from components.navigation import MONEY, NavItem, register_nav_item
from components.tables import data_table
from state import routes
from state.report_delivery import ReportEmailState, ReportScheduleState
from state.reports import ReportsState
from state.session import SessionState

STAFF = ("company_admin", "user")


def _choice(label: str, options: rx.Var, value: rx.Var, on_change, placeholder: str,
            extra: rx.Component | None = None) -> rx.Component:
    items = rx.foreach(options, lambda o: rx.select.item(o["label"], value=o["value"]))
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.select.root(rx.select.trigger(placeholder=placeholder, width="100%"),
                       rx.select.content(*([extra] if extra else []), items),
                       value=value, on_change=on_change, size="3"),
        spacing="1", width="100%")


def _date(label: str, value: rx.Var, on_change) -> rx.Component:
    input_id = f"report-{label.lower()}"
    return rx.vstack(rx.el.label(label, html_for=input_id, font_size="14px", font_weight="500"),
                     rx.input(id=input_id, type="date", value=value, on_change=on_change,
                              size="3"),
                     spacing="1")


def _make_card() -> rx.Component:
    s = ReportsState
    return rx.card(rx.vstack(
        rx.heading("Make a report", size="4"),
        _choice("Report", s.kinds, s.kind, s.set_kind, "Pick a report"),
        rx.text(s.kind_hint, size="2", color_scheme="gray"),
        rx.cond(s.needs_period,
                rx.hstack(_date("From", s.start, s.set_start), _date("To", s.end, s.set_end),
                          wrap="wrap"),
                rx.vstack(rx.text("Job number", size="2", weight="medium"),
                          rx.input(placeholder="e.g. 1042", value=s.job, on_change=s.set_job,
                                   size="3"), spacing="1")),
        rx.cond(s.kind == "settlement",
                _choice("Technician", s.technicians, s.technician_id, s.set_technician_id,
                        "Pick a technician")),
        rx.cond(s.kind == "lead_sources",
                _choice("Lead source", s.sources, rx.cond(s.source_id == "", "all", s.source_id),
                        s.set_source_id, "All sources",
                        extra=rx.select.item("All sources", value="all"))),
        error_callout(s.error),
        rx.button(rx.icon("file-text", size=16), "Make the PDF", size="3", loading=s.busy,
                  on_click=s.generate),
        rx.cond(s.busy, rx.vstack(
            rx.progress(value=s.percent, max=100, width="100%"),
            rx.text(s.stage, " (", s.percent, "%)", size="2", color_scheme="gray",
                    role="status"),
            width="100%", spacing="1")),
        spacing="3", width="100%"), width="100%", max_width="40em")


def _report_row(row: rx.Var) -> rx.Component:
    may_email = (row["kind"] == "receipt") | SessionState.is_admin
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row["title"], weight="medium"),
                                rx.text(row["kind_label"], size="1", color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(row["made_by"]),
        rx.table.cell(row["made_at"]),
        rx.table.cell(row["pages"], " p. · ", row["size"]),
        rx.table.cell(rx.hstack(
            download_link("Download PDF", href=row["download_url"]),
            rx.cond(may_email, rx.button(
                "Email it", size="1", variant="soft",
                on_click=ReportEmailState.start(row["id"], row["title"]))),
            spacing="3", align="center")),
    )


def _list_card() -> rx.Component:
    s = ReportsState
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Made reports", size="4"), rx.spacer(),
                  rx.button(rx.icon("refresh-cw", size=16), "Refresh", variant="ghost",
                            on_click=s.refresh), width="100%"),
        data_table(["Report", "Made by", "When", "Size", ""], s.rows, _report_row,
                   empty_text="No reports yet. Make one above."),
        pager(s.cursor_stack.length() > 0, s.has_next, s.previous_page, s.next_page),
        spacing="3", width="100%"), width="100%")


def _email_dialog() -> rx.Component:
    s = ReportEmailState
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Email this report"),
        rx.dialog.description(s.report_title, size="2"),
        rx.vstack(
            rx.input(placeholder="client@example.com", type="email", value=s.to,
                     on_change=s.set_to, size="3", width="100%", aria_label="Email address"),
            rx.input(placeholder="Type the address again", type="email", value=s.confirm_to,
                     on_change=s.set_confirm_to, size="3", width="100%",
                     aria_label="Confirm the email address"),
            rx.text("The PDF goes as an attachment. Check the address: the report may hold "
                    "private figures.", size="1", color_scheme="gray"),
            error_callout(s.error),
            rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                      rx.button("Send", on_click=s.send), justify="end", width="100%"),
            spacing="3", width="100%", margin_top="1em"),
    ), open=s.dialog_open, on_open_change=s.set_dialog_open)


def _schedule_card() -> rx.Component:
    s = ReportScheduleState
    return rx.card(rx.vstack(
        rx.heading("Scheduled delivery", size="4"),
        rx.text("The profit and loss plus every technician's settlement statement, emailed "
                "once for each finished week (Monday to Sunday) or month.", size="2"),
        data_table(["Sent", "To", "Set up by", ""], s.rows, lambda r: rx.table.row(
            rx.table.cell(r["cadence_label"]), rx.table.cell(r["email"]),
            rx.table.cell(r["created_by"]),
            rx.table.cell(rx.button("Stop", size="1", color_scheme="red", variant="soft",
                                    on_click=ReportScheduleState.unsubscribe(r["id"])))),
            empty_text="No scheduled deliveries."),
        rx.hstack(
            rx.select.root(rx.select.trigger(), rx.select.content(
                rx.select.item("Every week", value="weekly"),
                rx.select.item("Every month", value="monthly")),
                value=s.cadence, on_change=s.set_cadence, size="3"),
            rx.input(placeholder="owner@example.com", type="email", value=s.email,
                     on_change=s.set_email, size="3", aria_label="Send to"),
            rx.input(placeholder="Type the address again", type="email", value=s.confirm_email,
                     on_change=s.set_confirm_email, size="3", aria_label="Confirm the address"),
            rx.button("Subscribe", size="3", on_click=s.subscribe),
            wrap="wrap", align="end"),
        error_callout(s.error),
        spacing="3", width="100%"), width="100%")


@app_page(routes.REPORTS, "Reports", roles=STAFF,
          on_load=[ReportsState.load, ReportScheduleState.load])
def reports_page() -> rx.Component:
    return rx.vstack(
        _make_card(), _list_card(),
        rx.cond(SessionState.is_admin, _schedule_card()),
        _email_dialog(),
        width="100%", spacing="4",
    )


register_nav_item(NavItem("Reports", routes.REPORTS, "file-text", "staff", MONEY))
