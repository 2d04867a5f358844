"""Job page pieces: the "Email receipt to client" button and its confirm dialog."""

from __future__ import annotations

import reflex as rx

from state.job_detail import JobDetailState as S
from state.job_receipt import JobReceiptState as R


def email_receipt_button() -> rx.Component:
    """Shown for a closed job whose client has an email address."""
    job = S.job
    return rx.cond((job["status"] == "closed") & (job["client_email"] != ""),
                   rx.button(rx.icon("mail"), "Email receipt to client", variant="soft",
                             on_click=R.open_receipt_email))


def email_receipt_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Email receipt to client"),
        rx.vstack(
            rx.text("The receipt for job #", S.job["number"], " goes as a PDF to:", size="2"),
            rx.text(S.job["client_email"], size="3", weight="bold", word_break="break-all"),
            rx.text("Check the address with the client before sending.", size="1",
                    color_scheme="gray"),
            rx.button(rx.icon("send"), "Send receipt", color_scheme="green", width="100%",
                      loading=R.receipt_busy, on_click=R.send_receipt),
            rx.dialog.close(rx.button("Back", variant="soft", color_scheme="gray",
                                      width="100%", disabled=R.receipt_busy)),
            spacing="3", width="100%"),
        max_width="30em"), open=R.receipt_open, on_open_change=R.set_receipt_open)
