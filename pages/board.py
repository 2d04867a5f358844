"""Dispatch board: a day of jobs, a lane per technician, overlaps flagged."""

from __future__ import annotations

import reflex as rx

from components.layout import app_page
from components.responsive import NARROW
from state import routes
from pages.jobs import job_status_badge
from state.board import BoardState as S

OFFICE = ("company_admin", "user")


def _card(card: rx.Var) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.link(rx.text("#", card["number"], weight="bold"),
                          href=routes.JOBS + "/" + card["id"].to(str)),
                  rx.text(card["time_text"], size="2"), rx.spacer(),
                  job_status_badge(card["status"], card["status_label"]),
                  width="100%", align="center"),
        rx.text(card["client_name"], size="2", weight="medium"),
        rx.text(card["job_type"], " · ", card["address"], size="1", color_scheme="gray"),
        rx.cond(card["overlaps"], rx.callout("Overlaps " + card["overlaps_with"].to(str),
                                             icon="triangle-alert", color_scheme="red",
                                             size="1", width="100%")),
        rx.select.root(
            rx.select.trigger(aria_label="Technician", width="100%"),
            rx.select.content(rx.foreach(S.choices, lambda c: rx.select.item(c["name"],
                                                                            value=c["id"]))),
            value=card["technician_id"], size="1",
            on_change=lambda tech: S.assign(card["id"], tech)),
        spacing="1", width="100%"),
        size="1", width="100%",
        border=rx.cond(card["overlaps"], f"2px solid {rx.color('red', 8)}", "none"))


def _lane(lane: rx.Var) -> rx.Component:
    cards = lane["cards"].to(list[dict])
    return rx.vstack(
        rx.hstack(rx.box(width="0.8em", height="0.8em", border_radius="50%",
                         background=lane["color"]),
                  rx.text(lane["name"], weight="bold"),
                  rx.badge(cards.length(), color_scheme="gray"),
                  rx.cond(lane["overlaps"].to(int) > 0,
                          rx.badge("overlaps", color_scheme="red")),
                  rx.cond(~lane["active"], rx.badge("inactive", color_scheme="gray")),
                  align="center", width="100%"),
        rx.cond(cards.length() > 0,
                rx.foreach(cards, _card),
                rx.text("No jobs", size="2", color_scheme="gray")),
        min_width="16em", max_width="20em", flex="0 0 16em", spacing="2", padding="0.5em",
        border_radius="8px", background=rx.color("gray", 2),
        style={NARROW: {"maxWidth": "100%", "minWidth": "0", "width": "100%", "flex": "1 1 auto"}})


@app_page(routes.BOARD, "Dispatch board", roles=OFFICE, on_load=[S.load])
def board_page() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.button(rx.icon("chevron-left"), variant="soft", aria_label="Previous day",
                      on_click=S.shift(-1)),
            rx.button("Today", variant="soft", on_click=S.today),
            rx.button(rx.icon("chevron-right"), variant="soft", aria_label="Next day",
                      on_click=S.shift(1)),
            rx.input(type="date", value=S.day, on_change=S.pick_day, aria_label="Day"),
            rx.heading(S.day_label, size="4"),
            rx.text(S.total_text, size="2", color_scheme="gray"),
            gap="2", wrap="wrap", align="center", width="100%"),
        rx.cond(S.truncated, rx.callout("This day has more jobs than the board shows; use the "
                                        "job list to see them all.", icon="info",
                                        width="100%")),
        rx.box(rx.flex(rx.foreach(S.lanes, _lane), align="start", gap="3",
                       style={NARROW: {"flexDirection": "column", "alignItems": "stretch"}}),
               overflow_x="auto", width="100%", padding_bottom="1em"),
        width="100%", spacing="4")
