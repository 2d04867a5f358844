"""Privacy center: data exports with progress, and company deletion."""

from __future__ import annotations

import asyncio

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.domain.words import pluralize
from iprodash.services import privacy_client_erasure, privacy_deletion, privacy_export
from iprodash.services.actor import COMPANY_ADMIN, Actor
from state import routes
from state.session import (SessionState, as_choice, as_form, as_text, handles_errors,
                           loads_page)

_REQUESTS = {privacy_export.COMPANY: privacy_export.request_company_export,
             privacy_export.PERSONAL: privacy_export.request_personal_export}


class PrivacyState(SessionState):
    exports: list[dict] = []
    building: bool = False
    deletion_pending: bool = False
    deletion_due: str = ""
    deletion_requested_by: str = ""
    delete_error: str = ""
    deleting: bool = False
    erase_matches: list[dict] = []
    erase_searched: bool = False
    erase_number_display: str = ""
    _erase_number: str = ""  # E.164 of the number found; never taken from the browser

    def _show(self, actor: Actor) -> None:
        db = get_db()
        self.exports = [{**row.__dict__} for row in
                        privacy_export.list_my_exports(db, actor=actor)]
        status = privacy_deletion.deletion_status(db, actor=actor)
        self.deletion_pending, self.deletion_due = status.pending, status.due_at
        self.deletion_requested_by = status.requested_by

    @rx.event
    @loads_page
    def load(self):
        self.delete_error = ""
        self._show(self._actor())

    @rx.event
    @handles_errors
    def refresh(self):
        self._show(self._actor())

    @rx.event(background=True)
    @handles_errors
    async def start_export(self, kind: str):
        """Request an export, build it off the event loop, and show its progress."""
        kind = as_choice(kind, _REQUESTS)
        async with self:
            try:
                actor = self._actor()
            except NotAuthenticated:
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
        request = _REQUESTS.get(kind)
        if request is None:
            return
        try:
            export_id = await asyncio.to_thread(request, get_db(), actor=actor)
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        async with self:
            self.building = True
        build = asyncio.create_task(asyncio.to_thread(
            privacy_export.build_export, get_db(), export_id=export_id))
        while not build.done():
            await asyncio.sleep(1)
            rows = await asyncio.to_thread(privacy_export.list_my_exports, get_db(), actor=actor)
            async with self:
                self.exports = [{**row.__dict__} for row in rows]
        rows = await asyncio.to_thread(privacy_export.list_my_exports, get_db(), actor=actor)
        async with self:
            self.building = False
            self.exports = [{**row.__dict__} for row in rows]
        finished = next((r for r in rows if r.id == export_id), None)
        if finished is not None and finished.status == "ready":
            yield rx.toast.success("Your export is ready to download.")
        elif finished is not None and finished.status == "failed":
            yield rx.toast.error(finished.stage)

    @rx.event(background=True)
    @handles_errors
    async def request_deletion(self, form: dict):
        """Schedule the company's deletion; the password check runs off the event loop."""
        form = as_form(form)
        async with self:
            self.deleting, self.delete_error = True, ""
            try:
                actor = self._actor()
            except NotAuthenticated:
                self.deleting = False
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
        if not form.get("understood"):
            async with self:
                self.deleting = False
                self.delete_error = "Tick the box to confirm you understand what is deleted."
            return
        try:
            await asyncio.to_thread(privacy_deletion.request_company_deletion, get_db(),
                                    actor=actor, password=str(form.get("password", "")))
        except DomainError as exc:
            async with self:
                self.deleting, self.delete_error = False, exc.message
            return
        async with self:
            self.deleting = False
            self._show(actor)
            due = self.deletion_due
        yield rx.toast.success(f"Deletion scheduled for {due}. You can cancel it until then.")

    @rx.event
    @handles_errors
    def cancel_deletion(self):
        actor = self._actor()
        privacy_deletion.cancel_company_deletion(get_db(), actor=actor)
        self._show(actor)
        return rx.toast.success("The deletion is cancelled. Everything works as before.")

    @rx.event
    @handles_errors
    def find_client_to_erase(self, form: dict):
        """Find the client to erase by name, phone or email (company-admin)."""
        form = as_form(form)
        actor = self._actor_with_role(COMPANY_ADMIN)
        # Searched first: a refused query (e.g. 1-character words) leaves the last result shown.
        found = privacy_client_erasure.find_clients_to_erase(
            get_db(), actor=actor, query=str(form.get("query", ""))[:120])
        self.erase_matches, self.erase_searched, self.erase_number_display = [], False, ""
        self._erase_number = ""
        self.erase_matches = [{"id": c.id, "name": c.name, "phone": c.phone,
                               "email": c.email, "address": c.address} for c in found.matches]
        if found.number_has_data and not found.matches:
            self._erase_number, self.erase_number_display = found.phone, found.phone_display
        self.erase_searched = True

    @rx.event
    @handles_errors
    def erase_client(self, client_id: str):
        """Erase one client everywhere; their jobs keep only the money."""
        client_id = as_text(client_id, 40)
        actor = self._actor_with_role(COMPANY_ADMIN)
        counts = privacy_client_erasure.erase_client(get_db(), actor=actor,
                                                     client_id=str(client_id)[:40])
        self.erase_matches = [m for m in self.erase_matches if m["id"] != client_id]
        jobs = pluralize(counts.get("jobs_anonymized", 0), "job")
        return rx.toast.success(f"Client erased: {jobs} anonymized, their messages, photos "
                                "and receipts deleted.")

    @rx.event
    @handles_errors
    def erase_number(self):
        """Erase the number last found (no client has it): opt-in proof, texts, audit."""
        actor = self._actor_with_role(COMPANY_ADMIN)
        if not self._erase_number:
            return rx.toast.error("Find the number first.")
        privacy_client_erasure.erase_phone_number(get_db(), actor=actor,
                                                  phone=self._erase_number)
        shown = self.erase_number_display
        self._erase_number, self.erase_number_display = "", ""
        return rx.toast.success(f"{shown} erased: its opt-in record and texts are deleted.")
