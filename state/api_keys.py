"""API keys page: create (the secret is shown once), list, revoke."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import api_keys
from state.paging import KeysetPager
from state.session import SessionState, as_form, as_text, handles_errors, loads_page

SCOPE_CHOICES = {"read": ["read"], "read and write": ["read", "write"]}


# The element the new secret is written into, in the browser only.
SECRET_FIELD_ID = "new-api-key-secret"


class ApiKeysState(KeysetPager, SessionState):
    # The secret itself never enters this state (which lives on the server
    # for the tab): it goes to the browser as a one-off event.
    secret_shown: bool = False
    new_name: str = ""
    error: str = ""
    form_key: int = 0

    def _reload(self) -> None:
        before = self.cursor_stack[-1] if self.cursor_stack else ""
        page = api_keys.list_api_keys(get_db(), actor=self._actor(), before_id=before)
        self.rows = [{**row.__dict__} for row in page]
        self.has_next = len(page) == api_keys.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        """Page 1; on a reconnect, the page on screen. A secret is never shown again."""
        self.secret_shown, self.new_name, self.error = False, "", ""
        self._open_page()

    @rx.event
    @handles_errors
    def create(self, form: dict):
        form = as_form(form)
        scopes = SCOPE_CHOICES.get(str(form.get("scopes", "")), [])
        try:
            row, secret = api_keys.create_api_key(get_db(), actor=self._actor(),
                                                  name=str(form.get("name", "")), scopes=scopes)
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.error, self.secret_shown, self.new_name = "", True, row.name
        self.form_key += 1
        self.cursor_stack = []
        self._reload()
        return [rx.set_value(SECRET_FIELD_ID, secret),
                rx.toast.success("Key created. Copy it now: it is not shown again.")]

    @rx.event
    def forget_secret(self):
        """Hide the secret once the admin has stored it."""
        self.secret_shown, self.new_name = False, ""
        return rx.set_value(SECRET_FIELD_ID, "")

    @rx.event
    @handles_errors
    def revoke(self, key_id: str):
        key_id = as_text(key_id, 40)
        api_keys.revoke_api_key(get_db(), actor=self._actor(), key_id=str(key_id))
        self._reload()
        return rx.toast.success("Key revoked. Requests with it are refused from now on.")

