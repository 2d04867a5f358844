"""The operator's scheduler page: tasks, last runs, failures and who leads."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import scheduler_admin
from state.session import SessionState, as_flag, handles_errors, loads_page


class SchedulerState(SessionState):
    tasks: list[dict] = []
    runs: list[dict] = []
    leader: str = ""
    failures_only: bool = False
    cursor_stack: list[str] = []
    has_next: bool = False

    def _reload(self) -> None:
        actor = self._actor()
        db = get_db()
        self.tasks = [row.as_dict() for row in scheduler_admin.task_overview(db, actor=actor)]
        self.leader = scheduler_admin.leader_text(db, actor=actor)
        before = self.cursor_stack[-1] if self.cursor_stack else ""
        self.runs = scheduler_admin.recent_runs(db, actor=actor, failures_only=self.failures_only,
                                                before_id=before)
        self.has_next = len(self.runs) == scheduler_admin.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def refresh(self):
        self._reload()

    @rx.event
    @handles_errors
    def set_failures_only(self, value: bool):
        value = as_flag(value)
        self.failures_only = bool(value)
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def next_page(self):
        if self.runs and self.has_next:
            self.cursor_stack = [*self.cursor_stack, self.runs[-1]["id"]]
            self._reload()

    @rx.event
    @handles_errors
    def previous_page(self):
        self.cursor_stack = self.cursor_stack[:-1]
        self._reload()
