"""The job page's invoice section: items, discount, sales tax, totals and the PDF."""

from __future__ import annotations

import reflex as rx

from components.downloads import download_button
from components.forms import error_callout
from state.invoice_editor import InvoiceEditorState as V


def _item_row(item: rx.Var, index: rx.Var) -> rx.Component:
    return rx.flex(
        rx.input(value=item["description"], placeholder="Description", min_width="10em",
                 flex="1", disabled=~V.editable, aria_label="Item description",
                 on_change=lambda v: V.set_item(index, "description", v)),
        rx.input(value=item["quantity"], placeholder="Qty", input_mode="decimal", width="4.5em",
                 disabled=~V.editable, aria_label="Quantity",
                 on_change=lambda v: V.set_item(index, "quantity", v)),
        rx.input(value=item["unit_price"], placeholder="Unit price", input_mode="decimal",
                 width="7em", disabled=~V.editable, aria_label="Unit price",
                 on_change=lambda v: V.set_item(index, "unit_price", v)),
        rx.checkbox("Taxable", checked=item["taxable"] == "yes", disabled=~V.editable,
                    on_change=lambda v: V.set_item(index, "taxable", rx.cond(v, "yes", "no"))),
        rx.cond(V.editable, rx.icon_button(rx.icon("trash-2"), variant="ghost",
                                           color_scheme="red", aria_label="Remove item",
                                           on_click=V.remove_item(index))),
        gap="2", wrap="wrap", align="center", width="100%")


def _totals() -> rx.Component:
    return rx.foreach(V.totals, lambda line: rx.hstack(
        rx.text(line["label"], size="2"), rx.spacer(),
        rx.text(line["text"], size="2", weight=rx.cond(line["label"] == "Balance due", "bold",
                                                       "regular")), width="100%"))


def invoice_editor() -> rx.Component:
    """The "Invoice" card; it loads itself when the job page shows it."""
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Invoice", size="3"), rx.text(V.number, size="2"), rx.spacer(),
                  rx.cond(V.has_invoice, download_button("Invoice PDF", V.pdf_url, size="1")),
                  align="center", width="100%"),
        rx.text("Description, quantity, unit price and whether sales tax applies.", size="1",
                color_scheme="gray"),
        rx.foreach(V.items, _item_row),
        rx.cond(V.editable, rx.button(rx.icon("plus"), "Add item", variant="soft", size="1",
                                      on_click=V.add_item)),
        rx.flex(
            rx.input(value=V.discount, placeholder="Discount $", input_mode="decimal",
                     width="9em", disabled=~V.editable, aria_label="Discount",
                     on_change=V.set_discount),
            rx.input(value=V.tax_rate, placeholder="Company tax rate", input_mode="decimal",
                     width="11em", disabled=~V.editable, aria_label="Sales tax % for this job",
                     on_change=V.set_tax_rate),
            gap="2", wrap="wrap", width="100%"),
        rx.text("Leave the tax rate empty to use the company's (Settings, Payments).", size="1",
                color_scheme="gray"),
        _totals(),
        rx.foreach(V.waiting, lambda note: rx.callout(note, icon="triangle-alert",
                                                      color_scheme="amber", width="100%")),
        rx.cond(V.has_invoice, rx.hstack(
            rx.button(rx.icon("send"), "Send invoice", size="1", loading=V.sending,
                      on_click=V.send_invoice),
            rx.button(rx.icon("link"), "Pay link", variant="soft", size="1",
                      on_click=V.show_pay_link),
            rx.cond(V.pay_link != "", rx.link(V.pay_link, href=V.pay_link, is_external=True,
                                              size="1", word_break="break-all")),
            align="center", width="100%")),
        rx.cond(V.sends.length() > 0, rx.vstack(
            rx.text("Sent", size="2", weight="medium"),
            rx.foreach(V.sends, lambda line: rx.text(line, size="1", color_scheme="gray")),
            spacing="1", width="100%", aria_label="Invoice sends")),
        error_callout(V.error),
        rx.cond(V.editable & (V.items.length() > 0),
                rx.button("Save invoice", on_click=V.save, width="100%")),
        spacing="2", width="100%"), width="100%")
