"""Jobs list: filters (kept in the URL), search, keyset pager, count, export."""

from __future__ import annotations

import reflex as rx

from components.downloads import download_button
from components.forms import keyset_pager
from components.layout import app_page
from components.navigation import DAILY_WORK, NAV_ITEMS, SET_UP, NavItem, register_nav_item
from components.responsive import narrow_only, wide_only
from components.tables import data_table
from state import routes
from state.jobs import ANY
from state.jobs import JobsState as S

OFFICE = ("company_admin", "user")
STATUS_CHOICES = [(ANY, "Any status"), ("open", "Open (not closed or canceled)"),
                  ("new", "New"), ("scheduled", "Scheduled"), ("en_route", "En route"),
                  ("in_progress", "In progress"), ("pending_approval", "Pending approval"),
                  ("closed", "Closed"), ("canceled", "Canceled")]
STATUS_COLORS = (("new", "blue"), ("scheduled", "indigo"), ("en_route", "cyan"),
                 ("in_progress", "amber"), ("pending_approval", "orange"), ("closed", "green"),
                 ("canceled", "gray"))


def job_status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    """A job status as a colored badge."""
    return rx.badge(label, color_scheme=rx.match(status, *STATUS_COLORS, "gray"), size="2")


def _select(name: str, value: rx.Var, options: list[tuple[str, str]], label: str,
            dynamic: rx.Var | None = None) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_width="10em"),
        rx.select.content(
            *[rx.select.item(text, value=key) for key, text in options],
            *([rx.foreach(dynamic, lambda o: rx.select.item(o["name"], value=o["id"]))]
              if dynamic is not None else [])),
        value=value, on_change=lambda v: S.set_filter(name, v), size="2")


def _filters() -> rx.Component:
    return rx.vstack(
        rx.form(rx.hstack(
            rx.input(name="q", default_value=S.q, placeholder="Phone, #job number, name or "
                     "address", size="3", width="100%", type="search"),
            rx.button(rx.icon("search"), "Search", type="submit", size="3"),
            width="100%"), on_submit=S.search, key=S.filters_key, width="100%"),
        rx.flex(
            _select("status", S.status, STATUS_CHOICES, "Status"),
            _select("technician", S.technician, [(ANY, "Any technician"), ("none", "Unassigned")],
                    "Technician", S.technicians),
            _select("source", S.source, [(ANY, "Any lead source"), ("none", "No source")],
                    "Lead source", S.sources),
            _select("date_field", S.date_field, [("scheduled", "By scheduled date"),
                                                 ("closed", "By closed date"),
                                                 ("unscheduled", "Unscheduled jobs")], "Dates"),
            rx.cond(S.date_field != "unscheduled", rx.form(rx.flex(
                rx.input(type="date", name="from", default_value=S.date_from, aria_label="From"),
                rx.text("to", size="2"),
                rx.input(type="date", name="to", default_value=S.date_to, aria_label="To"),
                rx.button("Apply", type="submit", variant="soft"), align="center", gap="2",
                wrap="wrap"),
                on_submit=S.set_dates, key=S.filters_key)),
            _select("order", S.order, [("desc", "Latest first"), ("asc", "Earliest first")],
                    "Order"),
            rx.button("Clear filters", variant="ghost", on_click=S.clear_filters),
            gap="2", wrap="wrap", align="center", width="100%"),
        width="100%", spacing="2")


def _card(row: rx.Var) -> rx.Component:
    """A job on a phone: the whole card opens the job."""
    return rx.link(rx.card(rx.vstack(
        rx.hstack(rx.text("#", row["number"], weight="bold"), rx.spacer(),
                  job_status_badge(row["status"], row["status_label"]), width="100%",
                  align="center"),
        rx.text(row["when"], size="2"),
        rx.text(row["client_name"], " · ", row["phone"], size="2"),
        rx.text(row["address"], size="2", color_scheme="gray"),
        rx.hstack(rx.text(row["technician"], size="2"), rx.spacer(),
                  rx.text(row["price_text"], size="2", weight="medium"), width="100%"),
        spacing="1", width="100%"), width="100%"),
        href=routes.JOBS + "/" + row["id"].to(str), underline="none", color="inherit",
        width="100%")


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text("#", row["number"], weight="bold"),
                              href=routes.JOBS + "/" + row["id"].to(str))),
        rx.table.cell(row["when"], white_space="nowrap"),
        rx.table.cell(rx.vstack(rx.text(row["client_name"]),
                                rx.text(row["phone"], size="1", color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(row["address"]), rx.table.cell(row["technician"]),
        rx.table.cell(row["lead_source"]),
        rx.table.cell(job_status_badge(row["status"], row["status_label"])),
        rx.table.cell(row["price_text"]))


@app_page(routes.JOBS, "Jobs", roles=OFFICE, on_load=[S.load])
def jobs_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(rx.button(rx.icon("plus"), "New job", size="3"), href=routes.JOB_NEW),
            rx.spacer(),
            rx.text(S.count_text, size="2", color_scheme="gray"),
            rx.cond(S.date_field != "unscheduled",
                    download_button("Export CSV", S.export_url)),
            width="100%", align="center", wrap="wrap"),
        _filters(),
        rx.cond(S.mode == "search",
                rx.text("Search looks at jobs of every date.", size="1", color_scheme="gray")),
        wide_only(data_table(["Job", "When", "Client", "Address", "Technician", "Source",
                              "Status", "Price"], S.rows, _row,
                             empty_text="No jobs match these filters.")),
        narrow_only(rx.cond(S.rows.length() > 0,
                            rx.vstack(rx.foreach(S.rows, _card), spacing="2", width="100%"),
                            rx.callout("No jobs match these filters.", icon="inbox",
                                       color_scheme="gray", width="100%"))),
        rx.hstack(keyset_pager(S),
                  rx.text("Page ", S.page_number, size="2", color_scheme="gray"),
                  align="center"),
        width="100%", spacing="4")


def _register_after(item: NavItem, after: str) -> None:
    labels = [i.label for i in NAV_ITEMS]
    index = labels.index(after) + 1 if after in labels else len(labels)
    register_nav_item(item, before=labels[index] if index < len(labels) else "My profile")


for _item, _after in (
        (NavItem("Jobs", routes.JOBS, "briefcase", "staff", DAILY_WORK), "Dashboard"),
        (NavItem("Dispatch board", routes.BOARD, "columns-3", "staff", DAILY_WORK), "Jobs"),
        (NavItem("Clients", routes.CLIENTS, "contact", "staff", DAILY_WORK),
         "Dispatch board"),
        (NavItem("Technicians", routes.TECHNICIANS, "hard-hat", "staff", SET_UP), "Clients"),
        (NavItem("Lead sources", routes.LEAD_SOURCES, "megaphone", "staff", SET_UP),
         "Technicians")):
    _register_after(_item, _after)
