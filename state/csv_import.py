"""Import/export page: CSV upload with preview and import, and the export link."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.domain.words import pluralize
from iprodash.services import job_csv, job_csv_import
from state import routes
from state.session import SessionState, as_text, as_uploads, handles_errors, loads_page

UPLOAD_ID = "csv_import"
MAX_ERRORS_SHOWN = 200


class CsvImportState(SessionState):
    """The chosen kind, the checked file's preview and the export filters."""

    kind: str = "jobs"
    file_name: str = ""
    summary: str = ""
    columns: list[str] = []
    sample: list[list[str]] = []
    errors: list[str] = []
    error_count: int = 0

    @rx.var
    def error_count_text(self) -> str:
        """"1 row", "3 rows" (of the file that need fixing)."""
        return pluralize(self.error_count, "row")
    can_import: bool = False
    busy: bool = False
    _pending: bytes = b""
    technicians: list[list[str]] = []
    sources: list[list[str]] = []
    export_filters: dict[str, str] = {"status": "", "technician": "", "source": "",
                                      "date_field": "scheduled", "from": "", "to": "", "q": ""}

    def _clear(self) -> None:
        self.file_name, self.summary, self.columns, self.sample = "", "", [], []
        self.errors, self.error_count, self.can_import, self._pending = [], 0, False, b""

    @rx.event
    @loads_page
    def load(self):
        self._clear()
        choices = job_csv.export_choices(db=get_db(), actor=self._actor())
        self.technicians = [list(pair) for pair in choices["technicians"]]
        self.sources = [list(pair) for pair in choices["sources"]]

    @rx.event
    @handles_errors
    def set_kind(self, value: str):
        value = as_text(value, 320)
        if value in job_csv_import.IMPORT_KINDS:
            self.kind = value
            self._clear()

    @rx.event
    @handles_errors
    async def check_file(self, files: list[rx.UploadFile]):
        """Read the uploaded file (size checked first) and preview it; nothing is written."""
        files = as_uploads(files)
        self._clear()
        if not files:
            return rx.toast.error("Choose a CSV file first.")
        upload = files[0]
        if upload.size is not None and upload.size > job_csv_import.MAX_IMPORT_BYTES:
            return rx.toast.error("The file is larger than 2 MB. Split it into smaller files.")
        data = await upload.read(job_csv_import.MAX_IMPORT_BYTES + 1)
        try:
            plan = await asyncio.to_thread(job_csv_import.preview_import, db=get_db(),
                                           actor=self._actor(), kind=self.kind, data=data)
        except NotAuthenticated:
            return rx.redirect(routes.SESSION_EXPIRED)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.file_name = (upload.filename or "upload.csv")[-120:]
        self.summary, self.columns, self.sample = plan.summary, plan.columns, plan.sample
        self.errors = [str(error) for error in plan.errors[:MAX_ERRORS_SHOWN]]
        self.error_count = len(plan.errors)
        self.can_import = plan.ok
        self._pending = data if plan.ok else b""
        return None

    @rx.event(background=True)
    async def run_import(self):
        """Import the checked file in a worker thread, so other users are not held up."""
        async with self:
            if not self._pending or self.busy:
                return
            try:
                actor = self._actor()
            except NotAuthenticated:
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
            data, kind, self.busy = self._pending, self.kind, True
        imported = False
        try:
            message = await asyncio.to_thread(job_csv_import.run_import, db=get_db(),
                                              actor=actor, kind=kind, data=data)
            imported = True
        except DomainError as exc:
            message = exc.message
        finally:
            async with self:
                self.busy = False
                if imported:
                    self._clear()
        yield rx.toast.success(message) if imported else rx.toast.error(message)

    @rx.event
    def cancel(self):
        self._clear()

    @rx.event
    @handles_errors
    def set_export_filter(self, name: str, value: str):
        name = as_text(name, 320)
        value = as_text(value, 320)
        if name in self.export_filters:
            self.export_filters = {**self.export_filters, name: str(value)[:100]}

    @rx.var
    def export_url(self) -> str:
        """The download link with the chosen filters (checked again by the route)."""
        chosen = {k: v for k, v in self.export_filters.items() if v and v != "any"}
        return f"{routes.API_JOBS_EXPORT}?{urlencode(chosen)}" if chosen \
            else routes.API_JOBS_EXPORT
