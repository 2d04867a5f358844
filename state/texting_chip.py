"""The texting chip: whether a job's client, a client or a technician gets texts,
with "record consent" and "Stop texting this number" behind small confirm dialogs.

The chip names its subject by kind and id (never by number); the service
loads the number inside the caller's company on every event.
"""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import NotFound, ValidationError
from iprodash.services import texting_consent
from state.session import SessionState, handles_errors, loads_page

# What staff ask before ticking a consent box (versioned with the consent record).
CLIENT_SCRIPT = texting_consent.CLIENT_SCRIPT
TECHNICIAN_SCRIPT = texting_consent.TECHNICIAN_SCRIPT
_EMPTY = {"state": "", "label": "", "detail": "", "phone_display": "", "can_record": False,
          "can_stop": False}


def ticked(data: dict, name: str = "texts_agreed") -> bool:
    """Whether a form's native checkbox was ticked (it sends "on")."""
    return data.get(name) in ("on", True, "true")


def record_from_form(actor, kind: str, subject_id: str) -> list:
    """Record consent ticked on a form after the record was saved; toasts to show.

    A refusal (e.g. the number said STOP) is a warning: the record itself is saved.
    """
    try:
        outcome = texting_consent.record_consent(get_db(), actor=actor, kind=kind,
                                                 subject_id=subject_id)
    except ValidationError as exc:
        return [rx.toast.warning(exc.message)]
    if outcome is None:
        return []
    return [rx.toast.success("Agreement to texts recorded; the welcome text is on its way.")]


class TextingChipState(SessionState):
    kind: str = ""
    subject_id: str = ""
    status: dict = dict(_EMPTY)
    record_open: bool = False
    stop_open: bool = False
    dialog_error: str = ""

    def _refresh(self) -> None:
        if not self.kind:
            self.status = dict(_EMPTY)
            return
        view = texting_consent.texting_status(get_db(), actor=self._actor(), kind=self.kind,
                                              subject_id=self.subject_id)
        self.status = dict(view.__dict__)

    def _set_subject(self, kind: str, subject_id: str) -> None:
        kind, subject_id = str(kind)[:20], str(subject_id)[:64]
        if kind not in texting_consent.SUBJECTS:
            raise ValidationError("Texting can be shown for a job, a client or a technician.")
        self.kind, self.subject_id = kind, subject_id
        self.record_open = self.stop_open = False
        self.dialog_error = ""
        self.status = dict(_EMPTY)

    @rx.event
    @loads_page
    def load_job_from_path(self):
        """``on_load`` of the job page: the chip follows ``/jobs/<id>``.

        A job that cannot be shown leaves the chip empty; the job page's own
        loader already says why, so the chip adds no second toast.
        """
        self._actor()  # first: a new session resets the tab's states
        self._open_job()

    def _open_job(self) -> None:
        """Point the chip at the job of ``/jobs/<id>`` (also run by the job page's loader)."""
        self._set_subject("job", self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        try:
            self._refresh()
        except NotFound:
            self.kind = self.subject_id = ""

    @rx.event
    @loads_page
    def load_client_from_path(self):
        """``on_load`` of the client page: the chip follows ``/clients/<id>``."""
        self._actor()  # first: a new session resets the tab's states
        self._set_subject("client", self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        try:
            self._refresh()
        except NotFound:
            self.kind = self.subject_id = ""

    @rx.event
    @handles_errors
    def show(self, kind: str, subject_id: str):
        """Point the chip at a job, client or technician (e.g. the client page's loader)."""
        self._actor()  # first: a new session resets the tab's states
        self._set_subject(kind, subject_id)
        self._refresh()

    @rx.event
    @handles_errors
    def refresh(self):
        self._refresh()

    @rx.event
    @handles_errors
    def open_record(self):
        self._refresh()
        self.dialog_error, self.record_open = "", bool(self.status.get("can_record"))

    @rx.event
    def set_record_open(self, value: bool):
        self.record_open = bool(value)

    @rx.event
    @handles_errors
    def confirm_record(self):
        try:
            outcome = texting_consent.record_consent(get_db(), actor=self._actor(),
                                                     kind=self.kind, subject_id=self.subject_id)
        except ValidationError as exc:
            self.dialog_error = exc.message
            return None
        self.record_open = False
        self._refresh()
        if outcome is None:
            return rx.toast.info("Texts were already on for this number.")
        return rx.toast.success("Consent recorded. The welcome text is on its way.")

    @rx.event
    @handles_errors
    def open_stop(self):
        self._refresh()
        self.dialog_error, self.stop_open = "", bool(self.status.get("can_stop"))

    @rx.event
    def set_stop_open(self, value: bool):
        self.stop_open = bool(value)

    @rx.event
    @handles_errors
    def confirm_stop(self):
        stopped = texting_consent.stop_texting(get_db(), actor=self._actor(), kind=self.kind,
                                               subject_id=self.subject_id)
        self.stop_open = False
        self._refresh()
        if not stopped:
            return rx.toast.info("Texts to this number had already stopped.")
        return rx.toast.success("Texts stopped. The number gets one text saying so.")

    @rx.var
    def script(self) -> str:
        """What staff ask before recording consent (its version is kept with it)."""
        if self.kind == "technician":
            return texting_consent.TECHNICIAN_SCRIPT
        return texting_consent.CLIENT_SCRIPT

    @rx.var
    def color(self) -> str:
        """The chip's colour: green on, red stopped, amber waiting for consent."""
        return {"on": "green", "stopped": "red", "client_off": "gray",
                "no_phone": "gray"}.get(self.status.get("state", ""), "amber")
