"""Dispatch board: "Needs scheduling", a day (hours) or week (days) grid with
a row per technician, drag and drop or "Move..." to reschedule and assign,
overlaps flagged, and the day's stops (a map when Google Maps is set up)."""

from __future__ import annotations

import reflex as rx

from components.drag_drop import board_dnd, drag_card, drop_slot
from components.layout import app_page
from components.responsive import narrow_only, wide_only
from components.forms import submit_button
from pages.jobs import job_status_badge
from state import routes
from state.board import BoardState as S

OFFICE = ("company_admin", "user")
LANE_WIDTH = "11em"
CELL_WIDTH = "10.5em"


def _technician_select(card: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label="Technician", width="100%"),
        rx.select.content(rx.foreach(S.choices, lambda c: rx.select.item(c["name"],
                                                                        value=c["id"]))),
        value=card["technician_id"], size="1",
        on_change=lambda tech: S.assign(card["id"], tech))


def _card(card: rx.Var, *, assign: bool = True) -> rx.Component:
    overlaps = card["overlaps"].to(bool)
    return rx.card(rx.vstack(
        rx.hstack(rx.link(rx.text("#", card["number"], weight="bold"),
                          href=routes.JOBS + "/" + card["id"].to(str)),
                  rx.text(card["time_text"], size="1"),
                  width="100%", align="center", wrap="wrap", spacing="2"),
        rx.text(card["client_name"], size="2", weight="medium"),
        rx.text(card["job_type"], " · ", card["address"], size="1", color_scheme="gray"),
        job_status_badge(card["status"], card["status_label"]),
        rx.cond(overlaps, rx.callout("Overlaps " + card["overlaps_with"].to(str),
                                     icon="triangle-alert", color_scheme="red",
                                     size="1", width="100%")),
        _technician_select(card) if assign else rx.fragment(),
        rx.button("Move…", size="1", variant="soft", width="100%",
                  aria_label="Move job #" + card["number"].to(str),
                  on_click=S.open_move(card["id"])),
        spacing="1", width="100%"),
        size="1", width="100%", class_name="board-card",
        border=rx.cond(overlaps, f"2px solid {rx.color('red', 8)}", "none"))


def _draggable(card: rx.Var, *, assign: bool = True) -> rx.Component:
    return drag_card(_card(card, assign=assign), job_id=card["id"].to(str))


def _needs_lane() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.icon("clock-alert", size=18),
                  rx.heading("Needs scheduling", size="3"),
                  rx.badge(S.needs_total, color_scheme="orange"),
                  align="center", width="100%"),
        rx.text("Open jobs with no date yet (ASAP calls). Drag one onto a technician's row, "
                "or use Move…", size="1", color_scheme="gray"),
        rx.cond(S.needs.length() > 0,
                rx.grid(rx.foreach(S.needs, lambda c: _draggable(c, assign=False)),
                        columns="repeat(auto-fill, minmax(13em, 1fr))", gap="2", width="100%"),
                rx.text("Every open job has a date.", size="2", color_scheme="gray")),
        rx.hstack(
            rx.cond(S.needs_before != "",
                    rx.button("Newest", variant="soft", size="1", on_click=S.needs_newest)),
            rx.cond(S.needs_next != "",
                    rx.button("Older jobs", variant="soft", size="1", on_click=S.needs_older)),
            spacing="2"),
        width="100%", spacing="2", padding="0.75em", border_radius="8px",
        background=rx.color("orange", 2), border=f"1px solid {rx.color('orange', 6)}",
        id="needs-scheduling")


def _lane_label(lane: rx.Var, **props) -> rx.Component:
    return rx.hstack(
        rx.box(width="0.8em", height="0.8em", border_radius="50%", background=lane["color"],
               flex_shrink="0"),
        rx.vstack(rx.text(lane["name"], weight="bold", size="2"),
                  rx.hstack(rx.badge(lane["cards"].to(list[dict]).length(), color_scheme="gray"),
                            rx.cond(lane["overlaps"].to(int) > 0,
                                    rx.badge("overlaps", color_scheme="red")),
                            rx.cond(~lane["active"], rx.badge("inactive", color_scheme="gray")),
                            spacing="1", wrap="wrap"),
                  spacing="1"),
        align="start", padding="0.5em", position="sticky", left="0", z_index="1",
        background=rx.color("gray", 2), border_radius="6px", **props)


def _cell(cell: rx.Var, lane: rx.Var) -> rx.Component:
    return drop_slot(
        rx.vstack(rx.foreach(cell["cards"].to(list[dict]), _draggable), spacing="1",
                  width="100%"),
        slot_id=cell["target"].to(str),
        min_height="5em", padding="0.25em", border_radius="6px",
        border=f"1px solid {rx.color('gray', 5)}", role="gridcell",
        aria_label=lane["name"].to(str) + " " + cell["slot"].to(str))


def _grid() -> rx.Component:
    columns = f"{LANE_WIDTH} repeat({S.columns.length()}, minmax({CELL_WIDTH}, 1fr))"
    return rx.box(
        rx.grid(
            rx.box(rx.box(role="columnheader", aria_label="Technician"),
                   rx.foreach(S.columns, lambda c: rx.text(
                       c["label"], size="2", weight="bold", role="columnheader",
                       padding="0.25em")),
                   role="row", display="contents"),
            rx.foreach(S.lanes, lambda lane: rx.box(
                _lane_label(lane, role="rowheader"),
                rx.foreach(lane["cells"].to(list[dict]), lambda cell: _cell(cell, lane)),
                role="row", display="contents")),
            grid_template_columns=columns, gap="2", role="grid", id="board-grid",
            aria_label="Dispatch board: a row per technician"),
        overflow_x="auto", width="100%", padding_bottom="1em")


def _stacked() -> rx.Component:
    """The phone layout: each technician's jobs in a column."""
    return rx.vstack(rx.foreach(S.lanes, lambda lane: rx.vstack(
        _lane_label(lane, width="100%"),
        rx.cond(lane["cards"].to(list[dict]).length() > 0,
                rx.foreach(lane["cards"].to(list[dict]), _card),
                rx.text("No jobs", size="2", color_scheme="gray")),
        width="100%", spacing="2")), width="100%", spacing="4")


def _stops() -> rx.Component:
    return rx.vstack(
        rx.heading(S.stops_label, size="3"),
        rx.cond(S.map_src != "",
                rx.image(src=S.map_src, alt="Map of the day's jobs", width="100%",
                         max_width="640px", border_radius="8px")),
        rx.cond(S.stops.length() > 0,
                rx.flex(rx.foreach(S.stops, lambda route: rx.card(rx.vstack(
                    rx.hstack(rx.box(width="0.8em", height="0.8em", border_radius="50%",
                                     background=route["color"]),
                              rx.text(route["name"], weight="bold"), align="center"),
                    rx.el.ol(rx.foreach(route["stops"].to(list[dict]), lambda stop: rx.el.li(
                        rx.text(stop["time_text"], " · #", stop["number"], " ",
                                stop["client_name"], size="2"),
                        rx.text(stop["address"], size="1", color_scheme="gray"))),
                        style={"paddingLeft": "1.2em", "margin": "0"}),
                    spacing="2"), min_width="0", flex="1 1 16em")),
                    gap="3", wrap="wrap", width="100%"),
                rx.text("No stops on this day.", size="2", color_scheme="gray")),
        width="100%", spacing="2", id="day-stops")


def _move_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Move job #", S.move_number),
        rx.dialog.description("Pick the technician, day and start time. The job keeps its "
                              "length (one hour when it had none).", size="2"),
        rx.form(rx.vstack(
            rx.el.label("Technician", html_for="move-technician", font_size="14px",
                        font_weight="500"),
            rx.select.root(
                rx.select.trigger(id="move-technician", aria_label="Move to technician",
                                  width="100%"),
                rx.select.content(rx.foreach(S.choices, lambda c: rx.select.item(
                    c["name"], value=c["id"]))),
                value=S.move_tech, on_change=S.set_move_tech),
            rx.el.label("Day", html_for="move-day", font_size="14px", font_weight="500"),
            rx.input(id="move-day", name="day", type="date", default_value=S.move_day,
                     required=True, width="100%"),
            rx.el.label("Start time", html_for="move-time", font_size="14px",
                        font_weight="500"),
            rx.input(id="move-time", name="time", type="time", default_value=S.move_time,
                     required=True, width="100%"),
            submit_button("Move job"),
            spacing="2", width="100%"), on_submit=S.save_move, width="100%"),
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", width="100%",
                                  margin_top="0.5em")),
        max_width="26em"), open=S.move_open, on_open_change=S.set_move_open)


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.button(rx.icon("chevron-left"), variant="soft",
                  aria_label=rx.cond(S.view == "week", "Previous week", "Previous day"),
                  on_click=S.shift(-1)),
        rx.button("Today", variant="soft", on_click=S.today),
        rx.button(rx.icon("chevron-right"), variant="soft",
                  aria_label=rx.cond(S.view == "week", "Next week", "Next day"),
                  on_click=S.shift(1)),
        rx.input(type="date", value=S.day, on_change=S.pick_day, aria_label="Day"),
        rx.hstack(
            rx.button("Day", variant=rx.cond(S.view == "day", "solid", "soft"),
                      aria_pressed=rx.cond(S.view == "day", "true", "false"),
                      on_click=S.set_view("day")),
            rx.button("Week", variant=rx.cond(S.view == "week", "solid", "soft"),
                      aria_pressed=rx.cond(S.view == "week", "true", "false"),
                      on_click=S.set_view("week")),
            spacing="1", role="group", aria_label="View"),
        rx.hstack(rx.heading(S.day_label, size="4"),
                  rx.text(S.total_text, size="2", color_scheme="gray"),
                  spacing="3", align="baseline", wrap="wrap"),
        gap="2", wrap="wrap", align="center", width="100%")


@app_page(routes.BOARD, "Dispatch board", roles=OFFICE, on_load=[S.load])
def board_page() -> rx.Component:
    return rx.vstack(
        _toolbar(),
        rx.cond(S.truncated, rx.callout("This period has more jobs than the board shows; use "
                                        "the job list to see them all.", icon="info",
                                        width="100%")),
        board_dnd(
            rx.vstack(_needs_lane(), wide_only(_grid()), narrow_only(_stacked()),
                      width="100%", spacing="4"),
            on_move=S.drop, width="100%"),
        _stops(),
        _move_dialog(),
        width="100%", spacing="4")
