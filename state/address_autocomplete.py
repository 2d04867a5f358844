"""Address autocomplete for office forms (job and client).

The component's inputs carry form names (``address_line``, ``city``,
``state``, ``zip``, ``lat``, ``lng``), so any form that includes it gets the
address in its submitted data. Without a Maps key they are plain inputs.
"""

from __future__ import annotations

import secrets

import reflex as rx

from iprodash.db import get_db
from iprodash.services import addresses
from state.session import SessionState, as_text, handles_errors


class AddressState(SessionState):
    query: str = ""
    suggestions: list[dict] = []
    line: str = ""
    city: str = ""
    region: str = ""
    zip: str = ""
    lat: str = ""
    lng: str = ""
    fill_key: int = 0
    _session_token: str = ""

    @rx.var
    def enabled(self) -> bool:
        return addresses.autocomplete_enabled()

    def _token(self) -> str:
        if not self._session_token:
            self._session_token = secrets.token_urlsafe(16)
        return self._session_token

    @rx.event
    @handles_errors
    def prefill(self, line: str, city: str, region: str, zip_code: str):
        """Show an existing address (editing a job or client)."""
        line = as_text(line, 320)
        city = as_text(city, 320)
        region = as_text(region, 320)
        zip_code = as_text(zip_code, 320)
        self._fill(line, city, region, zip_code)

    def _fill(self, line: str, city: str, region: str, zip_code: str) -> None:
        self.line, self.city, self.region, self.zip = (line[:200], city[:100], region[:50],
                                                       zip_code[:20])
        self.lat = self.lng = self.query = ""
        self.suggestions = []
        self.fill_key += 1

    @rx.event
    def clear(self):
        """Empty the fields for a new form; leave the inputs alone when already empty,
        so an early keystroke is not wiped when the page's load arrives after it."""
        if self.line or self.city or self.region or self.zip or self.lat or self.query:
            self._fill("", "", "", "")

    @rx.event
    @handles_errors
    def search(self, text: str):
        text = as_text(text, 5000)
        self.query = text[:200]
        self.suggestions = addresses.suggest_addresses(
            get_db(), actor=self._actor(), text=self.query, session_token=self._token())

    @rx.event
    @handles_errors
    def choose(self, place_id: str):
        place_id = as_text(place_id, 40)
        found = addresses.resolve_address(get_db(), actor=self._actor(), place_id=place_id,
                                          session_token=self._token())
        self._session_token = ""  # a session ends with the chosen place
        self.line, self.city = found["line"] or "", found["city"] or ""
        self.region, self.zip = found["state"] or "", found["zip"] or ""
        self.lat = "" if found["lat"] is None else str(found["lat"])
        self.lng = "" if found["lng"] is None else str(found["lng"])
        self.suggestions, self.query = [], ""
        self.fill_key += 1
