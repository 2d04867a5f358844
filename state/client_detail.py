"""The client page: details (editable, with their correction history), texting
consent, every job with its money, the note, and erasure for admins."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import client_page, clients, privacy_client_erasure
from iprodash.services.actor import COMPANY_ADMIN
from iprodash.services.clients import ClientForm
from state import routes
from state.address_autocomplete import AddressState
from state.paging import KeysetPager
from state.session import SessionState, as_form, handles_errors, loads_page

_FIELDS = ("name", "phone", "email", "address_line", "city", "state", "zip", "lat", "lng")


def client_id_from_path(path: str) -> str:
    """The ``[client_id]`` part of ``/clients/<id>``."""
    return (path or "").rstrip("/").rsplit("/", 1)[-1][:64]


class ClientDetailState(KeysetPager, SessionState):
    """``rows`` are the client's jobs (newest first)."""

    client: dict[str, str] = {}
    consent: str = ""
    note: str = ""
    note_error: str = ""
    history: list[dict] = []
    edit_open: bool = False
    form_error: str = ""
    form_key: int = 0
    form_values: dict[str, str] = {key: "" for key in _FIELDS}
    erase_open: bool = False

    def _client_id(self) -> str:
        return client_id_from_path(self.router.url.path)

    def _reload(self) -> None:
        self.rows, self.has_next = client_page.client_jobs(
            get_db(), actor=self._actor(), client_id=self._client_id(), before_id=self._cursor())

    def _show(self) -> None:
        db, actor = get_db(), self._actor()
        profile = client_page.client_profile(db, actor=actor, client_id=self._client_id())
        self.client = {k: str(v) for k, v in profile.client.__dict__.items()}
        self.consent, self.note = profile.consent, profile.note
        self.history = client_page.contact_history(db, actor=actor, client_id=self._client_id())

    @rx.event
    @loads_page
    def load(self):
        self.client, self.rows, self.history = {}, [], []
        self.edit_open = self.erase_open = False
        self.note_error = self.form_error = ""
        self._show()
        self._open_page()

    @rx.event
    @handles_errors
    def save_note(self, form: dict):
        form = as_form(form)
        text = str(form.get("note", ""))[:client_page.MAX_NOTE + 100]
        try:
            self.note = client_page.save_client_note(get_db(), actor=self._actor(),
                                                     client_id=self._client_id(), note=text)
        except ValidationError as exc:
            self.note_error = exc.message
            return None
        self.note_error = ""
        self._show()
        return rx.toast.success("Note saved.")

    @rx.event
    @handles_errors
    def open_edit(self):
        self._actor()
        c = self.client
        self.form_values = {"name": c.get("name", ""), "phone": c.get("phone_display", ""),
                            "email": c.get("email", ""), "address_line": c.get("address_line", ""),
                            "city": c.get("city", ""), "state": c.get("state", ""),
                            "zip": c.get("zip", ""), "lat": "", "lng": ""}
        self.form_error, self.form_key, self.edit_open = "", self.form_key + 1, True
        v = self.form_values
        return AddressState.prefill(v["address_line"], v["city"], v["state"], v["zip"])

    @rx.event
    def set_edit_open(self, value: bool):
        self.edit_open = bool(value)

    @rx.event
    @handles_errors
    def save_details(self, form: dict):
        form = as_form(form)
        values = {key: str(form.get(key, ""))[:200] for key in _FIELDS}
        try:
            clients.update_client(get_db(), actor=self._actor(), client_id=self._client_id(),
                                  form=ClientForm(**values))
        except ValidationError as exc:
            self.form_error, self.form_values = exc.message, values
            return None
        self.edit_open = False
        self._show()
        return rx.toast.success("Contact details saved.")

    @rx.event
    @handles_errors
    def open_erase(self):
        self._actor_with_role(COMPANY_ADMIN)
        self.erase_open = True

    @rx.event
    def set_erase_open(self, value: bool):
        self.erase_open = bool(value)

    @rx.event
    @handles_errors
    def confirm_erase(self):
        """Erase the client everywhere (company-admin; the service checks again)."""
        actor = self._actor_with_role(COMPANY_ADMIN)
        self.erase_open = False
        privacy_client_erasure.erase_client(get_db(), actor=actor, client_id=self._client_id())
        return [rx.redirect(routes.CLIENTS),
                rx.toast.success("The client was erased; their jobs stay, anonymized.")]
