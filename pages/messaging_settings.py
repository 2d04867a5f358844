"""Messaging settings (company-admin): number, profile, reminders, templates with preview."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, field, submit_button
from components.labels import code_select
from components.layout import app_page
from iprodash.services.review_requests import CHANNELS, ONCE_PER_DAYS
from components.navigation import SET_UP, NavItem, register_nav_item
from state import routes
from state.messaging_settings import MessagingSettingsState as S
from state.review_settings import ReviewSettingsState as R

ADMIN = ("company_admin",)
register_nav_item(NavItem("Texting set-up", routes.MESSAGING_SETTINGS, "message-square-text",
                          "admin", SET_UP), before="Billing")


def _template_editor(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(row["label"], weight="medium", size="2"),
        rx.text_area(value=row["text"], rows="3", width="100%", debounce_timeout=300,
                     on_change=lambda text: S.edit_template(row["kind"], text),
                     aria_label=row["label"]),
        rx.text(row["counter"], size="1", color_scheme="gray"),
        rx.cond(row["preview"] != "",
                rx.box(rx.text(row["preview"], size="2", white_space="pre-wrap"),
                       background=rx.color("gray", 3), padding="0.5em 0.75em",
                       border_radius="12px", max_width="28em")),
        spacing="1", width="100%",
    )


def _review_card() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("Review requests", size="3"),
        rx.text("After a job is closed and paid, ask the client for a review: at most once "
                f"per client every {ONCE_PER_DAYS} days, texts only to clients who agreed to "
                "texts and only in their daytime, never to clients who asked for no "
                "marketing.", size="2"),
        rx.hstack(rx.switch(checked=R.enabled, on_change=R.set_enabled, id="reviews_on"),
                  rx.el.label("Send review requests", html_for="reviews_on",
                              font_size="14px"), align="center"),
        field("Review page link", "review_link", type_="url", default_value=R.link,
              placeholder="https://g.page/r/...", hint="Where clients write the review."),
        rx.text("How it goes out", size="2", weight="medium"),
        code_select(CHANNELS, R.channel, R.set_channel, "How review requests go out"),
        error_callout(R.error),
        submit_button("Save review requests"),
        spacing="3", width="100%"), on_submit=R.save, key=R.form_key),
        width="100%", max_width="44em")


@app_page(routes.MESSAGING_SETTINGS, "Texting set-up", roles=ADMIN, on_load=[S.load, R.load])
def messaging_settings_page() -> rx.Component:
    return rx.vstack(
        rx.cond(S.local_mode, rx.callout(
            "No Telnyx key is configured: texts are delivered to the local sent box on the "
            "Sent messages page instead of phones.", icon="info", width="100%")),
        rx.card(rx.form(rx.vstack(
            error_callout(S.error),
            field("Sending number (10DLC)", "sending_number", type_="tel",
                  default_value=S.sending_number, placeholder="(212) 555-0111",
                  hint="Your Telnyx number; clients' replies to it appear under Messages."),
            field("Telnyx messaging profile id", "messaging_profile_id",
                  default_value=S.messaging_profile_id, hint="From Telnyx, optional."),
            field("Reminders, hours before the appointment", "reminder_hours",
                  default_value=S.reminder_hours, placeholder="24, 2",
                  hint="Up to three, e.g. 24, 2. Leave empty for no reminders."),
            rx.heading("Templates", size="3"),
            rx.text("Variables: ", rx.code(S.variables_text), size="1"),
            rx.text("The first text to a number also gets the company name and "
                    "\"Msg & data rates may apply. Reply STOP to opt out.\"", size="1",
                    color_scheme="gray"),
            rx.foreach(S.template_rows, _template_editor),
            submit_button("Save messaging settings"),
            spacing="3", width="100%"), on_submit=S.save, key=S.form_key),
            width="100%", max_width="44em"),
        rx.card(rx.vstack(
            rx.heading("Client opt-in page", size="3"),
            rx.text("Clients get texts only after they ask on this page and reply YES to the "
                    "text it sends, or text START to your number. Share the link on your "
                    "website or invoices:", size="2"),
            rx.link(S.optin_url, href=S.optin_url, is_external=True),
            rx.text("This link is not your employee join code. If it is misused, give the "
                    "page a new link; the old one stops working.", size="1",
                    color_scheme="gray"),
            rx.button("New opt-in link", on_click=S.new_optin_link, variant="soft",
                      width="fit-content"),
            spacing="2"), width="100%", max_width="44em"),
        _review_card(),
        width="100%", spacing="4",
    )
