"""Lead sources: where jobs come from and what each is paid."""

from __future__ import annotations

import reflex as rx

from components.catalog import active_toggle, edit_dialog, show_select
from components.forms import error_callout, field, keyset_pager, submit_button
from components.layout import app_page
from components.tables import data_table, status_badge
from state import routes
from state.lead_sources import LeadSourcesState as S

OFFICE = ("company_admin", "user")


def _form() -> rx.Component:
    values = S.form_values
    return rx.form(rx.vstack(
        error_callout(S.form_error),
        field("Name", "name", default_value=values["name"], required=True,
              placeholder="Google Ads"),
        rx.vstack(rx.text("Paid", size="2", weight="medium"),
                  rx.radio_group(["percent", "fixed"], value=S.form_kind,
                                 on_change=S.set_form_kind, direction="row"),
                  rx.text("percent: a share of each closed job's net; fixed: an amount per "
                          "closed job.", size="1", color_scheme="gray"), spacing="1"),
        rx.cond(S.form_kind == "percent",
                field("Commission % of net", "rate_percent",
                      default_value=values["rate_percent"]),
                field("Amount per closed job $", "fixed_amount",
                      default_value=values["fixed_amount"])),
        submit_button("Save lead source"),
        spacing="3", width="100%"), on_submit=S.save, key=S.form_key, width="100%")


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]), rx.table.cell(row["commission_text"]),
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(rx.cond(S.is_admin, rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=S.open_edit(row["id"])),
            active_toggle(S, row),
            spacing="2"))))


@app_page(routes.LEAD_SOURCES, "Lead sources", roles=OFFICE, on_load=[S.load])
def lead_sources_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            show_select(S),
            rx.spacer(),
            rx.cond(S.is_admin, rx.button(rx.icon("plus"), "Add lead source", size="3",
                                          on_click=S.open_new)),
            width="100%", align="center"),
        data_table(["Name", "Commission", "Status", ""], S.rows, _row,
                   empty_text="No lead sources here yet."),
        keyset_pager(S),
        edit_dialog(S, "lead source", _form()),
        width="100%", spacing="4")

