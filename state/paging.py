"""Previous/next through keyset-paged tables, shared by list states.

A state mixes this in and defines ``_reload`` (load ``rows`` after the cursor
``self._cursor()``); ``_cursor_of(row)`` is the row's ``id`` unless the list
is ordered by something else. Its page loader calls ``_open_page()``. A list
paged some other way mixes in ``ResumablePage`` and asks ``_resumes_page()``.
"""

from __future__ import annotations

import reflex as rx

from state.session import handles_errors
from state.session_boundary import page_key


class ResumablePage(rx.State, mixin=True):
    """A list page whose loader tells a reconnect from a fresh load or navigation.

    Mixed into a state that also has ``SessionState`` (whose guard, the page's
    first loader, sets ``_resuming_page``)."""

    # The page (path?query) these rows were opened on.
    _shown_page: str = ""

    def _resumes_page(self) -> bool:
        """True when this loader runs because the tab's socket reconnected on this
        very list (a network blip, or its app worker died and another one took the
        tab over); False for a page load or a navigation. Remembers the page."""
        page = page_key(self.router.url)
        resuming = getattr(self, "_resuming_page", "")
        resumed = bool(resuming) and resuming == page == self._shown_page
        self._shown_page = page
        return resumed


class KeysetPager(ResumablePage, mixin=True):
    rows: list[dict] = []
    cursor_stack: list[str] = []
    has_next: bool = False

    def _reload(self) -> None:
        raise NotImplementedError

    def _cursor_of(self, row: dict) -> str:
        return row["id"]

    def _cursor(self) -> str:
        """The cursor of the page on screen ("" for the first page)."""
        return self.cursor_stack[-1] if self.cursor_stack else ""

    def _first_page(self) -> None:
        self.cursor_stack = []
        self._reload()

    def _open_page(self) -> bool:
        """The page loader's start: the first page, except on a reconnect of the tab
        on this very list (see ``_resumes_page``): then the page it was showing,
        reloaded. Returns whether it was such a reconnect, so a loader can keep the
        rest of what the tab showed too."""
        resumed = self._resumes_page()
        if resumed and self.cursor_stack:
            self._reload()
        else:
            self._first_page()
        return resumed

    @rx.event
    @handles_errors
    def next_page(self):
        if self.rows and self.has_next:
            self.cursor_stack = [*self.cursor_stack, str(self._cursor_of(self.rows[-1]))]
            self._reload()

    @rx.event
    @handles_errors
    def previous_page(self):
        self.cursor_stack = self.cursor_stack[:-1]
        self._reload()

    @rx.var
    def has_previous(self) -> bool:
        return len(self.cursor_stack) > 0
