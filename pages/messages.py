"""Messages (office staff): conversations and one thread with replies; Sent messages
(company-admin)."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, keyset_pager, pager
from components.labels import filter_select
from components.layout import app_page
from components.navigation import DAILY_WORK, RECORDS, NavItem, register_nav_item
from components.tables import data_table, status_badge
from iprodash.domain.messages import MESSAGE_STATUS_LABELS
from state import routes
from components.thread_panel import thread_messages
from state.conversations import InboxState, ThreadState, UnreadState
from state.outbox_admin import OutboxAdminState as O

STAFF = ("company_admin", "user")
register_nav_item(NavItem("Messages", routes.MESSAGES, "messages-square", "staff", DAILY_WORK,
                          badge=UnreadState.unread_text, badge_shown=UnreadState.unread > 0,
                          on_mount=UnreadState.start))
register_nav_item(NavItem("Sent messages", routes.OUTBOX, "send", "admin", RECORDS),
                  before="Import and export")


def _conversation_row(r: rx.Var) -> rx.Component:
    unread = r["unread"].to(int) > 0
    return rx.table.row(
        rx.table.cell(rx.link(rx.cond(r["who"] != "", r["who"], r["phone"]),
                              href=f"{routes.MESSAGES}/{r['thread']}",
                              weight=rx.cond(unread, "bold", "regular")),
                      rx.cond(r["who"] != "", rx.text(r["phone"], size="1",
                                                      color_scheme="gray"))),
        rx.table.cell(rx.text(rx.cond(r["from_us"], "You: ", ""), r["last_text"], size="2",
                              weight=rx.cond(unread, "bold", "regular"), max_width="30em",
                              overflow_wrap="anywhere")),
        rx.table.cell(rx.text(r["last_at"], size="2", white_space="nowrap")),
        rx.table.cell(rx.cond(unread, rx.badge(r["unread"], " new", color_scheme="red"))),
    )


@app_page(routes.MESSAGES, "Messages", roles=STAFF, on_load=[InboxState.load])
def inbox_page() -> rx.Component:
    return rx.vstack(
        rx.text("One conversation per phone number, the latest message first. New texts "
                "appear here by themselves; open one to read it and reply.", size="2",
                color_scheme="gray"),
        data_table(["Who", "Last message", "When", "Unread"], InboxState.rows,
                   _conversation_row,
                   empty_text="No conversations yet. When a client texts your number, the "
                              "conversation appears here; to text a client first, open their "
                              "job or client page and write in Texts."),
        keyset_pager(InboxState),
        width="100%", spacing="4",
    )


@app_page(routes.MESSAGE_THREAD, "Conversation", roles=STAFF, on_load=[ThreadState.load])
def thread_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.link("← All conversations", href=routes.MESSAGES),
                  rx.heading(ThreadState.title, size="4"), align="center", spacing="4",
                  wrap="wrap"),
        rx.cond(ThreadState.client_id != "",
                rx.link("Client page", href=routes.CLIENTS + "/" + ThreadState.client_id,
                        size="2")),
        thread_messages(),
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
