"""The texting chip: "Texts: on", "Not agreed yet" with a button to record consent
given on a call, "Stopped on Nov 3"; and the office's "Stop texting this number".

Used on the job page and the client page; its state is
:class:`state.texting_chip.TextingChipState` (point it at a subject with
``TextingChipState.show(kind, id)`` or, on the job page,
``TextingChipState.load_job_from_path``).
"""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout
from state.texting_chip import TextingChipState as T


def _confirm_dialog(title: str, body: rx.Component, confirm: rx.Component, open_: rx.Var,
                    on_open_change) -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(title),
        rx.vstack(body, error_callout(T.dialog_error),
                  rx.flex(rx.dialog.close(rx.button("Back", variant="soft", color_scheme="gray")),
                          confirm, gap="2", justify="end", width="100%"),
                  spacing="3", width="100%"),
        max_width="28em"), open=open_, on_open_change=on_open_change)


def _dialogs() -> rx.Component:
    return rx.fragment(
        _confirm_dialog(
            "Record agreement to texts",
            rx.vstack(rx.text("Ask them:", size="2", weight="medium"),
                      rx.blockquote(T.script, size="2"),
                      rx.text("Record it only if they said yes. ", T.status["phone_display"],
                              " gets one welcome text with how to stop.", size="2"),
                      spacing="2"),
            rx.button("They agreed", color_scheme="green", on_click=T.confirm_record),
            T.record_open, T.set_record_open),
        _confirm_dialog(
            "Stop texting this number",
            rx.text(T.status["phone_display"], " will get no more texts from the company, "
                    "only one saying texts stopped. Only the number itself can start them "
                    "again, by texting START.", size="2"),
            rx.button("Stop texting", color_scheme="red", on_click=T.confirm_stop),
            T.stop_open, T.set_stop_open))


def texting_chip() -> rx.Component:
    """The chip with its detail line and buttons (nothing until a subject is loaded)."""
    status = T.status
    return rx.cond(status["state"] != "", rx.vstack(
        rx.flex(
            rx.badge(rx.icon("message-square", size=14), status["label"], color_scheme=T.color,
                     size="2", aria_label="Texting status"),
            rx.cond(status["can_record"], rx.button(
                "Record consent", size="1", variant="soft", on_click=T.open_record)),
            rx.cond(status["can_stop"], rx.button(
                "Stop texting this number", size="1", variant="ghost", color_scheme="red",
                on_click=T.open_stop)),
            gap="2", wrap="wrap", align="center"),
        rx.text(status["detail"], size="1", color_scheme="gray"),
        _dialogs(),
        spacing="1", width="100%"))


def consent_checkbox(label: str, hint: str, name: str = "texts_agreed") -> rx.Component:
    """A native, unticked checkbox a form sends as "on" when staff tick it."""
    return rx.vstack(
        rx.el.label(
            rx.el.input(type="checkbox", name=name, id=name, default_checked=False,
                        style={"width": "1.1em", "height": "1.1em", "margin_top": "0.15em"}),
            rx.text(label, size="2", weight="medium"), html_for=name,
            style={"display": "flex", "gap": "0.5em", "align_items": "flex-start",
                   "cursor": "pointer"}),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1", width="100%")
