"""The public SMS opt-in page of a company (``/sms/optin/<opt-in code>``), phone-first."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, field, submit_button
from components.layout import app_page
from state import routes
from state.sms_optin import SmsOptinState as S


def _form() -> rx.Component:
    return rx.form(rx.vstack(
        rx.heading("Get texts from ", S.company_name, size="5"),
        rx.text("Appointment confirmations, reminders, when your technician is on the way, "
                "and your receipt.", size="2"),
        error_callout(S.error),
        field("Mobile number", "phone", type_="tel", placeholder="(212) 555-0123",
              required=True, auto_complete="tel"),
        rx.el.label(
            rx.hstack(
                rx.el.input(type="checkbox", name="agreed", id="agreed", required=True,
                            style={"width": "1.4em", "height": "1.4em", "flex_shrink": "0",
                                   "margin_top": "0.15em"}),
                rx.text(S.disclosure, size="2"),
                align="start", spacing="3"),
            html_for="agreed", width="100%"),
        submit_button("Sign me up for texts"),
        rx.text("Text STOP to opt out and HELP for help at any time.", size="1",
                color_scheme="gray"),
        spacing="4", width="100%"), on_submit=S.submit, reset_on_submit=False, width="100%")


@app_page(routes.SMS_OPTIN, "Get texts", public=True, on_load=[S.load])
def sms_optin_page() -> rx.Component:
    return rx.cond(
        S.done,
        rx.vstack(rx.heading("Reply YES to confirm", size="5"),
                  rx.text("If this number can get texts, ", S.company_name, " just sent it "
                          "one. Reply YES to it to confirm; you get no other texts until you "
                          "do. Reply STOP at any time to opt out."), spacing="3"),
        rx.cond(S.found, _form(), error_callout(S.error)),
    )
