"""One text conversation: the messages as bubbles and the reply box (or why the
number cannot be texted). Used by the thread page and as a panel on the job
and client pages; :class:`state.conversations.ThreadState` keeps it current."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout
from state.conversations import ThreadState


def _bubble(message: rx.Var) -> rx.Component:
    outgoing = message["direction"] == "out"
    return rx.flex(
        rx.box(
            rx.text(message["text"], size="2", white_space="pre-wrap",
                    overflow_wrap="anywhere"),
            rx.text(message["at"], " ", message["status"], size="1", color_scheme="gray"),
            background=rx.cond(outgoing, rx.color("accent", 4), rx.color("gray", 3)),
            padding="0.5em 0.75em", border_radius="12px", max_width="80%"),
        justify=rx.cond(outgoing, "end", "start"), width="100%",
    )


def thread_messages(empty_text: str = "No texts with this number yet.") -> rx.Component:
    """The bubbles, oldest first, and the reply box."""
    return rx.vstack(
        rx.cond(ThreadState.messages.length() > 0,
                rx.vstack(rx.foreach(ThreadState.messages, _bubble), width="100%", spacing="2",
                          role="log", aria_label="Texts", aria_live="polite"),
                rx.callout(empty_text, icon="inbox", color_scheme="gray", width="100%")),
        rx.cond(
            ThreadState.blocked_reason != "",
            rx.callout(ThreadState.blocked_reason, icon="ban", color_scheme="red",
                       role="alert", width="100%"),
            rx.vstack(
                error_callout(ThreadState.error),
                rx.text_area(value=ThreadState.draft, on_change=ThreadState.set_draft,
                             placeholder="Write a reply", rows="3", width="100%",
                             aria_label="Reply"),
                rx.button("Send text", on_click=ThreadState.send, size="3"),
                width="100%", spacing="2")),
        width="100%", max_width="40em", spacing="3",
    )


def thread_panel(no_phone_text: str) -> rx.Component:
    """A card with the thread of the page's client (job or client page).

    Args:
        no_phone_text: what the card says when there is no number to text.
    """
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Texts", size="3"), rx.spacer(),
                  rx.cond(ThreadState.thread_href != "",
                          rx.link("Open conversation", href=ThreadState.thread_href,
                                  size="2")),
                  width="100%", align="center"),
        rx.cond(ThreadState.thread != "",
                thread_messages("No texts yet. Write below to text this client; new texts "
                                "from them appear here by themselves."),
                rx.text(no_phone_text, size="2", color_scheme="gray")),
        spacing="3", width="100%"), width="100%")
