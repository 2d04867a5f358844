"""Pages before login: log in, sign up, confirm, forgot/reset password, join."""

from __future__ import annotations

import reflex as rx

from components.native_form import native_form

from components.forms import error_callout, field, info_callout, submit_button
from components.layout import app_page
from state import routes
from state.public_auth import (ConfirmState, ForgotState, JoinState, LoginPageState,
                               ResetState, SignupState)

COMMON_TIMEZONES = ["America/New_York", "America/Chicago", "America/Denver",
                    "America/Phoenix", "America/Los_Angeles", "America/Anchorage",
                    "Pacific/Honolulu", "America/Puerto_Rico", "Europe/London", "UTC"]


@app_page(routes.LOGIN, "Log in", public=True)
def login_page() -> rx.Component:
    return native_form(
        rx.vstack(
            rx.heading("Log in", size="5"),
            error_callout(LoginPageState.error),
            info_callout(LoginPageState.info),
            field("Email", "email", type_="email", default_value=LoginPageState.email,
                  required=True, auto_complete="username"),
            field("Password", "password", type_="password", required=True,
                  auto_complete="current-password"),
            rx.el.input(type="hidden", name="next", value=LoginPageState.next_path),
            submit_button("Log in"),
            rx.hstack(rx.link("Forgot password?", href=routes.FORGOT),
                      rx.spacer(),
                      rx.link("Sign up your company", href=routes.SIGNUP), width="100%"),
            rx.link("Join your company's team", href=routes.JOIN, size="2"),
            spacing="3", width="100%",
        ),
        action=routes.API_LOGIN, method="post",
    )


@app_page(routes.SIGNUP, "Sign up your company", public=True)
def signup_page() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Sign up your company", size="5"),
            rx.text("Free trial. Our team approves new companies within one business day.",
                    size="2", color_scheme="gray"),
            error_callout(SignupState.error),
            field("Company name", "company_name", required=True),
            field("Your name", "admin_name", required=True, auto_complete="name"),
            field("Email", "email", type_="email", required=True, auto_complete="email"),
            field("Phone", "phone", type_="tel", placeholder="(212) 555-0100", required=True),
            field("Password", "password", type_="password", required=True,
                  hint="At least 10 characters.", auto_complete="new-password"),
            rx.vstack(
                rx.el.label("Time zone", font_size="14px", font_weight="500"),
                rx.select(COMMON_TIMEZONES, name="timezone", default_value="America/New_York",
                          size="3", width="100%"),
                spacing="1", width="100%"),
            field("Card processing fee %", "card_fee_percent", default_value="3",
                  hint="What your card processor charges, e.g. 2.9"),
            rx.hstack(
                rx.checkbox(name="accepted_terms", id="accepted_terms", default_checked=False),
                rx.el.label("I am 13 or older and accept the ",
                            rx.link("terms", href=routes.TERMS, is_external=True), " and ",
                            rx.link("privacy policy", href=routes.PRIVACY, is_external=True),
                            ".", html_for="accepted_terms", font_size="14px"),
                align="start"),
            submit_button("Create my company", SignupState.busy),
            rx.link("I already have an account", href=routes.LOGIN, size="2"),
            spacing="3", width="100%",
        ),
        on_submit=SignupState.submit,
    )


@app_page(routes.SIGNUP_SENT, "Check your email", public=True)
def signup_sent_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Check your email", size="5"),
        rx.text("We sent a confirmation link. Open it to send your company for approval. "
                "The link expires in a few days."),
        rx.link("Back to log in", href=routes.LOGIN),
    )


@app_page(routes.CONFIRM, "Email confirmation", public=True, on_load=[ConfirmState.confirm])
def confirm_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Email confirmation", size="5"),
        rx.cond(ConfirmState.ok, info_callout(ConfirmState.message),
                error_callout(ConfirmState.message)),
        rx.link("Go to log in", href=routes.LOGIN),
    )


@app_page(routes.FORGOT, "Reset your password", public=True)
def forgot_page() -> rx.Component:
    return rx.cond(
        ForgotState.sent,
        rx.vstack(rx.heading("Check your email", size="5"),
                  rx.text("If an account uses that email, a reset link is on its way. "
                          "It works once and expires soon."),
                  rx.link("Back to log in", href=routes.LOGIN)),
        rx.form(rx.vstack(
            rx.heading("Reset your password", size="5"),
            error_callout(ForgotState.error),
            field("Email", "email", type_="email", required=True),
            submit_button("Email me a reset link"),
            rx.link("Back to log in", href=routes.LOGIN, size="2"),
            spacing="3", width="100%"), on_submit=ForgotState.submit),
    )


@app_page(routes.RESET, "Choose a new password", public=True)
def reset_page() -> rx.Component:
    return rx.form(rx.vstack(
        rx.heading("Choose a new password", size="5"),
        error_callout(ResetState.error),
        field("New password", "password", type_="password", required=True,
              hint="At least 10 characters.", auto_complete="new-password"),
        submit_button("Save new password", ResetState.busy),
        spacing="3", width="100%"), on_submit=ResetState.submit)


@app_page(routes.JOIN, "Join your company", public=True, on_load=[JoinState.load])
def join_page() -> rx.Component:
    return rx.cond(
        JoinState.done_message != "",
        rx.vstack(rx.heading("Request sent", size="5"), info_callout(JoinState.done_message),
                  rx.link("Back to log in", href=routes.LOGIN)),
        rx.form(rx.vstack(
            rx.heading("Join your company", size="5"),
            rx.cond(JoinState.invite_company != "",
                    rx.text("You were invited to ", rx.text.strong(JoinState.invite_company),
                            " as ", JoinState.invite_email, "."),
                    rx.text("Ask your admin for the company code.", size="2",
                            color_scheme="gray")),
            error_callout(JoinState.error),
            rx.cond(JoinState.invite_token == "",
                    rx.vstack(field("Company code", "company_code", required=True),
                              field("Email", "email", type_="email", required=True),
                              width="100%", spacing="3")),
            field("Your name", "name", required=True),
            field("Password", "password", type_="password", required=True,
                  hint="At least 10 characters.", auto_complete="new-password"),
            submit_button("Ask to join", JoinState.busy),
            spacing="3", width="100%"), on_submit=JoinState.submit),
    )
