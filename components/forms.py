"""Form building blocks: labelled inputs, error text, submit with progress."""

from __future__ import annotations

import reflex as rx


def field(label: str, name: str, *, type_: str = "text", placeholder: str = "",
          default_value: str | rx.Var = "", required: bool = False, hint: str = "",
          **props) -> rx.Component:
    """A labelled input bound to a form field ``name``."""
    return rx.vstack(
        rx.el.label(label, html_for=name, font_size="14px", font_weight="500"),
        rx.input(id=name, name=name, type=type_, placeholder=placeholder,
                 default_value=default_value, required=required, size="3", width="100%",
                 **props),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")) if hint else rx.fragment(),
        spacing="1", width="100%",
    )


def error_callout(message: rx.Var) -> rx.Component:
    return rx.cond(message != "",
                   rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert",
                              width="100%"))


def info_callout(message: rx.Var) -> rx.Component:
    return rx.cond(message != "",
                   rx.callout(message, icon="info", color_scheme="green", role="status",
                              width="100%"))


def submit_button(label: str, busy: rx.Var | bool = False, **props) -> rx.Component:
    return rx.button(label, type="submit", size="3", loading=busy, width="100%", **props)


def pager(has_previous: rx.Var, has_next: rx.Var, on_previous, on_next) -> rx.Component:
    """Previous/next buttons for keyset-paged tables."""
    return rx.hstack(
        rx.button(rx.icon("chevron-left"), "Previous", variant="soft", on_click=on_previous,
                  disabled=~has_previous),
        rx.button("Next", rx.icon("chevron-right"), variant="soft", on_click=on_next,
                  disabled=~has_next),
        spacing="2",
    )


def keyset_pager(state) -> rx.Component:
    """Previous/next for a state that mixes in ``state.paging.KeysetPager``."""
    return pager(state.has_previous, state.has_next, state.previous_page, state.next_page)
