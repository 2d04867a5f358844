"""New job form: finds the client by phone and offers to reuse them."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import clients, jobs
from iprodash.services.actor import Actor
from iprodash.services.job_forms import JobForm
from iprodash.services.lead_sources import lead_source_choices
from iprodash.services.technicians import technician_choices
from state import routes
from state.address_autocomplete import AddressState
from state.session import SessionState, as_form, as_text, handles_errors, loads_page
from state.texting_chip import record_from_form, ticked

FORM_FIELDS = tuple(JobForm.__dataclass_fields__)
NONE = "none"


def blank_values() -> dict[str, str]:
    return {name: "" for name in FORM_FIELDS}


def form_from(data: dict, *, technician: str, source: str) -> JobForm:
    """A :class:`JobForm` from submitted form data (selects come from state)."""
    values = {name: str(data.get(name, ""))[:2000] for name in FORM_FIELDS}
    values["technician_id"] = "" if technician == NONE else technician
    values["lead_source_id"] = "" if source == NONE else source
    return JobForm(**values)


class JobFormFields(rx.State, mixin=True):
    """The job form's values and its technician and lead source menus (the new job
    page and the job page's edit dialog)."""

    values: dict[str, str] = blank_values()
    technician: str = NONE
    source: str = NONE
    technicians: list[dict] = []
    sources: list[dict] = []
    form_error: str = ""
    client_key: int = 0
    form_key: int = 0

    def _load_choices(self, actor: Actor) -> None:
        """The menus: the company's active technicians and lead sources."""
        self.technicians = [{"id": t.id, "name": t.name}
                            for t in technician_choices(get_db(), actor=actor)]
        self.sources = [{"id": s.id, "name": s.name}
                        for s in lead_source_choices(get_db(), actor=actor)]

    @rx.event
    @handles_errors
    def set_choice(self, name: str, value: str):
        name = as_text(name, 320)
        value = as_text(value, 320)
        if name == "technician":
            self.technician = str(value)[:40]
        elif name == "source":
            self.source = str(value)[:40]


class NewJobState(JobFormFields, SessionState):
    client_id: str = ""
    matches: list[dict] = []

    @rx.event
    @loads_page
    def load(self):
        actor = self._actor()
        stale = self.values != blank_values() or self.client_id != ""
        self.values, self.client_id, self.matches, self.form_error = blank_values(), "", [], ""
        self.technician = self.source = NONE
        self._load_choices(actor)
        if stale:  # remount the inputs only when they show an earlier job's values
            self.client_key += 1
            self.form_key += 1
        return AddressState.clear

    @rx.event
    @handles_errors
    def lookup_phone(self, phone: str):
        """Look the typed phone up; offer the clients who already have it."""
        phone = as_text(phone, 320)
        found = clients.find_clients_by_phone(get_db(), actor=self._actor(), phone=phone[:40])
        self.values = {**self.values, "client_phone": phone[:40]}
        self.matches = [{"id": c.id, "name": c.name, "address": c.address_text}
                        for c in found if c.id != self.client_id]
        if self.client_id and self.client_id not in [c.id for c in found]:
            self.client_id = ""

    @rx.event
    @handles_errors
    def use_client(self, client_id: str):
        client_id = as_text(client_id, 40)
        client = clients.get_client(get_db(), actor=self._actor(), client_id=client_id)
        self.client_id, self.matches = client.id, []
        self.values = {**self.values, "client_name": client.name,
                       "client_phone": client.phone_display, "client_email": client.email}
        self.client_key += 1
        return AddressState.prefill(client.address_line, client.city, client.state, client.zip)

    @rx.event
    def forget_client(self):
        self.client_id = ""

    @rx.event
    @handles_errors
    def save(self, data: dict):
        data = as_form(data)
        form = form_from({**data, "client_id": self.client_id}, technician=self.technician,
                         source=self.source)
        try:
            change = jobs.create_job(get_db(), actor=self._actor(), form=form)
        except ValidationError as exc:
            self.form_error = exc.message
            return None
        self.form_error = ""
        job_id = str(change.job["_id"])
        events = [rx.redirect(routes.job_detail(job_id)),
                  rx.toast.success(f"Job #{change.job['number']} booked.")]
        if ticked(data):
            events += record_from_form(self._actor(), "job", job_id)
        return events + [rx.toast.info(n) for n in change.notices]
