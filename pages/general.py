"""Home redirect, session expired, profile (the policies are in pages/policies.py)."""

from __future__ import annotations

import reflex as rx

from components.native_form import native_form

from components.forms import error_callout, field, info_callout, submit_button
from components.layout import app_page
from components.navigation import logout_form
from state import routes
from state.profile import ProfileState
from state.session import SessionState


@app_page(routes.HOME, "Home", public=True, on_load=[SessionState.go_home])
def home_page() -> rx.Component:
    return rx.vstack(rx.spinner(size="3"), rx.text("Opening iProDash..."), align="center")


@app_page(routes.SESSION_EXPIRED, "Your session has ended", public=True)
def session_expired_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Your session has ended", size="5"),
        rx.text("For your security we log you out after a while, when you log out on another "
                "device, or when an admin changes your access. Log in again to continue."),
        rx.link(rx.button("Log in again", size="3"), href=routes.LOGIN),
    )


@app_page("/", "Welcome", public=True, on_load=[SessionState.go_home])
def index_page() -> rx.Component:
    return rx.vstack(rx.spinner(size="3"), rx.link("Log in", href=routes.LOGIN), align="center")


@app_page(routes.PROFILE, "My profile", on_load=[ProfileState.load])
def profile_page() -> rx.Component:
    return rx.vstack(
        rx.card(rx.form(rx.vstack(
            rx.heading("Name and phone", size="4"),
            field("Your name", "name", default_value=SessionState.user_name, required=True),
            field("Your phone", "phone", type_="tel", default_value=ProfileState.phone,
                  key=ProfileState.phone, hint="Optional. Leave empty to remove it."),
            submit_button("Save name and phone"), spacing="3", width="100%"),
            on_submit=ProfileState.save_name), width="100%", max_width="30em"),
        rx.card(rx.form(rx.vstack(
            rx.heading("Email", size="4"),
            rx.text("You sign in with ", rx.text.strong(ProfileState.email),
                    ". A new address is used once you open the link we send to it.", size="2"),
            error_callout(ProfileState.email_error),
            info_callout(ProfileState.email_message),
            field("New email", "new_email", type_="email", required=True),
            field("Your password", "email_password", type_="password", required=True),
            submit_button("Send confirmation link"), spacing="3", width="100%"),
            on_submit=ProfileState.change_email, reset_on_submit=True),
            width="100%", max_width="30em"),
        rx.card(rx.form(rx.vstack(
            rx.heading("Password", size="4"),
            error_callout(ProfileState.password_error),
            field("Current password", "current_password", type_="password", required=True),
            field("New password", "new_password", type_="password", required=True,
                  hint="At least 10 characters. Every session is logged out."),
            submit_button("Change password", ProfileState.busy), spacing="3", width="100%"),
            on_submit=ProfileState.change_password), width="100%", max_width="30em"),
        rx.card(rx.vstack(
            rx.heading("Sessions", size="4"),
            rx.text("Log out on every device, for example after losing a phone.", size="2"),
            native_form(rx.button("Log out everywhere", type="submit", color_scheme="red",
                                 variant="soft"),
                       action=routes.API_LOGOUT_EVERYWHERE, method="post"),
            logout_form(), spacing="3"), width="100%", max_width="30em"),
        rx.card(rx.form(rx.vstack(
            rx.heading("Delete my account", size="4"),
            rx.text("Your name, email, phone, password and sessions are deleted at once. "
                    "Jobs you worked on stay for the company's records under \"Former user\" "
                    "and a number. The company's last admin cannot delete their account.",
                    size="2"),
            error_callout(ProfileState.delete_error),
            field("Your password", "delete_password", type_="password", required=True),
            rx.button("Delete my account", type="submit", color_scheme="red", size="3"),
            spacing="3", width="100%"),
            on_submit=ProfileState.delete_account, reset_on_submit=True),
            width="100%", max_width="30em"),
        spacing="4", width="100%",
    )
