"""Shared parts of the office's list-and-dialog pages (technicians, lead sources,
clients), for the states built on ``state.catalog``."""

from __future__ import annotations

import reflex as rx


def show_select(state) -> rx.Component:
    """Active, deactivated or all rows (the state's ``ActiveFilter``)."""
    return rx.select.root(rx.select.trigger(aria_label="Show"), rx.select.content(
        rx.select.item("Active", value="active"),
        rx.select.item("Deactivated", value="inactive"),
        rx.select.item("All", value="all")), value=state.show, on_change=state.set_show)


def active_toggle(state, row: rx.Var) -> rx.Component:
    """Deactivate an active row; reactivate a deactivated one (``state.set_active``)."""
    return rx.cond(row["active"],
                   rx.button("Deactivate", size="1", variant="soft", color_scheme="red",
                             on_click=state.set_active(row["id"], False)),
                   rx.button("Reactivate", size="1", variant="soft",
                             on_click=state.set_active(row["id"], True)))


def edit_dialog(state, noun: str, form: rx.Component, *, max_width: str = "30em"
                ) -> rx.Component:
    """The add/edit dialog (the state's ``EditDialog``): "New <noun>" or "Edit <noun>",
    the form and a Cancel button."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(state.editing_id != "", f"Edit {noun}", f"New {noun}")),
            form, rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                               width="100%", margin_top="0.5em")),
            max_width=max_width),
        open=state.dialog_open, on_open_change=state.set_dialog_open)
