"""Data tables with an empty state."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from components.labels import status_badge as labelled_status_badge


def data_table(headers: list[str], rows: rx.Var, render_row: Callable[[rx.Var], rx.Component],
               empty_text: str = "Nothing here yet.") -> rx.Component:
    """A table that scrolls sideways on a phone, with a friendly empty state."""
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(rows, render_row)),
                variant="surface", size="2", width="100%",
            ),
            overflow_x="auto", width="100%",
        ),
        rx.callout(empty_text, icon="inbox", color_scheme="gray", width="100%"),
    )


def status_badge(status: rx.Var, *labels) -> rx.Component:
    """A record's status as a coloured word (see ``components.labels``)."""
    return labelled_status_badge(status, *labels)
