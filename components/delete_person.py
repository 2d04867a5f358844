"""A "Delete" button that asks first, for deleting a staff member or technician."""

from __future__ import annotations

import reflex as rx

DELETE_TEXT = ("Their name, email, phone, sign-in links and sessions are deleted at once and "
               "cannot be brought back. Their jobs and payouts stay for your records, shown as "
               "\"Former user\" or \"Former technician\" and a number.")


def delete_person_button(name: rx.Var, on_confirm) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Delete", size="1", color_scheme="red",
                                          variant="outline")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete ", name, "?"),
            rx.alert_dialog.description(DELETE_TEXT),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep them", variant="soft")),
                rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                 on_click=on_confirm)),
                justify="end", spacing="2", margin_top="1em")),
    )
