"""Technicians: everyone in the office reads the list; the company admin edits it."""

from __future__ import annotations

import reflex as rx

from components.catalog import active_toggle, edit_dialog, show_select
from components.delete_person import delete_person_button
from components.forms import error_callout, field, keyset_pager, submit_button
from components.layout import app_page
from components.tables import data_table, status_badge
from components.texting_chip import consent_checkbox
from state import routes
from state.technicians import TechniciansState as S
from state.texting_chip import TECHNICIAN_SCRIPT

OFFICE = ("company_admin", "user")


def _form() -> rx.Component:
    values = S.form_values
    return rx.form(rx.vstack(
        error_callout(S.form_error),
        field("Name", "name", default_value=values["name"], required=True),
        field("Nickname (shown to clients)", "nickname", default_value=values["nickname"]),
        field("Mobile phone", "phone", type_="tel", default_value=values["phone"],
              required=True, placeholder="(212) 555-0100"),
        field("Email", "email", type_="email", default_value=values["email"]),
        consent_checkbox("Technician agreed to texts",
                         f"Ask them in person: \"{TECHNICIAN_SCRIPT}\" Tick only if they said "
                         "yes; they get one welcome text with how to stop."),
        rx.hstack(field("Commission %", "commission_percent",
                        default_value=values["commission_percent"], input_mode="decimal"),
                  field("Per-job fee $", "job_fee", default_value=values["job_fee"],
                        input_mode="decimal"), width="100%"),
        field("Board color", "color", type_="color", default_value=values["color"]),
        rx.text("Rate changes apply to jobs closed from now on; closed jobs keep their rates.",
                size="1", color_scheme="gray"),
        submit_button("Save technician"),
        spacing="3", width="100%"), on_submit=S.save, key=S.form_key, width="100%")


def _actions(row: rx.Var) -> rx.Component:
    send_link = rx.cond(row["active"], rx.button(
        rx.icon("send", size=14), "Send sign-in link", size="1", variant="soft",
        on_click=S.send_link(row["id"])))
    return rx.cond(row["deleted"], rx.badge("Deleted", color_scheme="gray"), rx.flex(
        send_link,
        rx.cond(S.is_admin, rx.fragment(
            rx.button("Edit", size="1", variant="soft", on_click=S.open_edit(row["id"])),
            rx.button("Turn off links", size="1", variant="soft", color_scheme="orange",
                      on_click=S.revoke_links(row["id"])),
            active_toggle(S, row),
            rx.tooltip(rx.button("Export their data", size="1", variant="soft",
                                 on_click=S.export_data(row["id"])),
                       content="Their personal data as a ZIP, for when they ask the office"),
            delete_person_button(row["name"], S.delete(row["id"])))),
        gap="2", wrap="wrap"))


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.hstack(rx.box(width="0.8em", height="0.8em", border_radius="50%",
                                       background=row["color"]),
                                rx.text(row["name"]), align="center")),
        rx.table.cell(row["nickname"]), rx.table.cell(row["phone_display"]),
        rx.table.cell(row["commission_text"]), rx.table.cell(row["job_fee_text"]),
        rx.table.cell(status_badge(row["status"])), rx.table.cell(_actions(row)))


@app_page(routes.TECHNICIANS, "Technicians", roles=OFFICE, on_load=[S.load])
def technicians_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            show_select(S),
            rx.spacer(),
            rx.cond(S.is_admin, rx.button(rx.icon("plus"), "Add technician", size="3",
                                          on_click=S.open_new)),
            width="100%", align="center"),
        data_table(["Name", "Nickname", "Phone", "Commission", "Per-job fee", "Status", ""],
                   S.rows, _row, empty_text="No technicians here yet. An admin adds the first "
                   "one with \"Add technician\"; they then get their jobs by a sign-in link."),
        keyset_pager(S),
        edit_dialog(S, "technician", _form()),
        width="100%", spacing="4")

