"""Messaging settings (company-admin): number, profile, reminders, templates with preview."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, field, submit_button
from components.layout import app_page
from components.navigation import SET_UP, NavItem, register_nav_item
from state import routes
from state.messaging_settings import MessagingSettingsState as S

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


@app_page(routes.MESSAGING_SETTINGS, "Texting set-up", roles=ADMIN, on_load=[S.load])
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
        width="100%", spacing="4",
    )
