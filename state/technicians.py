"""Technicians page: a paged list for office staff, a form for the company admin."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import technicians
from iprodash.services.technicians import DEFAULT_COLOR, TechnicianForm
from state.session import SessionState, handles_errors, loads_page

SHOW = {"active": True, "inactive": False, "all": None}
_BLANK = {"name": "", "nickname": "", "phone": "", "email": "", "commission_percent": "0",
          "job_fee": "0", "color": DEFAULT_COLOR}


class TechniciansState(SessionState):
    rows: list[dict] = []
    show: str = "active"
    cursor_stack: list[list[str]] = []
    has_next: bool = False
    dialog_open: bool = False
    editing_id: str = ""
    form_values: dict[str, str] = dict(_BLANK)
    form_error: str = ""
    form_key: int = 0

    def _reload(self) -> None:
        after = tuple(self.cursor_stack[-1]) if self.cursor_stack else None
        rows, self.has_next = technicians.list_technicians(
            get_db(), actor=self._actor(), after=after, active=SHOW.get(self.show, True))
        self.rows = [{**row.__dict__, "status": "active" if row.active else "deactivated"}
                     for row in rows]

    @rx.event
    @loads_page
    def load(self):
        self.cursor_stack, self.dialog_open = [], False
        self._reload()

    @rx.event
    @handles_errors
    def set_show(self, value: str):
        self.show = value if value in SHOW else "active"
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def next_page(self):
        if self.rows and self.has_next:
            last = self.rows[-1]
            self.cursor_stack = [*self.cursor_stack, [last["name"], last["id"]]]
            self._reload()

    @rx.event
    @handles_errors
    def previous_page(self):
        self.cursor_stack = self.cursor_stack[:-1]
        self._reload()

    def _open(self, editing_id: str, values: dict[str, str]) -> None:
        self.editing_id, self.form_values, self.form_error = editing_id, values, ""
        self.form_key += 1
        self.dialog_open = True

    @rx.event
    @handles_errors
    def open_new(self):
        self._actor()
        self._open("", dict(_BLANK))

    @rx.event
    @handles_errors
    def open_edit(self, technician_id: str):
        tech = technicians.get_technician(get_db(), actor=self._actor(),
                                          technician_id=technician_id)
        self._open(tech.id, {
            "name": tech.name, "nickname": tech.nickname, "phone": tech.phone_display,
            "email": tech.email, "commission_percent": tech.commission_text.rstrip("%"),
            "job_fee": tech.job_fee_text.lstrip("$"), "color": tech.color})

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = bool(value)

    @rx.event
    @handles_errors
    def save(self, form: dict):
        values = {key: str(form.get(key, ""))[:200] for key in _BLANK}
        try:
            if self.editing_id:
                technicians.update_technician(get_db(), actor=self._actor(),
                                              technician_id=self.editing_id,
                                              form=TechnicianForm(**values))
            else:
                technicians.create_technician(get_db(), actor=self._actor(),
                                              form=TechnicianForm(**values))
        except ValidationError as exc:
            self.form_error, self.form_values = exc.message, values
            return None
        self.dialog_open = False
        self._reload()
        return rx.toast.success(f"{values['name'].strip()} saved.")

    @rx.event
    @handles_errors
    def set_active(self, technician_id: str, active: bool):
        tech = technicians.set_technician_active(get_db(), actor=self._actor(),
                                                 technician_id=technician_id,
                                                 active=bool(active))
        self._reload()
        return rx.toast.success(f"{tech.name} {'reactivated' if active else 'deactivated'}.")
