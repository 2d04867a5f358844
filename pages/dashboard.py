"""Dashboard: tiles and profit charts for a period (counts only without financials)."""

from __future__ import annotations

import reflex as rx

from components.approval_queue import approval_queue
from components.layout import app_page
from components.tables import data_table
from iprodash.services.dashboard import PERIODS
from state import routes
from state.dashboard import DashboardState as S


def _period_picker() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(aria_label="Period"),
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
        rx.text(S.period_label, color_scheme="gray", size="2"),
        wrap="wrap", align="center", spacing="3", width="100%",
    )


def _tile(tile: rx.Var) -> rx.Component:
    return rx.card(rx.vstack(rx.text(tile["label"], size="2", color_scheme="gray"),
                             rx.heading(tile["value"], size="6", white_space="nowrap"),
                             spacing="1"),
                   min_width="12em", flex="1 1 12em")


def _chart(title: str, figure: rx.Var, shown: rx.Var, empty: str) -> rx.Component:
    """A chart card; with nothing to draw it says what will appear and how."""
    return rx.card(rx.vstack(
        rx.heading(title, size="3"),
        rx.cond(shown,
                # The basic Plotly bundle (bar, scatter, pie: all these charts use)
                # is about a fifth of the full one; Reflex loads it on its own.
                rx.plotly.basic(data=figure, width="100%",
                                config={"displayModeBar": False, "responsive": True}),
                rx.text(empty, size="2", color_scheme="gray")),
        width="100%"), width="100%")


def _setup_step(step: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(step["done"] != "",
                rx.icon("circle-check", color=rx.color("green", 9), size=20),
                rx.icon("circle", color=rx.color("gray", 8), size=20)),
        rx.vstack(rx.cond(step["done"] != "",
                          rx.text(step["label"], weight="medium", color_scheme="gray"),
                          rx.link(step["label"], href=step["href"], weight="medium")),
                  rx.text(step["hint"], size="1", color_scheme="gray"), spacing="0"),
        align="start", spacing="2")


def _get_started() -> rx.Component:
    return rx.cond(S.setup_steps.length() > 0, rx.card(rx.vstack(
        rx.hstack(rx.heading("Get started", size="4"), rx.spacer(),
                  rx.text(S.setup_done_count, " of ", S.setup_steps.length(), " done",
                          size="2", color_scheme="gray"), width="100%", align="center"),
        rx.grid(rx.foreach(S.setup_steps, _setup_step),
                columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%"),
        spacing="3", width="100%"), width="100%"))


def _source_table() -> rx.Component:
    return data_table(
        ["Lead source", "Jobs closed", "Company profit", "Paid to source", "ROI"], S.source_rows,
        lambda r: rx.table.row(*[rx.table.cell(r[k]) for k in ("name", "closed", "profit",
                                                                 "paid", "roi")]),
        empty_text="No closed jobs in this period.")


@app_page(routes.DASHBOARD, "Dashboard", roles=("company_admin", "user"), on_load=[S.load])
def dashboard_page() -> rx.Component:
    return rx.vstack(
        _get_started(),
        approval_queue(),
        _period_picker(),
        rx.flex(rx.foreach(S.tiles, _tile), wrap="wrap", gap="3", width="100%"),
        rx.cond(~S.has_jobs, rx.callout("No jobs were booked or closed in this period.",
                                        icon="inbox", color_scheme="gray", width="100%")),
        rx.cond(S.financial, rx.vstack(
            _chart("Company profit over time", S.profit_chart, S.has_closed,
                   "Profit appears here, day by day, as jobs are closed in this period. "
                   "Close a job from its page once the technician is done."),
            rx.grid(_chart("Profit by technician", S.technician_chart, S.has_technician_rows,
                           "Each technician's profit appears here once they have closed "
                           "jobs in this period. Add technicians under Technicians."),
                    _chart("Profit and ROI by lead source", S.source_chart, S.has_source_rows,
                           "What each lead source earned and cost appears here once jobs "
                           "from it are closed. Add sources under Lead sources."),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            _source_table(), width="100%", spacing="4")),
        rx.grid(_chart("Jobs booked in this period, by status", S.status_chart, S.has_jobs,
                       "Jobs booked in this period appear here as open, closed or "
                       "canceled. Book one with New job on the Jobs page."),
                columns=rx.breakpoints(initial="1", md="2"), width="100%"),
        rx.cond(~S.financial, rx.text("Profit figures are shown to company admins and to users "
                                      "with the 'view financials' permission.", size="2",
                                      color_scheme="gray")),
        width="100%", spacing="4",
    )
