"""Technician portal: my jobs and one job, on a phone."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import job_photos, technician_earnings
from iprodash.services import technician_portal as portal
from state.session import SessionState, as_form, as_text, handles_errors, loads_page


class TechJobsState(SessionState):
    rows: list[dict] = []
    earnings_allowed: bool = False

    @rx.event
    @loads_page
    def load(self):
        actor = self._actor()
        self.rows = [dict(row.__dict__) for row in portal.my_jobs(get_db(), actor=actor)]
        self.earnings_allowed = technician_earnings.earnings_allowed(get_db(), actor=actor)

    @rx.var
    def today(self) -> list[dict]:
        return [r for r in self.rows if r["bucket"] == "today"]

    @rx.var
    def upcoming(self) -> list[dict]:
        return [r for r in self.rows if r["bucket"] == "upcoming"]

    @rx.var
    def recent(self) -> list[dict]:
        return [r for r in self.rows if r["bucket"] == "recent"]


class TechJobState(SessionState):
    """One job on the technician's phone; photo results come back in the URL."""
    job: dict = {}
    moves: list[dict] = []
    payments: list[dict] = []
    parts: list[dict] = []
    notes: list[dict] = []
    photos: list[dict] = []

    def _job_id(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    def _show(self) -> None:
        view = portal.job_view(get_db(), actor=self._actor(), job_id=self._job_id())
        self.moves, self.payments = view.pop("moves"), view.pop("payments")
        self.parts, self.notes = view.pop("parts"), view.pop("tech_notes")
        self.job = view
        self.photos = [dict(p.__dict__) for p in job_photos.list_photos(
            get_db(), actor=self._actor(), job_id=self._job_id())]

    @rx.event
    @loads_page
    def load(self):
        self.job = {}
        self._show()

    @rx.event
    @handles_errors
    def move(self, target: str):
        target = as_text(target, 320)
        notices = portal.move_my_job(get_db(), actor=self._actor(), job_id=self._job_id(),
                                     target=target)
        self._show()
        done = rx.toast.success(f"Status: {self.job.get('status_label', '')}.")
        return [done, *[rx.toast.warning(notice) for notice in notices]]

    @rx.event
    @handles_errors
    def add_payment(self, form: dict):
        form = as_form(form)
        portal.add_my_payment(get_db(), actor=self._actor(), job_id=self._job_id(),
                              method=str(form.get("method", "")),
                              amount=str(form.get("amount", "")))
        self._show()
        return rx.toast.success("Payment saved.")

    @rx.event
    @handles_errors
    def add_part(self, form: dict):
        form = as_form(form)
        portal.add_my_part(get_db(), actor=self._actor(), job_id=self._job_id(),
                           description=str(form.get("description", "")),
                           cost=str(form.get("cost", "")), paid_by=str(form.get("paid_by", "")))
        self._show()
        return rx.toast.success("Part saved.")

    @rx.event
    @handles_errors
    def add_note(self, form: dict):
        form = as_form(form)
        portal.add_my_note(get_db(), actor=self._actor(), job_id=self._job_id(),
                           text=str(form.get("note", "")))
        self._show()
        return rx.toast.success("Note added.")

    @rx.var
    def photo_message(self) -> str:
        params = self.router.url.query_parameters
        if params.get("photo") == "saved":
            return "Photo saved."
        return params.get("photo_error", "")[:200]
