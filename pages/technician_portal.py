"""Technician pages, designed for a 375 px wide phone first."""

from __future__ import annotations

import reflex as rx

from components.forms import field, info_callout, submit_button
from components.layout import app_page
from components.native_form import native_form
from iprodash.domain.line_items import COLLECTOR_LABELS, PAYMENT_METHOD_LABELS
from state import routes
from state.technician_portal import TechJobsState, TechJobState

TECH = ("technician",)


def _job_card(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(rx.vstack(
            rx.hstack(rx.text("#", row["number"], weight="bold"), rx.spacer(),
                      rx.badge(row["status_label"], size="2"), width="100%"),
            rx.text(row["when"], size="3"),
            rx.text(row["client_first_name"], " · ", row["city"], size="2",
                    color_scheme="gray"),
            rx.text(row["job_type"], size="2"), spacing="1", width="100%"),
            width="100%"),
        href="/tech/job/" + row["id"].to(str), underline="none", width="100%",
    )


def _section(title: str, rows: rx.Var) -> rx.Component:
    return rx.cond(rows.length() > 0, rx.vstack(
        rx.heading(title, size="4"), rx.foreach(rows, _job_card), width="100%", spacing="2"))


@app_page(routes.TECH_HOME, "My jobs", roles=TECH, on_load=[TechJobsState.load])
def my_jobs_page() -> rx.Component:
    return rx.vstack(
        _section("Today", TechJobsState.today),
        _section("Upcoming", TechJobsState.upcoming),
        _section("Recent", TechJobsState.recent),
        rx.cond(TechJobsState.rows.length() == 0,
                rx.callout("No jobs assigned to you right now.", icon="inbox")),
        rx.cond(TechJobsState.earnings_allowed,
                rx.link(rx.button(rx.icon("wallet"), "My earnings", size="3", variant="soft",
                                  width="100%"), href=routes.TECH_EARNINGS, width="100%")),
        width="100%", spacing="4",
    )


def _form_select(labels: dict[str, str], name: str, default: str, aria: str) -> rx.Component:
    """A form menu showing words; the form receives the code."""
    return rx.select.root(
        rx.select.trigger(width="100%", aria_label=aria),
        rx.select.content(*[rx.select.item(text, value=code) for code, text in labels.items()]),
        name=name, default_value=default, size="3")


def _big_button(label: str, icon: str, href: rx.Var) -> rx.Component:
    return rx.link(rx.button(rx.icon(icon), label, size="4", width="100%", variant="soft"),
                   href=href, width="100%", is_external=True)


@app_page(routes.TECH_JOB, "Job", roles=TECH, on_load=[TechJobState.load])
def tech_job_page() -> rx.Component:
    job = TechJobState.job
    return rx.cond(job.contains("id"), rx.vstack(
        rx.hstack(rx.heading("#", job["number"], size="5"), rx.spacer(),
                  rx.badge(job["status_label"], size="3"), width="100%"),
        rx.text(job["when"]),
        rx.cond(job["sent_back"] != "", rx.callout(
            "Sent back by the office: " + job["sent_back"].to(str), icon="undo-2",
            color_scheme="amber", width="100%")),
        rx.card(rx.vstack(
            rx.text(job["client_name"], weight="bold", size="4"),
            rx.text(job["phone_display"]),
            rx.hstack(_big_button("Call", "phone", job["tel"]),
                      _big_button("Text", "message-square", job["sms"]), width="100%"),
            rx.text(job["address"]),
            rx.cond(job["navigate"] != "", _big_button("Navigate", "navigation", job["navigate"])),
            width="100%"), width="100%"),
        rx.card(rx.vstack(rx.text(job["job_type"], weight="bold"), rx.text(job["description"]),
                          rx.cond(job["notes"] != "", rx.text("Office notes: ", job["notes"],
                                                                size="2")),
                          width="100%"), width="100%"),
        rx.vstack(rx.foreach(TechJobState.moves, lambda m: rx.button(
            m["label"], size="4", width="100%", on_click=TechJobState.move(m["status"]))),
            width="100%"),
        rx.card(rx.vstack(
            rx.heading("Payments", size="3"),
            rx.foreach(TechJobState.payments, lambda p: rx.text(p["method"], ": ", p["amount"],
                                                                " (", p["by"], ")")),
            rx.form(rx.vstack(
                _form_select(PAYMENT_METHOD_LABELS, "method", "cash", "Payment method"),
                field("Amount", "amount", type_="text", placeholder="125.00",
                      input_mode="decimal", required=True),
                submit_button("Add payment collected by me"), width="100%"),
                on_submit=TechJobState.add_payment, reset_on_submit=True),
            width="100%"), width="100%"),
        rx.card(rx.vstack(
            rx.heading("Parts", size="3"),
            rx.foreach(TechJobState.parts, lambda p: rx.text(p["description"], ": ", p["cost"],
                                                             " (paid by ", p["by"], ")")),
            rx.form(rx.vstack(
                field("Part", "description", required=True),
                field("Cost", "cost", placeholder="40.00", input_mode="decimal", required=True),
                _form_select(COLLECTOR_LABELS, "paid_by", "technician", "Paid by"),
                submit_button("Add part"), width="100%"),
                on_submit=TechJobState.add_part, reset_on_submit=True),
            width="100%"), width="100%"),
        rx.card(rx.form(rx.vstack(
            rx.heading("Notes", size="3"),
            rx.foreach(TechJobState.notes, lambda n: rx.text(n["when"], ": ", n["text"],
                                                             size="2")),
            rx.text_area(name="note", placeholder="What you found, what you did", size="3",
                         width="100%"),
            submit_button("Save note"), width="100%"),
            on_submit=TechJobState.add_note, reset_on_submit=True), width="100%"),
        rx.card(rx.vstack(
            rx.heading("Photos", size="3"),
            info_callout(TechJobState.photo_message),
            rx.grid(rx.foreach(TechJobState.photos, lambda p: rx.link(
                rx.image(src="/api/photos/" + p["id"].to(str), width="100%",
                         alt=p["kind"].to(str) + " photo"),
                href="/api/photos/" + p["id"].to(str), is_external=True)),
                columns="3", spacing="2", width="100%"),
            native_form(
                rx.vstack(
                    rx.el.input(type="file", name="photo", accept="image/*", capture="environment",
                                required=True),
                    rx.el.select(*[rx.el.option(k.title(), value=k) for k in
                                   ("before", "after", "receipt", "other")], name="kind"),
                    rx.button("Upload photo", type="submit", size="4", width="100%"),
                    width="100%"),
                action="/api/photos/jobs/" + job["id"].to(str), method="post",
                enc_type="multipart/form-data", width="100%"),
            width="100%"), width="100%"),
        rx.cond(job["commission"] != "",
                rx.callout("You earn " + job["commission"].to(str) + " on this job.",
                           icon="wallet")),
        rx.link("Back to my jobs", href=routes.TECH_HOME),
        width="100%", spacing="3"), rx.spinner())


@app_page(routes.TECH_LINK_EXPIRED, "This link no longer works", public=True)
def link_expired_page() -> rx.Component:
    return rx.vstack(
        rx.heading("This link no longer works", size="5"),
        rx.text("Sign-in links expire after a while or when your office turns them off. "
                "Ask your office for a new link."),
    )
