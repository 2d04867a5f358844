"""Clients: find one by name, address or phone; add and edit."""

from __future__ import annotations

import reflex as rx

from components.address_fields import address_fields
from components.catalog import edit_dialog
from components.forms import error_callout, field, keyset_pager, submit_button
from components.layout import app_page
from components.tables import data_table
from components.texting_chip import consent_checkbox
from state import routes
from state.clients import ClientsState as S
from state.texting_chip import CLIENT_SCRIPT

OFFICE = ("company_admin", "user")


def _form() -> rx.Component:
    values = S.form_values
    return rx.form(rx.vstack(
        error_callout(S.form_error),
        field("Name", "name", default_value=values["name"], required=True),
        field("Phone", "phone", type_="tel", default_value=values["phone"], required=True,
              placeholder="(212) 555-0100"),
        field("Email", "email", type_="email", default_value=values["email"]),
        consent_checkbox("Client agreed to texts on this call",
                         f"Tick only if they said yes when you asked: \"{CLIENT_SCRIPT}\" "
                         "A number that already gets texts is left as it is."),
        address_fields(),
        submit_button("Save client"),
        spacing="3", width="100%"), on_submit=S.save, key=S.form_key, width="100%")


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["name"], href=f"{routes.CLIENTS}/{row['id']}")),
        rx.table.cell(row["phone_display"]),
        rx.table.cell(row["email"]), rx.table.cell(row["address_text"]),
        rx.table.cell(rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=S.open_edit(row["id"])),
            rx.link(rx.button("Jobs", size="1", variant="soft", color_scheme="gray"),
                    href=routes.JOBS + "?q=" + row["phone"].to(str).replace("+", "%2B")),
            spacing="2")))


@app_page(routes.CLIENTS, "Clients", roles=OFFICE, on_load=[S.load])
def clients_page() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.form(rx.hstack(
                rx.input(name="query", placeholder="Name, address or phone", size="3",
                         default_value=S.query, width="100%", type="search"),
                rx.button(rx.icon("search"), "Search", type="submit", size="3"),
                width="100%"), on_submit=S.search, flex="1", min_width="16em"),
            rx.button(rx.icon("plus"), "Add client", size="3", on_click=S.open_new),
            gap="3", wrap="wrap", width="100%"),
        data_table(["Name", "Phone", "Email", "Address", ""], S.rows, _row,
                   empty_text="No clients match. Add the first one with Add client, or book a "
                              "job: its client is added here."),
        keyset_pager(S),
        edit_dialog(S, "client", _form(), max_width="34em"),
        width="100%", spacing="4")
