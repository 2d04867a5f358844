"""One job: details, status buttons, the technician's evidence, payments and parts,
money breakdown, history."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, submit_button
from components.invoice_editor import invoice_editor
from components.job_evidence import evidence_card, photo_viewer
from components.layout import app_page
from components.labels import code_select
from components.tables import data_table
from components.texting_chip import texting_chip
from components.thread_panel import thread_panel
from iprodash.domain.line_items import COLLECTOR_LABELS, PAYMENT_METHOD_LABELS
from state import routes
from pages.job_form import job_form_fields
from pages.job_receipt import email_receipt_button, email_receipt_dialog
from pages.jobs import job_status_badge
from state.job_detail import JobDetailState as S
from state.job_money import JobMoneyState as M
from state.texting_chip import TextingChipState as T

OFFICE = ("company_admin", "user")


def _line(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(value != "", rx.hstack(
        rx.text(label, size="2", color_scheme="gray", min_width="7em"),
        rx.text(value, size="2", white_space="pre-wrap"), align="start", width="100%"))


def _move_button(move: rx.Var) -> rx.Component:
    return rx.match(
        move["kind"],
        ("close", rx.button(rx.icon("circle-check"), move["label"], color_scheme="green",
                            on_click=M.open_close)),
        ("reason", rx.button(move["label"], variant="soft", color_scheme="red",
                             on_click=S.open_reason(move["target"], move["label"]))),
        rx.button(move["label"], variant="soft", on_click=S.move(move["target"])))


def _header() -> rx.Component:
    job = S.job
    return rx.vstack(
        rx.hstack(rx.heading("#", job["number"], " ", job["client_name"], size="5"),
                  job_status_badge(job["status"], job["status_label"]),
                  rx.cond(job["settled"], rx.badge("In a technician payout", color_scheme="gray")),
                  align="center", wrap="wrap"),
        rx.text(job["window_text"], " · ", rx.cond(job["technician_name"] != "",
                                                    job["technician_name"], "Unassigned"),
                size="2", color_scheme="gray"),
        texting_chip(),
        rx.cond(job["status"] == "pending_approval", rx.callout(
            "The technician marked this job done. Check the photos, notes and time line, then "
            "approve and close it or send it back with a reason.", icon="clipboard-check",
            color_scheme="amber", width="100%")),
        rx.flex(rx.foreach(S.moves, _move_button),
                rx.cond(job["editable"], rx.button(rx.icon("pencil"), "Edit job", variant="soft",
                                                   color_scheme="gray", on_click=S.open_edit)),
                email_receipt_button(),
                rx.link(rx.button("Back to jobs", variant="ghost"), href=routes.JOBS),
                gap="2", wrap="wrap"),
        width="100%", spacing="2")


def _details() -> rx.Component:
    job = S.job
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Details", size="3"), rx.spacer(),
                  rx.cond(job["client_id"] != "",
                          rx.link("Client page", href=f"{routes.CLIENTS}/{job['client_id']}",
                                  size="2")), width="100%", align="center"),
        _line("Phone", job["client_phone_display"]), _line("Email", job["client_email"]),
        _line("Address", job["address_text"]), _line("Job type", job["job_type"]),
        _line("Description", job["description"]), _line("Office notes", job["notes"]),
        _line("Lead source", job["lead_source_name"]), _line("Closed", job["closed_text"]),
        spacing="2", width="100%"), width="100%")


def _payment_row(line: rx.Var, index: rx.Var) -> rx.Component:
    return rx.flex(
        code_select(PAYMENT_METHOD_LABELS, line["method"],
                    lambda v: M.set_line("payment", index, "method", v), "Payment method",
                    disabled=~M.editable),
        rx.input(value=line["amount"], placeholder="Amount", input_mode="decimal", width="7em",
                 disabled=~M.editable,
                 on_change=lambda v: M.set_line("payment", index, "amount", v)),
        code_select(COLLECTOR_LABELS, line["collected_by"],
                    lambda v: M.set_line("payment", index, "collected_by", v), "Collected by",
                    disabled=~M.editable),
        rx.cond(M.editable, rx.icon_button(rx.icon("trash-2"), variant="ghost",
                                           color_scheme="red", aria_label="Remove payment",
                                           on_click=M.remove_line("payment", index))),
        gap="2", wrap="wrap", align="center")


def _part_row(line: rx.Var, index: rx.Var) -> rx.Component:
    return rx.flex(
        rx.input(value=line["description"], placeholder="Part", min_width="10em", flex="1",
                 disabled=~M.editable,
                 on_change=lambda v: M.set_line("part", index, "description", v)),
        rx.input(value=line["cost"], placeholder="Cost", input_mode="decimal", width="7em",
                 disabled=~M.editable, on_change=lambda v: M.set_line("part", index, "cost", v)),
        code_select(COLLECTOR_LABELS, line["paid_by"],
                    lambda v: M.set_line("part", index, "paid_by", v), "Paid by",
                    disabled=~M.editable),
        rx.cond(M.editable, rx.icon_button(rx.icon("trash-2"), variant="ghost",
                                           color_scheme="red", aria_label="Remove part",
                                           on_click=M.remove_line("part", index))),
        gap="2", wrap="wrap", align="center", width="100%")


def _money_editor() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Payments", size="3"), rx.spacer(),
                  rx.text("Total ", M.payments_total, size="2", weight="medium")),
        rx.text("Method, amount, and who holds the money.", size="1", color_scheme="gray"),
        rx.foreach(M.payments, _payment_row),
        rx.cond(M.editable, rx.button(rx.icon("plus"), "Add payment", variant="soft", size="1",
                                      on_click=M.add_payment)),
        rx.heading("Parts", size="3", margin_top="0.5em"),
        rx.foreach(M.parts, _part_row),
        rx.cond(M.editable, rx.button(rx.icon("plus"), "Add part", variant="soft", size="1",
                                      on_click=M.add_part)),
        error_callout(M.error),
        rx.cond(M.editable, rx.button("Save payments and parts", on_click=M.save, width="100%")),
        spacing="2", width="100%"), width="100%")


def _finance() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Money", size="3"),
        rx.foreach(S.finance_lines, lambda line: rx.hstack(
            rx.text(line["label"], size="2"), rx.spacer(),
            rx.text(line["text"], size="2", weight=rx.cond(
                (line["key"] == "company_profit") | (line["key"] == "net"), "bold", "regular")),
            width="100%")),
        rx.text(S.job["finance_note"], size="1", color_scheme="gray"),
        spacing="2", width="100%"), width="100%")


def _history() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Status history", size="3"),
        data_table(["When", "Who", "From", "To", "Reason"], S.history,
                   lambda h: rx.table.row(*[rx.table.cell(h[k]) for k in
                                            ("when", "who", "from", "to", "reason")])),
        spacing="2", width="100%"), width="100%")


def _dialogs() -> rx.Component:
    cancel = rx.dialog.close(rx.button("Back", variant="soft", color_scheme="gray",
                                       width="100%", margin_top="0.5em"))
    return rx.fragment(
        rx.dialog.root(rx.dialog.content(
            rx.dialog.title("Edit job"),
            rx.form(rx.vstack(error_callout(S.form_error),
                              job_form_fields(S, lookup=False,
                                              ask_consent=T.status["can_record"].to(bool)),
                              error_callout(S.form_error), submit_button("Save job"),
                              width="100%", spacing="3"), on_submit=S.save_edit),
            cancel, max_width="44em"), open=S.edit_open, on_open_change=S.set_edit_open),
        rx.dialog.root(rx.dialog.content(
            rx.dialog.title(S.reason_title),
            rx.form(rx.vstack(error_callout(S.reason_error),
                              rx.cond(S.reason_target == "in_progress", rx.text(
                                  "The technician sees this reason on their phone (and gets a "
                                  "text when they agreed to texts).", size="2")),
                              rx.text_area(name="reason", placeholder="Reason (required)",
                                           required=True, width="100%", max_length=500),
                              submit_button(S.reason_title, color_scheme="red"),
                              width="100%", spacing="3"), on_submit=S.confirm_reason),
            cancel, max_width="30em"), open=S.reason_open, on_open_change=S.set_reason_open),
        rx.dialog.root(rx.dialog.content(
            rx.dialog.title("Close job"),
            rx.form(rx.vstack(
                rx.text("The payments and parts above are saved with the job. The technician's "
                        "and source's rates and the card fee are fixed now.", size="2"),
                rx.text("Payments total ", M.payments_total, size="2", weight="medium"),
                rx.el.label("Closing price $", html_for="closing_price", font_size="14px"),
                rx.input(id="closing_price", name="closing_price", default_value=M.close_price,
                         input_mode="decimal", size="3", width="100%", required=True),
                error_callout(M.close_error),
                submit_button("Close job", color_scheme="green"),
                width="100%", spacing="3"), on_submit=M.confirm_close, key=M.close_key),
            cancel, max_width="30em"), open=M.close_open, on_open_change=M.set_close_open))


@app_page(routes.JOB_DETAIL, "Job", roles=OFFICE,
          on_load=[S.load])  # one event: it fills M, T, the invoice and the thread
def job_detail_page() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.grid(rx.vstack(_details(), evidence_card(), invoice_editor(), _money_editor(),
                          width="100%", spacing="4"),
                rx.vstack(_finance(), thread_panel("This job has no phone number to text."),
                          _history(), width="100%", spacing="4"),
                columns=rx.breakpoints(initial="1", md="2"), gap="4", width="100%"),
        _dialogs(), photo_viewer(), email_receipt_dialog(),
        width="100%", spacing="4")
