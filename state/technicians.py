"""Technicians page: a paged list for office staff, a form for the company admin."""

from __future__ import annotations

import asyncio

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated, ValidationError
from iprodash.services import people_deletion, privacy_export, technician_access, technicians
from iprodash.services.technicians import DEFAULT_COLOR, TechnicianForm
from state import routes
from state.catalog import ActiveFilter, EditDialog, NameKeysetPager
from state.session import SessionState, as_flag, as_form, as_text, handles_errors, loads_page
from state.texting_chip import record_from_form, ticked

_BLANK = {"name": "", "nickname": "", "phone": "", "email": "", "commission_percent": "0",
          "job_fee": "0", "color": DEFAULT_COLOR}


class TechniciansState(NameKeysetPager, EditDialog, ActiveFilter, SessionState):
    form_values: dict[str, str] = dict(_BLANK)

    def _reload(self) -> None:
        rows, self.has_next = technicians.list_technicians(
            get_db(), actor=self._actor(), after=self._after(), active=self._active_only())
        self.rows = [{**row.__dict__, "status": "active" if row.active else "deactivated"}
                     for row in rows]

    @rx.event
    @loads_page
    def load(self):
        self.dialog_open = False
        self._open_page()

    def _open(self, editing_id: str, values: dict[str, str]) -> None:
        self.form_values = values
        self._show_dialog(editing_id)

    @rx.event
    @handles_errors
    def open_new(self):
        self._actor()
        self._open("", dict(_BLANK))

    @rx.event
    @handles_errors
    def open_edit(self, technician_id: str):
        technician_id = as_text(technician_id, 40)
        tech = technicians.get_technician(get_db(), actor=self._actor(),
                                          technician_id=technician_id)
        self._open(tech.id, {
            "name": tech.name, "nickname": tech.nickname, "phone": tech.phone_display,
            "email": tech.email, "commission_percent": tech.commission_text.rstrip("%"),
            "job_fee": tech.job_fee_text.lstrip("$"), "color": tech.color})

    @rx.event
    @handles_errors
    def save(self, form: dict):
        form = as_form(form)
        values = {key: str(form.get(key, ""))[:200] for key in _BLANK}
        try:
            if self.editing_id:
                saved = technicians.update_technician(get_db(), actor=self._actor(),
                                                      technician_id=self.editing_id,
                                                      form=TechnicianForm(**values))
            else:
                saved = technicians.create_technician(get_db(), actor=self._actor(),
                                                      form=TechnicianForm(**values))
        except ValidationError as exc:
            self.form_error, self.form_values = exc.message, values
            return None
        consent = (record_from_form(self._actor(), "technician", saved.id)
                   if ticked(form) else [])
        return [self._saved(values["name"]), *consent]

    @rx.event
    @handles_errors
    def set_active(self, technician_id: str, active: bool):
        technician_id = as_text(technician_id, 40)
        active = as_flag(active)
        tech = technicians.set_technician_active(get_db(), actor=self._actor(),
                                                 technician_id=technician_id,
                                                 active=bool(active))
        self._reload()
        return rx.toast.success(f"{tech.name} {'reactivated' if active else 'deactivated'}.")

    @rx.event
    @handles_errors
    def send_link(self, technician_id: str):
        """Text/email the technician a fresh sign-in link for their phone."""
        technician_id = as_text(technician_id, 40)
        result = technician_access.send_technician_link(get_db(), actor=self._actor(),
                                                        technician_id=str(technician_id)[:64])
        return (rx.toast.success if result.sent else rx.toast.warning)(result.message)

    @rx.event
    @handles_errors
    def revoke_links(self, technician_id: str):
        """Turn off every link the technician has and sign them out (admin)."""
        technician_id = as_text(technician_id, 40)
        count = technician_access.revoke_technician_links(
            get_db(), actor=self._actor(), technician_id=str(technician_id)[:64])
        return rx.toast.success(f"Turned off {count} link{'s' if count != 1 else ''}; "
                                "the technician is signed out everywhere.")

    @rx.event
    @handles_errors
    def delete(self, technician_id: str):
        """Delete the technician's personal data; their jobs keep a "Former technician" label."""
        shown_as = people_deletion.delete_technician(get_db(), actor=self._actor(),
                                                     technician_id=str(technician_id)[:64])
        self._reload()
        return rx.toast.success(f"Deleted. Their jobs and payouts now show \"{shown_as}\".")

    @rx.event(background=True)
    async def export_data(self, technician_id: str):
        """Build the technician's personal export (admin); it appears in the Privacy center."""
        async with self:
            try:
                actor = self._actor()
                export_id = privacy_export.request_technician_export(
                    get_db(), actor=actor, technician_id=str(technician_id)[:64])
            except NotAuthenticated:
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
            except DomainError as exc:
                yield rx.toast.error(exc.message)
                return
        yield rx.toast.info("Preparing their export. Download it from the Privacy center "
                            "when it is ready.")
        await asyncio.to_thread(privacy_export.build_export, get_db(), export_id=export_id)
