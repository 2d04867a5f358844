"""Jobs list: every filter lives in the URL, so a view can be bookmarked.

A filter change rewrites the URL (``rx.redirect(..., replace=True)``); the
page's ``on_load`` reads it back and loads the first page. The count can
take a moment on a big company, so it arrives after the rows, from a
background event.
"""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.search_keys import require_search_query
from iprodash.services.event_scope import event_scope
from iprodash.services import job_queries
from iprodash.services.job_queries import JobListFilters, count_text
from iprodash.services.lead_sources import all_lead_sources
from iprodash.services.technicians import all_technicians
from state import routes
from state.paging import KeysetPager
from state.handler_threads import off_the_loop
from state.session import SessionState, as_form, as_text, handles_errors, loads_page

ANY = "any"
_EXPORT_FIELDS = ("q", "status", "technician", "source", "date_field", "from", "to")


class JobsState(KeysetPager, SessionState):
    q: str = ""
    status: str = ANY
    technician: str = ANY
    source: str = ANY
    date_field: str = "scheduled"
    date_from: str = ""
    date_to: str = ""
    order: str = "desc"
    mode: str = "window"
    count_text: str = ""
    technicians: list[dict] = []
    sources: list[dict] = []
    filters_key: int = 0
    # The jobs version and filters the count shown was taken under.
    _counted: str = ""

    def _filters(self) -> JobListFilters:
        return job_queries.list_filters(get_db(), actor=self._actor(), params=self._params())

    def _params(self) -> dict[str, str]:
        values = {"q": self.q, "status": self.status, "technician": self.technician,
                  "source": self.source, "date_field": self.date_field,
                  "from": self.date_from, "to": self.date_to, "order": self.order}
        return {k: v for k, v in values.items() if v and v != ANY}

    def _show(self, filters: JobListFilters) -> bool:
        """Show ``filters`` in the filter bar; True when they differ from those shown."""
        params = filters.as_params()
        shown = dict(q=filters.search, order=filters.order, status=filters.status or ANY,
                     technician=filters.technician or ANY, source=filters.lead_source or ANY,
                     date_field=filters.date_field, date_from=params.get("from", ""),
                     date_to=params.get("to", ""))
        if not self._assign(**shown):
            return False  # nothing to send again, nor to re-mount
        self.filters_key += 1
        return True

    def _cursor_of(self, row: dict) -> str:
        return row["cursor"]

    def _reload(self) -> None:
        after = self._cursor()
        page = job_queries.list_jobs(get_db(), actor=self._actor(), filters=self._filters(),
                                     after=after)
        self._assign(rows=[dict(row.__dict__) for row in page.rows], has_next=page.has_next,
                     mode=page.mode)

    @rx.event
    @loads_page
    def load(self):
        actor = self._actor()
        changed = self._show(job_queries.list_filters(
            get_db(), actor=actor, params=dict(self.router.url.query_parameters)))
        self._assign(
            technicians=[{"id": t.id, "name": t.name + ("" if t.active else " (inactive)")}
                         for t in all_technicians(get_db(), actor=actor)],
            sources=[{"id": s.id, "name": s.name} for s in all_lead_sources(get_db(),
                                                                           actor=actor)])
        self._open_page()
        if self._counted == self._count_key(job_queries.jobs_version(get_db(), actor=actor)):
            return None  # the count shown is still right: same filters, no job written
        if changed or not self.count_text:
            self.count_text = "Counting…"
        return JobsState.count_matches

    def _count_key(self, version: int) -> str:
        return f"{version}|{sorted(self._params().items())}"

    @rx.event(background=True)
    async def count_matches(self):
        """Count the matching jobs (up to 1,000+) without holding up the rows."""
        async with self:
            try:
                with event_scope():  # the session and company read once
                    actor, filters = self._actor(), self._filters()
                    version = job_queries.jobs_version(get_db(), actor=actor)
            except Exception:  # noqa: BLE001 - the page's own loader reports session errors
                return
            params = self._params()
        total = await off_the_loop(job_queries.count_jobs, get_db(), actor=actor,
                                  filters=filters)
        async with self:
            if params != self._params():
                return  # the filters changed meanwhile; that load counts again
            self._assign(count_text=count_text(total))
            self._counted = self._count_key(version)

    def _go(self, **changes: str):
        params = {**self._params(), **changes}
        params = {k: v for k, v in params.items() if v and v != ANY}
        query = urlencode(params)
        return rx.redirect(routes.JOBS + (f"?{query}" if query else ""), replace=True)

    @rx.event
    @handles_errors
    def search(self, form: dict):
        form = as_form(form)
        self._actor()
        query = str(form.get("q", "")).strip()[:100]
        require_search_query(query, job_numbers=True)  # refused: the list stays as it is
        return self._go(q=query)

    @rx.event
    @handles_errors
    def set_filter(self, name: str, value: str):
        """Change one of status, technician, source, date_field or order."""
        name = as_text(name, 320)
        value = as_text(value, 320)
        self._actor()
        if name not in ("status", "technician", "source", "date_field", "order"):
            return None
        return self._go(**{name: str(value)[:40]})

    @rx.event
    @handles_errors
    def set_dates(self, form: dict):
        form = as_form(form)
        self._actor()
        return self._go(**{"from": str(form.get("from", ""))[:10],
                           "to": str(form.get("to", ""))[:10]})

    @rx.event
    def clear_filters(self):
        return rx.redirect(routes.JOBS, replace=True)

    @rx.var
    def export_url(self) -> str:
        params = {k: v for k, v in self._params().items() if k in _EXPORT_FIELDS}
        if params.get("date_field") == "unscheduled":
            params.pop("date_field")
        return routes.API_JOBS_EXPORT + ("?" + urlencode(params) if params else "")

    @rx.var
    def page_number(self) -> int:
        return len(self.cursor_stack) + 1
