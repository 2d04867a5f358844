"""States of the pages before login: login, sign-up, confirm, reset, join."""

from __future__ import annotations

import asyncio

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError
from iprodash.services import auth, signup, users
from state import routes
from state.session import as_form


def _form_text(form: dict, key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


class LoginPageState(rx.State):
    """Messages for the login page come back in the query string."""

    @rx.var
    def error(self) -> str:
        return self.router.url.query_parameters.get("error", "")[:300]

    @rx.var
    def info(self) -> str:
        return self.router.url.query_parameters.get("info", "")[:300]

    @rx.var
    def email(self) -> str:
        return self.router.url.query_parameters.get("email", "")[:254]

    @rx.var
    def next_path(self) -> str:
        return self.router.url.query_parameters.get("next", routes.HOME)[:300]


class SignupState(rx.State):
    error: str = ""
    error_field: str = ""
    busy: bool = False

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            if self.busy:
                return
            self.busy, self.error, self.error_field = True, "", ""
        try:
            form = as_form(form)
            await asyncio.to_thread(
                signup.signup_company, get_db(),
                company_name=_form_text(form, "company_name"),
                admin_name=_form_text(form, "admin_name"), email=_form_text(form, "email"),
                phone=_form_text(form, "phone"), password=_form_text(form, "password"),
                timezone=_form_text(form, "timezone"),
                card_fee_percent=_form_text(form, "card_fee_percent"),
                accepted_terms=form.get("accepted_terms") in ("on", True, "true"),
                ip=self.router.session.client_ip)
        except DomainError as exc:
            async with self:
                self.busy, self.error = False, exc.message
                self.error_field = getattr(exc, "field", "") or ""
            return
        async with self:
            self.busy = False
        yield rx.redirect(routes.SIGNUP_SENT)


class ConfirmState(rx.State):
    message: str = ""
    ok: bool = False

    @rx.event
    def confirm(self):
        token = self.router.url.query_parameters.get("token") or self.token_param
        try:
            if users.is_email_change_link(get_db(), token=token):
                email = users.confirm_email_change(get_db(), token=token)
                self.ok, self.message = True, (f"Thanks, your email is now {email}. Log in "
                                               "with it from now on.")
                return
            name = signup.confirm_signup(get_db(), token=token)
        except DomainError as exc:
            self.ok, self.message = False, exc.message
            return
        self.ok = True
        self.message = (f"Thanks, your email is confirmed. {name} is now waiting for approval; "
                        "we email you as soon as you can log in.")

    @rx.var
    def token_param(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]


class ForgotState(rx.State):
    sent: bool = False
    error: str = ""

    @rx.event
    def submit(self, form: dict):
        try:
            form = as_form(form)
            auth.request_password_reset(get_db(), email=_form_text(form, "email"),
                                        ip=self.router.session.client_ip)
        except DomainError as exc:
            self.error = exc.message
            return
        self.sent, self.error = True, ""


class ResetState(rx.State):
    error: str = ""
    busy: bool = False

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            token = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
            self.busy, self.error = True, ""
        try:
            form = as_form(form)
            await asyncio.to_thread(auth.reset_password, get_db(), token=token,
                                    password=_form_text(form, "password"))
        except DomainError as exc:
            async with self:
                self.busy, self.error = False, exc.message
            return
        async with self:
            self.busy = False
        yield rx.redirect(routes.LOGIN + "?info=Your%20password%20is%20changed.%20Log%20in.")


class JoinState(rx.State):
    error: str = ""
    done_message: str = ""
    invite_company: str = ""
    invite_email: str = ""
    busy: bool = False

    @rx.var
    def invite_token(self) -> str:
        return self.router.url.query_parameters.get("invite", "")

    @rx.event
    def load(self):
        self.error = self.done_message = self.invite_company = self.invite_email = ""
        if not self.invite_token:
            return
        try:
            details = users.invite_details(get_db(), token=self.invite_token)
        except DomainError as exc:
            self.error = exc.message
            return
        self.invite_company, self.invite_email = details["company"], details["email"]

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            self.busy, self.error = True, ""
            token = self.invite_token
        try:
            form = as_form(form)
            company = await asyncio.to_thread(
                users.join_company, get_db(), name=_form_text(form, "name"),
                email=_form_text(form, "email"), password=_form_text(form, "password"),
                invite_token=token, company_code=_form_text(form, "company_code"),
                ip=self.router.session.client_ip)
        except DomainError as exc:
            async with self:
                self.busy, self.error = False, exc.message
            return
        async with self:
            self.busy = False
            self.done_message = (f"Thanks! Your request to join {company} is waiting for an "
                                 "admin's approval. You will get an email when you can log in.")
