"""The dashboard's "Waiting for approval" list (its own small state, loaded on mount)."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services.approval_queue import jobs_waiting_for_approval
from state import routes
from state.session import SessionState, loads_page


class ApprovalQueueState(SessionState):
    rows: list[dict[str, str]] = []
    more: bool = False

    @rx.event
    @loads_page  # on mount: the page's guard already sends a signed-out visitor to log in
    def load(self):
        queue = jobs_waiting_for_approval(get_db(), actor=self._actor())
        self.rows = [{"id": r.id, "number": f"#{r.number}", "client": r.client_name,
                      "city": r.city, "technician": r.technician_name, "done": r.done_text,
                      "href": routes.job_detail(r.id)} for r in queue.rows]
        self.more = queue.more
