"""One client: contact details and their corrections, texting consent, jobs with
their money, the texts, the office's note, and (admins) erasure."""

from __future__ import annotations

import reflex as rx

from components.address_fields import address_fields
from components.forms import error_callout, field, keyset_pager, submit_button
from components.layout import app_page
from components.tables import data_table
from components.texting_chip import texting_chip
from components.thread_panel import thread_panel
from pages.jobs import job_status_badge
from state import routes
from state.client_detail import ClientDetailState as S
from state.conversations import ThreadState
from state.session import SessionState
from state.texting_chip import TextingChipState

OFFICE = ("company_admin", "user")


def _line(label: str, value: rx.Var) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", min_width="7em"),
                     rx.text(rx.cond(value != "", value, "—"), size="2",
                             overflow_wrap="anywhere"), align="start", width="100%")


def _details() -> rx.Component:
    c = S.client
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(c["name"], size="5"), rx.spacer(),
                  rx.button(rx.icon("pencil"), "Edit details", variant="soft", size="2",
                            on_click=S.open_edit), width="100%", align="center", wrap="wrap"),
        _line("Phone", c["phone_display"]), _line("Email", c["email"]),
        _line("Address", c["address_text"]), texting_chip(),
        spacing="2", width="100%"), width="100%")


def _job_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link("#", r["number"], href=f"{routes.JOBS}/{r['id']}")),
        rx.table.cell(rx.text(r["when"], size="2")),
        rx.table.cell(job_status_badge(r["status"], r["status_label"])),
        rx.table.cell(r["price"]), rx.table.cell(r["paid"]))


def _jobs() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Jobs", size="3"),
        data_table(["Job", "When", "Status", "Price", "Paid"], S.rows, _job_row,
                   empty_text="No jobs for this client yet. Book one from New job with this "
                              "client's phone number; it appears here."),
        keyset_pager(S), spacing="3", width="100%"), width="100%")


def _note() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("Note", size="3"),
        rx.text("For the office only: gate codes, preferences, anything worth knowing.",
                size="1", color_scheme="gray"),
        error_callout(S.note_error),
        rx.text_area(name="note", default_value=S.note, rows="4", width="100%",
                     aria_label="Client note", key=S.note),
        rx.button("Save note", type="submit", size="2"),
        spacing="2", width="100%"), on_submit=S.save_note, width="100%"), width="100%")


def _history() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Changes to these details", size="3"),
        rx.cond(S.history.length() > 0,
                rx.vstack(rx.foreach(S.history, lambda h: rx.vstack(
                    rx.text(h["when"], " · ", h["who"], " · ", h["what"], size="1",
                            color_scheme="gray"),
                    rx.text(h["changes"], size="2", overflow_wrap="anywhere"), spacing="0")),
                          spacing="2", width="100%"),
                rx.text("No changes recorded yet. Every edit of the details or the note is "
                        "listed here with who made it.", size="2", color_scheme="gray")),
        spacing="2", width="100%"), width="100%")


def _edit_dialog() -> rx.Component:
    v = S.form_values
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Edit client"),
        rx.form(rx.vstack(
            error_callout(S.form_error),
            field("Name", "name", default_value=v["name"], required=True),
            field("Phone", "phone", type_="tel", default_value=v["phone"], required=True),
            field("Email", "email", type_="email", default_value=v["email"]),
            address_fields(), submit_button("Save details"),
            spacing="3", width="100%"), on_submit=S.save_details, key=S.form_key, width="100%"),
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", width="100%",
                                  margin_top="0.5em")),
        max_width="34em"), open=S.edit_open, on_open_change=S.set_edit_open)


def _erase() -> rx.Component:
    return rx.cond(SessionState.is_admin, rx.fragment(
        rx.card(rx.vstack(
            rx.heading("Erase this client", size="3"),
            rx.text("Removes their details, texts, photos and receipts everywhere; their jobs "
                    "stay in the figures as 'Erased client'. It cannot be undone.", size="2",
                    color_scheme="gray"),
            rx.button("Erase client…", color_scheme="red", variant="soft",
                      on_click=S.open_erase),
            spacing="2", width="100%"), width="100%"),
        rx.alert_dialog.root(rx.alert_dialog.content(
            rx.alert_dialog.title("Erase ", S.client["name"], "?"),
            rx.alert_dialog.description(
                "Their personal data goes from every job, text and file. A number that said "
                "STOP stays blocked. This cannot be undone."),
            rx.flex(rx.alert_dialog.cancel(rx.button("Keep client", variant="soft",
                                                     color_scheme="gray")),
                    rx.alert_dialog.action(rx.button("Erase client", color_scheme="red",
                                                     on_click=S.confirm_erase)),
                    gap="3", justify="end", margin_top="1em")),
            open=S.erase_open, on_open_change=S.set_erase_open)))


@app_page(routes.CLIENT_DETAIL, "Client", roles=OFFICE,
          on_load=[S.load, ThreadState.load_for_client, TextingChipState.load_client_from_path])
def client_detail_page() -> rx.Component:
    return rx.vstack(
        rx.link("← All clients", href=routes.CLIENTS, size="2"),
        rx.grid(rx.vstack(_details(), _jobs(), _note(), width="100%", spacing="4"),
                rx.vstack(thread_panel("This client has no phone number to text."),
                          _history(), _erase(), width="100%", spacing="4"),
                columns=rx.breakpoints(initial="1", md="2"), gap="4", width="100%"),
        _edit_dialog(),
        width="100%", spacing="4")
