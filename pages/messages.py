"""Texts (office staff): received texts and threads with replies; Outbox (company-admin)."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, keyset_pager, pager
from components.labels import filter_select
from components.layout import app_page
from components.navigation import DAILY_WORK, RECORDS, NavItem, register_nav_item
from components.tables import data_table, status_badge
from iprodash.domain.messages import MESSAGE_STATUS_LABELS
from state import routes
from state.conversations import InboxState, ThreadState
from state.outbox_admin import OutboxAdminState as O

STAFF = ("company_admin", "user")
register_nav_item(NavItem("Messages", routes.MESSAGES, "messages-square", "staff", DAILY_WORK))
register_nav_item(NavItem("Sent messages", routes.OUTBOX, "send", "admin", RECORDS),
                  before="Import / export")


def _thread_link(row: rx.Var) -> rx.Component:
    return rx.link(row["from"], href=f"{routes.MESSAGES}/{row['thread']}")


@app_page(routes.MESSAGES, "Messages", roles=STAFF, on_load=[InboxState.load])
def inbox_page() -> rx.Component:
    return rx.vstack(
        rx.text("Texts your clients sent to your number, newest first. Open one to see the "
                "whole conversation and reply.", size="2", color_scheme="gray"),
        data_table(["Received", "From", "Text", ""], InboxState.rows,
                   lambda r: rx.table.row(
                       rx.table.cell(r["received"]), rx.table.cell(_thread_link(r)),
                       rx.table.cell(rx.text(r["text"], weight=rx.cond(r["unread"], "bold",
                                                                        "regular"))),
                       rx.table.cell(rx.cond(r["keyword"] != "",
                                             rx.badge(r["keyword"], color_scheme="amber")))),
                   empty_text="No texts received yet."),
        keyset_pager(InboxState),
        width="100%", spacing="4",
    )


def _bubble(message: rx.Var) -> rx.Component:
    outgoing = message["direction"] == "out"
    return rx.flex(
        rx.box(
            rx.text(message["text"], size="2", white_space="pre-wrap"),
            rx.text(message["at"], " ", message["status"], size="1", color_scheme="gray"),
            background=rx.cond(outgoing, rx.color("accent", 4), rx.color("gray", 3)),
            padding="0.5em 0.75em", border_radius="12px", max_width="80%"),
        justify=rx.cond(outgoing, "end", "start"), width="100%",
    )


@app_page(routes.MESSAGE_THREAD, "Conversation", roles=STAFF, on_load=[ThreadState.load])
def thread_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.link("← All texts", href=routes.MESSAGES),
                  rx.heading(ThreadState.title, size="4"), align="center", spacing="4"),
        rx.cond(ThreadState.messages.length() > 0,
                rx.vstack(rx.foreach(ThreadState.messages, _bubble), width="100%",
                          max_width="40em", spacing="2"),
                rx.callout("No texts with this number yet.", icon="inbox", color_scheme="gray")),
        rx.cond(
            ThreadState.blocked_reason != "",
            rx.callout(ThreadState.blocked_reason, icon="ban", color_scheme="red",
                       role="alert", width="100%", max_width="40em"),
            rx.vstack(
                error_callout(ThreadState.error),
                rx.text_area(value=ThreadState.draft, on_change=ThreadState.set_draft,
                             placeholder="Write a reply", rows="3", width="100%"),
                rx.button("Send text", on_click=ThreadState.send, size="3"),
                width="100%", max_width="40em", spacing="2")),
        width="100%", spacing="4",
    )


def _outbox_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["created"]), rx.table.cell(r["channel"]), rx.table.cell(r["kind"]),
        rx.table.cell(r["to"]),
        rx.table.cell(rx.text(r["text"], size="1", max_width="28em")),
        rx.table.cell(rx.vstack(status_badge(r["status"]),
                                rx.cond(r["delivery"] != "", rx.text(r["delivery"], size="1")),
                                rx.cond(r["waits_until"] != "",
                                        rx.text("waits until ", r["waits_until"], size="1")),
                                spacing="1")),
        rx.table.cell(rx.text(r["reason"], size="1", color_scheme="red", max_width="22em")),
        rx.table.cell(rx.cond(r["status"] == "dead",
                              rx.button("Retry", size="1", on_click=O.retry(r["id"])))),
    )


@app_page(routes.OUTBOX, "Sent messages", roles=("company_admin",), on_load=[O.load])
def outbox_page() -> rx.Component:
    return rx.vstack(
        rx.text("Every text and email the company sends. Dead messages failed every try; "
                "fix the reason (e.g. the sending number) and retry. Suppressed ones were "
                "stopped by a rule: the reason says which.", size="2", color_scheme="gray"),
        rx.hstack(rx.text("Show"),
                  filter_select("All messages", {s: MESSAGE_STATUS_LABELS[s] for s in (
                      "queued", "sent", "dead", "suppressed", "canceled")},
                      O.set_status_filter, "Status"), align="center"),
        data_table(["Created", "Channel", "What", "To", "Message", "Status", "Reason", ""],
                   O.rows, _outbox_row, empty_text="No messages match."),
        keyset_pager(O),
        rx.heading("Sent box (local delivery)", size="4"),
        rx.text("Without provider keys, messages are delivered here instead of phones and "
                "inboxes.", size="2", color_scheme="gray"),
        data_table(["Sent", "Channel", "To", "Subject", "Text"], O.sent_rows,
                   lambda r: rx.table.row(
                       rx.table.cell(r["sent"]), rx.table.cell(r["channel"]),
                       rx.table.cell(r["to"]), rx.table.cell(r["subject"]),
                       rx.table.cell(rx.text(r["text"], size="1", white_space="pre-wrap",
                                             max_width="36em"))),
                   empty_text="Nothing delivered locally."),
        pager(O.sent_cursor_stack.length() > 0, O.sent_has_next, O.previous_sent_page,
              O.next_sent_page),
        width="100%", spacing="4",
    )
