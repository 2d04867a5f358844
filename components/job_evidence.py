"""The office job page's view of what the technician left: photos, notes, time line.

Images load through the access-checked ``/api/photos/<id>`` route, never a
public folder.
"""

from __future__ import annotations

import reflex as rx

from state.job_detail import JobDetailState as S


def _thumbnail(photo: rx.Var) -> rx.Component:
    return rx.el.button(
        rx.image(src="/api/photos/" + photo["id"].to(str), alt=photo["kind"].to(str) + " photo",
                 width="100%", height="6em", object_fit="cover", border_radius="6px"),
        rx.text(photo["kind"], " · ", photo["when"], size="1", color_scheme="gray"),
        type="button", on_click=S.open_photo(photo["id"]), cursor="zoom-in",
        background="none", border="none", padding="0", text_align="left",
        aria_label="View " + photo["kind"].to(str) + " photo, " + photo["when"].to(str))


def evidence_card() -> rx.Component:
    """Photos (click to enlarge), technician notes and the time line of the job."""
    return rx.card(rx.vstack(
        rx.heading("From the technician", size="3"),
        rx.text("Photos", size="2", weight="medium"),
        rx.cond(S.photos.length() > 0,
                rx.grid(rx.foreach(S.photos, _thumbnail),
                        columns=rx.breakpoints(initial="2", sm="3"), gap="2", width="100%"),
                rx.text("No photos yet.", size="2", color_scheme="gray")),
        rx.text("Technician notes", size="2", weight="medium"),
        rx.cond(S.tech_notes.length() > 0,
                rx.vstack(rx.foreach(S.tech_notes, lambda n: rx.box(
                    rx.text(n["who"], " · ", n["when"], size="1", color_scheme="gray"),
                    rx.text(n["text"], size="2", white_space="pre-wrap"))),
                    spacing="2", width="100%"),
                rx.text("No notes from the technician.", size="2", color_scheme="gray")),
        rx.text("Time line", size="2", weight="medium"),
        rx.vstack(rx.foreach(S.timeline, lambda t: rx.hstack(
            rx.text(t["when"], size="1", color_scheme="gray", min_width="9em"),
            rx.text(t["text"], size="2"), align="start", width="100%")),
            spacing="1", width="100%"),
        spacing="2", width="100%"), width="100%")


def photo_viewer() -> rx.Component:
    """The dialog that shows one photo large, with previous / next."""
    src = "/api/photos/" + S.viewer_photo
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Photo ", S.viewer_index),
        rx.cond(S.viewer_photo != "", rx.image(src=src, alt="Full photo", width="100%",
                                               max_height="75vh", object_fit="contain")),
        rx.hstack(rx.button(rx.icon("chevron-left"), "Previous", variant="soft",
                            on_click=S.step_photo(-1)),
                  rx.button("Next", rx.icon("chevron-right"), variant="soft",
                            on_click=S.step_photo(1)),
                  rx.link("Open full size", href=src, is_external=True), rx.spacer(),
                  rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                  width="100%", align="center", wrap="wrap", margin_top="0.5em"),
        max_width="60em"), open=S.viewer_photo != "", on_open_change=S.set_viewer_open)
