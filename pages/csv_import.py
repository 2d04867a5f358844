"""Import clients or jobs from CSV (preview, then all or nothing) and export jobs."""

from __future__ import annotations

import reflex as rx

from components.downloads import download_button
from components.layout import app_page
from components.navigation import RECORDS, NavItem, register_nav_item
from iprodash.domain.job_status import ALL_STATUSES, STATUS_LABELS
from iprodash.services.job_csv_import import MAX_IMPORT_BYTES
from iprodash.services.job_import_rows import COLUMNS
from state import routes
from state.csv_import import UPLOAD_ID, CsvImportState as S

register_nav_item(NavItem("Import and export", routes.CSV_IMPORT, "file-spreadsheet", "staff",
                          RECORDS))


def _columns_help(kind: str) -> rx.Component:
    required, optional = COLUMNS[kind]
    return rx.text(rx.text.strong("Columns: "), ", ".join(required), " (required), ",
                   ", ".join(optional), ".", size="2", color_scheme="gray")


def _import_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Import from CSV", size="4"),
        rx.radio(["jobs", "clients"], value=S.kind, on_change=S.set_kind, direction="row"),
        rx.cond(S.kind == "jobs", _columns_help("jobs"), _columns_help("clients")),
        rx.text("Dates are company time, like 2025-03-31 14:30. Technicians and lead sources "
                "are matched by name. Nothing is imported unless every row is good.", size="2",
                color_scheme="gray"),
        rx.upload(rx.vstack(rx.icon("upload"), rx.text("Drop a .csv file here or click to "
                                                        "choose one (at most 2 MB)."),
                            align="center"),
                  id=UPLOAD_ID, multiple=False, max_files=1, max_size=MAX_IMPORT_BYTES,
                  accept={"text/csv": [".csv"]}, border="1px dashed", padding="1.5em",
                  width="100%"),
        rx.hstack(rx.foreach(rx.selected_files(UPLOAD_ID), rx.text),
                  rx.button("Check file", on_click=S.check_file(
                      rx.upload_files(upload_id=UPLOAD_ID))), align="center", wrap="wrap"),
        width="100%", spacing="3"), width="100%")


def _preview() -> rx.Component:
    table = rx.box(rx.table.root(
        rx.table.header(rx.table.row(rx.foreach(S.columns, rx.table.column_header_cell))),
        rx.table.body(rx.foreach(S.sample, lambda row: rx.table.row(
            rx.foreach(row, rx.table.cell)))), size="1", variant="surface"),
        overflow_x="auto", width="100%")
    problems = rx.callout(rx.vstack(
        rx.text(S.error_count_text, " to fix; nothing will be imported until then."),
        rx.foreach(S.errors, lambda e: rx.text(e, size="2")), spacing="1"),
        icon="triangle-alert", color_scheme="red", role="alert", width="100%")
    return rx.cond(S.file_name != "", rx.card(rx.vstack(
        rx.heading("Preview of ", S.file_name, size="3"),
        rx.text(S.summary), table,
        rx.cond(S.error_count > 0, problems),
        rx.hstack(rx.button("Import", on_click=S.run_import, disabled=~S.can_import,
                            loading=S.busy),
                  rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel)),
        width="100%", spacing="3"), width="100%"))


def _select(name: str, label: str, options: list, dynamic=None) -> rx.Component:
    items = [rx.select.item(text, value=value) for value, text in options]
    if dynamic is not None:
        items.append(rx.foreach(dynamic, lambda pair: rx.select.item(pair[1], value=pair[0])))
    return rx.select.root(rx.select.trigger(aria_label=label, placeholder=label),
                          rx.select.content(*items),
                          on_change=lambda value: S.set_export_filter(name, value))


def _export_card() -> rx.Component:
    statuses = [("any", "Any status"), ("open", "Open")] + \
        [(s, STATUS_LABELS[s]) for s in ALL_STATUSES]
    return rx.card(rx.vstack(
        rx.heading("Export jobs to CSV", size="4"),
        rx.text("Every matching job is exported, with the finance columns when you may see "
                "financials.", size="2", color_scheme="gray"),
        rx.flex(
            _select("status", "Status", statuses),
            _select("technician", "Technician", [("any", "Any technician"),
                                                 ("none", "Unassigned")], S.technicians),
            _select("source", "Lead source", [("any", "Any source"), ("none", "No source")],
                    S.sources),
            _select("date_field", "Dates by", [("scheduled", "Scheduled date"),
                                               ("closed", "Closed date")]),
            rx.input(type="date", aria_label="From",
                     on_change=lambda v: S.set_export_filter("from", v)),
            rx.input(type="date", aria_label="To",
                     on_change=lambda v: S.set_export_filter("to", v)),
            rx.input(placeholder="Name, phone, #number",
                     on_blur=lambda v: S.set_export_filter("q", v)),
            wrap="wrap", gap="2", width="100%"),
        download_button("Download CSV", S.export_url, variant="solid"),
        width="100%", spacing="3"), width="100%")


@app_page(routes.CSV_IMPORT, "Import and export", roles=("company_admin", "user"),
          on_load=[S.load])
def csv_import_page() -> rx.Component:
    return rx.vstack(_import_card(), _preview(), _export_card(), width="100%", spacing="4")
