"""Operator: platform sign-in counts (no personal data) and deleting a person at once."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services import people_deletion, usage_log
from iprodash.services.actor import OPERATOR
from state.session import SessionState, as_form, handles_errors, loads_page


class OperatorPeopleState(SessionState):
    counts: list[dict] = []
    delete_error: str = ""
    delete_message: str = ""

    def _load_counts(self) -> None:
        rows = usage_log.platform_sign_in_counts(get_db(),
                                                 actor=self._actor_with_role(OPERATOR))
        self.counts = [{**row.__dict__} for row in rows]

    @rx.event
    @loads_page
    def load(self):
        self.delete_error = self.delete_message = ""
        self._load_counts()

    @rx.event
    @handles_errors
    def delete_person(self, form: dict):
        form = as_form(form)
        actor = self._actor_with_role(OPERATOR)
        self.delete_error = self.delete_message = ""
        if str(form.get("confirm", "")).strip().upper() != "DELETE":
            self.delete_error = "Type DELETE to confirm: this cannot be undone."
            return
        try:
            done = people_deletion.operator_delete_person(get_db(), actor=actor,
                                                          email=str(form.get("email", "")))
        except NotAuthenticated:
            raise
        except DomainError as exc:
            self.delete_error = exc.message
            return
        self.delete_message = done.message
