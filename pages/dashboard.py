"""Dashboard: tiles and profit charts for a period (counts only without financials)."""

from __future__ import annotations

import reflex as rx

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
                             rx.heading(tile["value"], size="6"), spacing="1"),
                   min_width="10em", flex="1")


def _chart(title: str, figure: rx.Var) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="3"),
                             rx.plotly(data=figure, width="100%",
                                       config={"displayModeBar": False, "responsive": True}),
                             width="100%"), width="100%")


def _source_table() -> rx.Component:
    return data_table(
        ["Lead source", "Jobs closed", "Company profit", "Paid to source", "ROI"], S.source_rows,
        lambda r: rx.table.row(*[rx.table.cell(r[k]) for k in ("name", "closed", "profit",
                                                                 "paid", "roi")]),
        empty_text="No closed jobs in this period.")


@app_page(routes.DASHBOARD, "Dashboard", roles=("company_admin", "user"), on_load=[S.load])
def dashboard_page() -> rx.Component:
    return rx.vstack(
        _period_picker(),
        rx.flex(rx.foreach(S.tiles, _tile), wrap="wrap", gap="3", width="100%"),
        rx.cond(~S.has_jobs, rx.callout("No jobs were booked or closed in this period.",
                                        icon="inbox", color_scheme="gray", width="100%")),
        rx.cond(S.financial, rx.vstack(
            _chart("Company profit over time", S.profit_chart),
            rx.grid(_chart("Profit by technician", S.technician_chart),
                    _chart("Profit and ROI by lead source", S.source_chart),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            _source_table(), width="100%", spacing="4")),
        rx.grid(_chart("Jobs booked in this period, by status", S.status_chart),
                columns=rx.breakpoints(initial="1", md="2"), width="100%"),
        rx.cond(~S.financial, rx.text("Profit figures are shown to company admins and to users "
                                      "with the 'view financials' permission.", size="2",
                                      color_scheme="gray")),
        width="100%", spacing="4",
    )
