"""The dashboard's "Waiting for approval" list (its own small state, loaded on mount)."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services.approval_queue import jobs_waiting_for_approval
from state import routes
from state.session import SessionState, handles_errors


class ApprovalQueueState(SessionState):
    rows: list[dict[str, str]] = []
    more: bool = False

    @rx.event
    @handles_errors
    def load(self):
        queue = jobs_waiting_for_approval(get_db(), actor=self._actor())
        self.rows = [{"id": r.id, "number": f"#{r.number}", "client": r.client_name,
                      "city": r.city, "technician": r.technician_name, "done": r.done_text,
                      "href": routes.job_detail(r.id)} for r in queue.rows]
        self.more = queue.more
