"""My profile: name, phone, email (confirmed by a link), password, deleting my account."""

from __future__ import annotations

import asyncio

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services import auth, people_deletion, users
from state import routes
from state.session import SessionState, as_form, handles_errors, loads_page


class ProfileState(SessionState):
    password_error: str = ""
    busy: bool = False
    phone: str = ""
    email: str = ""
    email_message: str = ""
    email_error: str = ""
    delete_error: str = ""

    @rx.event
    @loads_page
    def load(self):
        profile = users.my_profile(get_db(), actor=self._actor())
        self.phone, self.email = profile.phone, profile.email
        self.email_message = self.email_error = self.delete_error = ""

    @rx.event
    @handles_errors
    def save_name(self, form: dict):
        form = as_form(form)
        actor = self._actor()
        users.update_profile(get_db(), actor=actor, name=str(form.get("name", "")),
                             phone=str(form.get("phone", "")))
        self._remember(self._actor())
        self.phone = users.my_profile(get_db(), actor=actor).phone
        return rx.toast.success("Profile saved.")

    @rx.event
    @handles_errors
    def change_email(self, form: dict):
        form = as_form(form)
        actor = self._actor()
        self.email_message = self.email_error = ""
        try:
            self.email_message = users.request_email_change(
                get_db(), actor=actor, new_email=str(form.get("new_email", "")),
                password=str(form.get("email_password", "")))
        except NotAuthenticated:
            raise
        except DomainError as exc:
            self.email_error = exc.message

    @rx.event
    @handles_errors
    def delete_account(self, form: dict):
        form = as_form(form)
        actor = self._actor()
        self.delete_error = ""
        try:
            people_deletion.delete_my_account(get_db(), actor=actor,
                                              password=str(form.get("delete_password", "")))
        except NotAuthenticated:
            raise
        except DomainError as exc:
            self.delete_error = exc.message
            return None
        return rx.redirect(routes.LOGIN + "?info=Your%20account%20was%20deleted.")

    @rx.event(background=True)
    @handles_errors
    async def change_password(self, form: dict):
        form = as_form(form)
        async with self:
            self.busy, self.password_error = True, ""
            try:
                actor = self._actor()
            except NotAuthenticated:
                self.busy = False
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
        try:
            await asyncio.to_thread(auth.change_password, get_db(), actor=actor,
                                    current=str(form.get("current_password", "")),
                                    new=str(form.get("new_password", "")))
        except DomainError as exc:
            async with self:
                self.busy, self.password_error = False, exc.message
            return
        async with self:
            self.busy = False
        yield rx.redirect(routes.LOGIN + "?info=Password%20changed.%20Log%20in%20again.")
