"""The dashboard card listing jobs the technicians marked done, for the office to approve."""

from __future__ import annotations

import reflex as rx

from state.approval_queue import ApprovalQueueState as Q


def _row(row: rx.Var) -> rx.Component:
    return rx.link(rx.hstack(
        rx.text(row["number"], weight="bold", size="2"),
        rx.text(row["client"], size="2"),
        rx.text(row["city"], size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(row["technician"], " · done ", row["done"], size="1", color_scheme="gray"),
        width="100%", align="center", wrap="wrap"), href=row["href"], underline="none",
        width="100%")


def approval_queue() -> rx.Component:
    """"Waiting for approval": nothing is shown while no job waits."""
    return rx.box(rx.cond(Q.rows.length() > 0, rx.card(rx.vstack(
        rx.hstack(rx.heading("Waiting for approval", size="4"), rx.spacer(),
                  rx.badge(Q.rows.length(), rx.cond(Q.more, "+", ""), color_scheme="amber"),
                  width="100%", align="center"),
        rx.text("The technicians marked these jobs done. Open one to check the photos and "
                "notes, then approve and close it or send it back.", size="2",
                color_scheme="gray"),
        rx.foreach(Q.rows, _row),
        rx.cond(Q.more, rx.text("Showing the first ", Q.rows.length(),
                                "; approve these to see the rest.", size="1",
                                color_scheme="gray")),
        spacing="2", width="100%"), width="100%")), on_mount=Q.load, width="100%")
