"""The operator's scheduler page: tasks, last runs, failures and who leads."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import scheduler_admin
from state.paging import KeysetPager
from state.session import SessionState, as_flag, handles_errors, loads_page


class SchedulerState(KeysetPager, SessionState):
    """``rows`` is the run log, newest first; ``tasks`` every task's overview."""

    tasks: list[dict] = []
    leader: str = ""
    failures_only: bool = False

    def _reload(self) -> None:
        actor = self._actor()
        db = get_db()
        self.tasks = [row.as_dict() for row in scheduler_admin.task_overview(db, actor=actor)]
        self.leader = scheduler_admin.leader_text(db, actor=actor)
        self.rows = scheduler_admin.recent_runs(db, actor=actor, failures_only=self.failures_only,
                                                before_id=self._cursor())
        self.has_next = len(self.rows) == scheduler_admin.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        self._open_page()

    @rx.event
    @handles_errors
    def refresh(self):
        self._reload()

    @rx.event
    @handles_errors
    def set_failures_only(self, value: bool):
        value = as_flag(value)
        self.failures_only = bool(value)
        self._first_page()
