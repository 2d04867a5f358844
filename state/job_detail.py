"""Job page: details, edit dialog, status moves (cancel/reopen/send back with a reason),
and the technician's evidence (photos with a viewer, notes, time line).

Payments, parts and closing are in :mod:`state.job_money`; after any change
both states reload the job, so the page always shows what was saved.
"""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, ValidationError
from iprodash.domain.job_status import status_label
from iprodash.services import job_lifecycle, jobs
from iprodash.services.event_scope import jobs_read_once
from iprodash.services.actor import COMPANY_ADMIN, USER
from iprodash.services.job_views import job_detail
from state.address_autocomplete import AddressState
from state.job_form import NONE, JobFormFields, blank_values, form_from
from state.handler_threads import off_the_loop
from state.session import (SessionState, as_flag, as_form, as_int, as_text, handles_errors,
                           loads_page)
from state.texting_chip import TextingChipState, record_from_form, ticked

_LISTS = ("payments", "parts", "finance_lines", "history", "moves", "photos", "tech_notes",
          "timeline")


def job_id_from_path(path: str) -> str:
    """The ``[job_id]`` part of ``/jobs/<id>``."""
    return (path or "").rstrip("/").rsplit("/", 1)[-1][:64]


class JobDetailState(JobFormFields, SessionState):
    job: dict = {}
    history: list[dict] = []
    moves: list[dict] = []
    finance_lines: list[dict] = []
    edit_open: bool = False
    reason_open: bool = False
    reason_target: str = ""
    reason_title: str = ""
    reason_error: str = ""
    photos: list[dict] = []
    tech_notes: list[dict] = []
    timeline: list[dict] = []
    viewer_photo: str = ""

    def _job_id(self) -> str:
        return job_id_from_path(self.router.url.path)

    def _show(self) -> None:
        detail = job_detail(get_db(), actor=self._actor(), job_id=self._job_id())
        data = dict(detail.__dict__)
        self.history, self.moves = data.pop("history"), data.pop("moves")
        self.finance_lines = data.pop("finance_lines")
        self.photos, self.tech_notes = data.pop("photos"), data.pop("tech_notes")
        self.timeline = data.pop("timeline")
        if self.viewer_photo not in [p["id"] for p in self.photos]:
            self.viewer_photo = ""
        for name in _LISTS:
            data.pop(name, None)
        self.job = data

    def _after_change(self, change, message: str) -> list:
        from state.job_money import JobMoneyState

        self._show()
        return [JobMoneyState.refresh, TextingChipState.refresh, rx.toast.success(message),
                *[rx.toast.info(note) for note in change.notices]]

    @rx.event
    @loads_page
    async def load(self):
        """The job page's one loader (one event after the guard): the session is
        checked once, the job read once, and the page's panels (payments and
        parts, invoice, texting chip, text thread, the unread badge) are filled
        here through ``get_state``, each by its own state's code and service
        (the same role, tenant and financials checks as on its own events)."""
        from state.conversations import ThreadState, UnreadState
        from state.invoice_editor import InvoiceEditorState
        from state.job_money import JobMoneyState

        self.edit_open = self.reason_open = False
        self.viewer_photo = ""
        money = await self.get_state(JobMoneyState)
        invoice = await self.get_state(InvoiceEditorState)
        chip = await self.get_state(TextingChipState)
        thread = await self.get_state(ThreadState)
        unread = await self.get_state(UnreadState)
        watching = await off_the_loop(self._fill_panels, money, invoice, chip, thread, unread)
        return ThreadState.watch if watching else None

    def _fill_panels(self, money, invoice, chip, thread, unread) -> bool:
        """The loader's database work (off the event loop, in the event's scope):
        True when the text thread should be watched."""
        actor = self._actor()  # first: a new session resets the tab's states
        with jobs_read_once():
            try:
                self._show()
            except DomainError:  # no such job here: no panel keeps another job's data
                for panel in (money, invoice, chip, thread):
                    panel.reset()
                raise
            money._open()
            invoice._show()
            chip._open_job()
            watching = thread._open_for_job()
        if watching and actor.role in (COMPANY_ADMIN, USER):
            unread._refresh()  # opening the thread may have read its texts
        return watching

    @rx.event
    @handles_errors
    def refresh(self):
        self._show()

    @rx.event
    @handles_errors
    def open_edit(self):
        actor, job = self._actor(), self.job
        self.values = {**blank_values(), **{k: str(job.get(k, "")) for k in blank_values()},
                       "client_phone": job.get("client_phone_display", "")}
        self.technician = job.get("technician_id") or NONE
        self.source = job.get("lead_source_id") or NONE
        self._load_choices(actor)
        for options, current, name in ((self.technicians, job.get("technician_id"),
                                        job.get("technician_name")),
                                       (self.sources, job.get("lead_source_id"),
                                        job.get("lead_source_name"))):
            if current and current not in [o["id"] for o in options]:
                options.append({"id": current, "name": f"{name} (inactive)"})
        self.form_error, self.edit_open = "", True
        self.client_key += 1
        self.form_key += 1
        return AddressState.prefill(job.get("address_line", ""), job.get("city", ""),
                                    job.get("state", ""), job.get("zip", ""))

    @rx.event
    @handles_errors
    def set_edit_open(self, value: bool):
        value = as_flag(value)
        self.edit_open = bool(value)

    @rx.event
    @handles_errors
    def save_edit(self, data: dict):
        data = as_form(data)
        form = form_from({**data, "client_id": ""}, technician=self.technician,
                         source=self.source)
        try:
            change = jobs.update_job(get_db(), actor=self._actor(), job_id=self._job_id(),
                                     form=form, version=self.job.get("version"))
        except ValidationError as exc:
            self.form_error = exc.message
            return None
        self.edit_open = False
        consent = record_from_form(self._actor(), "job", self._job_id()) if ticked(data) else []
        return self._after_change(change, "Job saved.") + consent

    @rx.event
    @handles_errors
    def move(self, target: str):
        target = as_text(target, 320)
        change = job_lifecycle.change_status(get_db(), actor=self._actor(),
                                             job_id=self._job_id(), target=str(target)[:40])
        return self._after_change(change, f"Job is now {status_label(change.job['status'])}.")

    @rx.event
    @handles_errors
    def open_reason(self, target: str, title: str):
        target = as_text(target, 320)
        title = as_text(title, 5000)
        self._actor()
        self.reason_target, self.reason_title = str(target)[:40], str(title)[:60]
        self.reason_error, self.reason_open = "", True

    @rx.event
    @handles_errors
    def open_photo(self, photo_id: str):
        """Show one of this job's photos large; the image route checks access again."""
        photo_id = as_text(photo_id, 40)
        self.viewer_photo = next((p["id"] for p in self.photos if p["id"] == photo_id), "")

    @rx.event
    @handles_errors
    def set_viewer_open(self, value: bool):
        value = as_flag(value)
        if not value:
            self.viewer_photo = ""

    @rx.var
    def viewer_index(self) -> str:
        """"2 of 5" for the photo in the viewer."""
        ids = [p["id"] for p in self.photos]
        if self.viewer_photo not in ids:
            return ""
        return f"{ids.index(self.viewer_photo) + 1} of {len(ids)}"

    @rx.event
    @handles_errors
    def step_photo(self, step: int):
        """Next (1) or previous (-1) photo in the viewer, wrapping around."""
        step = as_int(step, -1000, 1000)
        ids = [p["id"] for p in self.photos]
        if self.viewer_photo in ids and step in (1, -1):
            self.viewer_photo = ids[(ids.index(self.viewer_photo) + step) % len(ids)]

    @rx.event
    @handles_errors
    def set_reason_open(self, value: bool):
        value = as_flag(value)
        self.reason_open = bool(value)

    @rx.event
    @handles_errors
    def confirm_reason(self, data: dict):
        data = as_form(data)
        try:
            change = job_lifecycle.change_status(
                get_db(), actor=self._actor(), job_id=self._job_id(),
                target=self.reason_target, reason=str(data.get("reason", ""))[:600])
        except ValidationError as exc:
            self.reason_error = exc.message
            return None
        self.reason_open = False
        return self._after_change(change, f"{self.reason_title}: done.")
