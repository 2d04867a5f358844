"""Clients page: search by name, address or phone; add and edit clients."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.domain.search_keys import require_search_query
from iprodash.services import clients
from iprodash.services.clients import ClientForm
from state.address_autocomplete import AddressState
from state.catalog import EditDialog, NameKeysetPager
from state.session import SessionState, as_form, as_text, handles_errors
from state.texting_chip import record_from_form, ticked

_FIELDS = ("name", "phone", "email", "address_line", "city", "state", "zip", "lat", "lng")


class ClientsState(NameKeysetPager, EditDialog, SessionState):
    query: str = ""
    form_values: dict[str, str] = {key: "" for key in _FIELDS}

    def _reload(self) -> None:
        rows, self.has_next = clients.list_clients(get_db(), actor=self._actor(),
                                                   query=self.query, after=self._after())
        self.rows = [dict(row.__dict__) for row in rows]

    @rx.event
    @handles_errors
    def search(self, form: dict):
        form = as_form(form)
        query = str(form.get("query", "")).strip()[:100]
        require_search_query(query, field="query")  # refused: the list stays as it is
        self.query = query
        self._first_page()

    def _open(self, editing_id: str, values: dict[str, str]):
        self.form_values = values
        self._show_dialog(editing_id)
        return AddressState.prefill(values["address_line"], values["city"], values["state"],
                                    values["zip"])

    @rx.event
    @handles_errors
    def open_new(self):
        self._actor()
        return self._open("", {key: "" for key in _FIELDS})

    @rx.event
    @handles_errors
    def open_edit(self, client_id: str):
        client_id = as_text(client_id, 40)
        client = clients.get_client(get_db(), actor=self._actor(), client_id=client_id)
        return self._open(client.id, {
            "name": client.name, "phone": client.phone_display, "email": client.email,
            "address_line": client.address_line, "city": client.city, "state": client.state,
            "zip": client.zip, "lat": "", "lng": ""})

    @rx.event
    @handles_errors
    def save(self, form: dict):
        form = as_form(form)
        values = {key: str(form.get(key, ""))[:200] for key in _FIELDS}
        try:
            if self.editing_id:
                saved = clients.update_client(get_db(), actor=self._actor(),
                                              client_id=self.editing_id, form=ClientForm(**values))
            else:
                saved = clients.create_client(get_db(), actor=self._actor(),
                                              form=ClientForm(**values))
        except ValidationError as exc:
            self.form_error, self.form_values = exc.message, values
            return None
        consent = record_from_form(self._actor(), "client", saved.id) if ticked(form) else []
        return [self._saved(values["name"]), *consent]
