"""My profile: name and password."""

from __future__ import annotations

import asyncio

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services import auth, users
from state import routes
from state.session import SessionState, as_form, handles_errors


class ProfileState(SessionState):
    password_error: str = ""
    busy: bool = False

    @rx.event
    @handles_errors
    def save_name(self, form: dict):
        form = as_form(form)
        actor = self._actor()
        users.update_profile(get_db(), actor=actor, name=str(form.get("name", "")))
        self._remember(self._actor())
        return rx.toast.success("Profile saved.")

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
