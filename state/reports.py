"""Reports page: pick a report, make it off the event loop with progress, list them."""

from __future__ import annotations

import asyncio
import logging
import threading

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services import reports
from iprodash.services.actor import Actor
from state import routes
from state.paging import ResumablePage
from state.session import SessionState, as_text, handles_errors, loads_page

log = logging.getLogger(__name__)
_POLL_SECONDS = 0.4


class _ProgressBox:
    """Progress written by the rendering thread, read by the event."""

    def __init__(self):
        self._lock = threading.Lock()
        self.percent, self.stage = 0, "Starting"

    def update(self, percent: int, stage: str) -> None:
        with self._lock:
            self.percent, self.stage = percent, stage

    def read(self) -> tuple[int, str]:
        with self._lock:
            return self.percent, self.stage


class ReportsState(ResumablePage, SessionState):
    kind: str = ""
    start: str = ""
    end: str = ""
    technician_id: str = ""
    source_id: str = ""
    job: str = ""
    kinds: list[dict] = []
    technicians: list[dict] = []
    sources: list[dict] = []
    busy: bool = False
    percent: int = 0
    stage: str = ""
    error: str = ""
    rows: list[dict] = []
    has_next: bool = False
    cursor_stack: list[str] = []

    def _reload(self, actor: Actor) -> None:
        before = self.cursor_stack[-1] if self.cursor_stack else ""
        page, self.has_next = reports.list_reports(db=get_db(), actor=actor, before_id=before)
        self.rows = [{**row.__dict__} for row in page]

    @rx.event
    @loads_page
    def load(self):
        actor = self._actor()
        choices = reports.report_choices(db=get_db(), actor=actor)
        self.kinds = [{"value": k, "label": label} for k, label in choices.kinds]
        self.technicians = [{"value": i, "label": name} for i, name in choices.technicians]
        self.sources = [{"value": i, "label": name} for i, name in choices.sources]
        allowed = [k for k, _ in choices.kinds]
        if self.kind not in allowed:
            self.kind = reports.PROFIT_LOSS if reports.PROFIT_LOSS in allowed else allowed[0]
        self.start = self.start or choices.default_start
        self.end = self.end or choices.default_end
        self.error = ""
        if not self._resumes_page():  # a reconnect keeps the page of reports on screen
            self.cursor_stack = []
        self._reload(actor)

    @rx.event
    @handles_errors
    def set_kind(self, value: str):
        value = as_text(value, 320)
        if value in reports.KIND_LABELS:
            self.kind, self.error = value, ""

    @rx.event
    @handles_errors
    def set_start(self, value: str):
        value = as_text(value, 320)
        self.start = str(value)[:10]

    @rx.event
    @handles_errors
    def set_end(self, value: str):
        value = as_text(value, 320)
        self.end = str(value)[:10]

    @rx.event
    @handles_errors
    def set_technician_id(self, value: str):
        value = as_text(value, 320)
        self.technician_id = str(value)[:24]

    @rx.event
    @handles_errors
    def set_source_id(self, value: str):
        value = as_text(value, 320)
        self.source_id = "" if value == "all" else str(value)[:24]

    @rx.event
    @handles_errors
    def set_job(self, value: str):
        value = as_text(value, 320)
        self.job = str(value)[:40]

    @rx.event(background=True)
    async def generate(self):
        """Make the chosen report in a worker thread and show its progress meanwhile."""
        async with self:
            if self.busy:
                return
            try:
                actor = self._actor()
            except NotAuthenticated:
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
            self.busy, self.percent, self.stage, self.error = True, 0, "Starting", ""
            request = {"kind": self.kind, "start": self.start, "end": self.end,
                       "technician_id": self.technician_id, "source_id": self.source_id,
                       "job": self.job}
        box = _ProgressBox()
        work = asyncio.ensure_future(asyncio.to_thread(
            reports.generate_report, db=get_db(), actor=actor, on_progress=box.update, **request))
        while not work.done():
            await asyncio.wait({work}, timeout=_POLL_SECONDS)
            async with self:
                self.percent, self.stage = box.read()
        try:
            row = work.result()
        except DomainError as exc:
            async with self:
                self.busy, self.error, self.percent, self.stage = False, exc.message, 0, ""
            return
        except Exception:  # noqa: BLE001 - the user gets a sentence, the log the trace
            log.exception("report generation failed")
            async with self:
                self.busy, self.percent, self.stage = False, 0, ""
                self.error = "The report could not be made. Please try again."
            return
        async with self:
            self.busy, self.percent, self.stage = False, 100, "Ready"
            self.cursor_stack = []
            self._reload(actor)
        yield rx.toast.success(f"{row.title} is ready to download.")

    @rx.event
    @handles_errors
    def refresh(self):
        self._reload(self._actor())

    @rx.event
    @handles_errors
    def next_page(self):
        if self.rows and self.has_next:
            self.cursor_stack = [*self.cursor_stack, self.rows[-1]["id"]]
            self._reload(self._actor())

    @rx.event
    @handles_errors
    def previous_page(self):
        self.cursor_stack = self.cursor_stack[:-1]
        self._reload(self._actor())

    @rx.var
    def needs_period(self) -> bool:
        return self.kind != reports.RECEIPT

    @rx.var
    def kind_hint(self) -> str:
        return {
            reports.RECEIPT: "The client's receipt for a closed job: work done and payments.",
            reports.SETTLEMENT: "Each closed job of the period, what the technician collected "
                                "and paid, and who owes whom. Has signature lines.",
            reports.PROFIT_LOSS: "Gross, card fees, parts, commissions and company profit, "
                                 "week by week, with a chart.",
            reports.LEAD_SOURCES: "Jobs, close and cancel rates, gross, source commission, "
                                  "company profit and ROI per lead source.",
        }.get(self.kind, "")
