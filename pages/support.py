"""Support: company staff open tickets; the operator's desk answers and closes them."""

from __future__ import annotations

import reflex as rx

from components.downloads import download_link
from components.forms import error_callout, keyset_pager
from components.layout import app_page
from components.navigation import PLATFORM, SUPPORT, NavItem, register_nav_item
from components.labels import filter_select, status_badge
from components.tables import data_table
from iprodash.domain.statuses import TICKET_STATUS_LABELS
from state import routes
from state.support import UPLOAD_ID, SupportDeskState, SupportState

register_nav_item(NavItem("Support", routes.SUPPORT, "life-buoy", "staff", SUPPORT))
register_nav_item(NavItem("Support desk", routes.OPERATOR_SUPPORT, "life-buoy", "operator",
                          PLATFORM))


def _ticket_table(state) -> rx.Component:
    return data_table(
        ["#", "Subject", "Company", "Opened by", "Opened", "Status", ""], state.rows,
        lambda r: rx.table.row(
            rx.table.cell(r["number"]), rx.table.cell(r["subject"]), rx.table.cell(r["company"]),
            rx.table.cell(r["opened_by"]), rx.table.cell(r["opened"]),
            rx.table.cell(status_badge(r["status"], TICKET_STATUS_LABELS)),
            rx.table.cell(rx.button("Open", size="1", variant="soft",
                                    on_click=state.select(r["id"])))),
        empty_text="No tickets yet.")


def _thread(state, actions: rx.Component) -> rx.Component:
    return rx.cond(state.selected.contains("id"), rx.card(rx.vstack(
        rx.heading("#", state.selected["number"], " ", state.selected["subject"], size="4"),
        rx.cond(state.selected["attachment_name"] != "",
                download_link("Attachment: ", state.selected["attachment_name"],
                              href=state.attachment_url)),
        rx.foreach(state.thread, lambda m: rx.box(
            rx.text(m["author"], " · ", m["at"], size="1", color_scheme="gray"),
            rx.text(m["text"], white_space="pre-wrap", size="2"),
            background=rx.cond(m["side"] == "operator", rx.color("accent", 3),
                               rx.color("gray", 3)),
            padding="0.5em 0.75em", border_radius="8px", width="100%")),
        rx.cond(state.selected["status"] != "closed", rx.vstack(
            rx.text_area(value=state.reply_text, on_change=state.set_reply_text, rows="3",
                         width="100%", placeholder="Write a reply"),
            actions, width="100%"),
            rx.text("This ticket is closed.", size="2", color_scheme="gray")),
        spacing="3", width="100%"), width="100%", max_width="48em"))


def _new_ticket() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Open a ticket", size="3"),
        error_callout(SupportState.error),
        rx.input(placeholder="Subject", value=SupportState.subject,
                 on_change=SupportState.set_subject, size="3", width="100%"),
        rx.text_area(placeholder="What happened? What did you expect?",
                     value=SupportState.message, on_change=SupportState.set_message, rows="5",
                     width="100%"),
        rx.upload(rx.text("Optional attachment (PDF, PNG, JPG, TXT, CSV; up to 5 MB): drop or "
                          "click to choose", size="2"),
                  id=UPLOAD_ID, max_files=1, border="1px dashed", padding="1em", width="100%"),
        rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.text(name, size="1")),
        rx.button("Send ticket", size="3",
                  on_click=SupportState.open_ticket(rx.upload_files(upload_id=UPLOAD_ID))),
        spacing="3", width="100%"), width="100%", max_width="48em")


@app_page(routes.SUPPORT, "Support", roles=("company_admin", "user"),
          on_load=[SupportState.load])
def support_page() -> rx.Component:
    return rx.vstack(
        _new_ticket(),
        _ticket_table(SupportState),
        keyset_pager(SupportState),
        _thread(SupportState, rx.button("Send reply", on_click=SupportState.send_reply)),
        width="100%", spacing="4",
    )


@app_page(routes.OPERATOR_SUPPORT, "Support desk", roles=("operator",),
          on_load=[SupportDeskState.load])
def support_desk_page() -> rx.Component:
    d = SupportDeskState
    return rx.vstack(
        rx.hstack(rx.text("Show"),
                  filter_select("All tickets", TICKET_STATUS_LABELS, d.set_status_filter,
                                "Status", default_value="open"), align="center"),
        _ticket_table(d),
        keyset_pager(d),
        _thread(d, rx.hstack(rx.button("Send answer", on_click=d.answer(False)),
                             rx.button("Answer and close", variant="soft", color_scheme="gray",
                                       on_click=d.answer(True)))),
        width="100%", spacing="4",
    )
