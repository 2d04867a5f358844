"""Sign-in log page (company-admin): keyset pages filtered by kind, person and days."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import usage_log
from state.paging import KeysetPager
from state.session import SessionState, as_form, handles_errors, loads_page

ALL = "all"
KIND_CHOICES = [[ALL, "Every kind"], *[[k, v] for k, v in usage_log.SIGN_IN_KINDS.items()]]


class UsageLogState(KeysetPager, SessionState):
    kind: str = ALL
    person: str = ALL
    start: str = ""
    end: str = ""
    error: str = ""
    people: list[list[str]] = []
    _next: str = ""

    def _filters(self) -> usage_log.SignInFilters:
        return usage_log.SignInFilters(kind="" if self.kind == ALL else self.kind,
                                       person="" if self.person == ALL else self.person,
                                       start=self.start, end=self.end)

    def _reload(self) -> None:
        page = usage_log.list_sign_ins(get_db(), actor=self._actor(), filters=self._filters(),
                                       cursor=self._cursor())
        self.rows = [{**row.__dict__} for row in page.rows]
        self._next, self.has_next = page.next_cursor, bool(page.next_cursor)

    def _cursor_of(self, row: dict) -> str:
        return self._next

    @rx.event
    @loads_page
    def load(self):
        self.kind, self.person, self.start, self.end, self.error = ALL, ALL, "", "", ""
        actor = self._actor()
        self.people = [[ALL, "Everyone"], *[[pid, name or "(no name)"] for pid, name in
                                           usage_log.sign_in_people(get_db(), actor=actor)]]
        self._open_page()

    @rx.event
    @handles_errors
    def apply(self, form: dict):
        form = as_form(form)
        kind, person = str(form.get("kind") or ALL), str(form.get("person") or ALL)
        before = (self.kind, self.person, self.start, self.end)
        self.kind, self.person = kind, person
        self.start, self.end = str(form.get("start", "")).strip(), str(form.get("end", "")).strip()
        try:
            self._first_page()
        except ValidationError as exc:
            self.kind, self.person, self.start, self.end = before
            self.error = exc.message
            return
        self.error = ""
