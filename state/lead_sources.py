"""Lead sources page: a paged list for office staff, a form for the company admin."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import lead_sources
from iprodash.services.lead_sources import LeadSourceForm
from state.catalog import ActiveFilter, EditDialog, NameKeysetPager
from state.session import SessionState, as_flag, as_form, as_text, handles_errors, loads_page

_BLANK = {"name": "", "kind": "percent", "rate_percent": "0", "fixed_amount": "0"}


class LeadSourcesState(NameKeysetPager, EditDialog, ActiveFilter, SessionState):
    form_values: dict[str, str] = dict(_BLANK)
    form_kind: str = "percent"

    def _reload(self) -> None:
        rows, self.has_next = lead_sources.list_lead_sources(
            get_db(), actor=self._actor(), after=self._after(), active=self._active_only())
        self.rows = [{**row.__dict__, "status": "active" if row.active else "deactivated"}
                     for row in rows]

    @rx.event
    @loads_page
    def load(self):
        self.dialog_open = False
        self._open_page()

    def _open(self, editing_id: str, values: dict[str, str]) -> None:
        self.form_values, self.form_kind = values, values["kind"]
        self._show_dialog(editing_id)

    @rx.event
    @handles_errors
    def open_new(self):
        self._actor()
        self._open("", dict(_BLANK))

    @rx.event
    @handles_errors
    def open_edit(self, source_id: str):
        source_id = as_text(source_id, 40)
        source = lead_sources.get_lead_source(get_db(), actor=self._actor(), source_id=source_id)
        self._open(source.id, {"name": source.name, "kind": source.kind,
                               "rate_percent": f"{source.rate_bp / 100:g}",
                               "fixed_amount": f"{source.fixed_cents / 100:.2f}"})

    @rx.event
    @handles_errors
    def set_form_kind(self, value: str):
        value = as_text(value, 320)
        self.form_kind = value if value in ("percent", "fixed") else "percent"

    @rx.event
    @handles_errors
    def save(self, form: dict):
        form = as_form(form)
        values = {key: str(form.get(key, ""))[:200] for key in _BLANK}
        values["kind"] = self.form_kind
        try:
            if self.editing_id:
                lead_sources.update_lead_source(get_db(), actor=self._actor(),
                                                source_id=self.editing_id,
                                                form=LeadSourceForm(**values))
            else:
                lead_sources.create_lead_source(get_db(), actor=self._actor(),
                                                form=LeadSourceForm(**values))
        except ValidationError as exc:
            self.form_error, self.form_values = exc.message, values
            return None
        return self._saved(values["name"])

    @rx.event
    @handles_errors
    def set_active(self, source_id: str, active: bool):
        source_id = as_text(source_id, 40)
        active = as_flag(active)
        source = lead_sources.set_lead_source_active(get_db(), actor=self._actor(),
                                                     source_id=source_id, active=bool(active))
        self._reload()
        return rx.toast.success(f"{source.name} {'reactivated' if active else 'deactivated'}.")
