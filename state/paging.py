"""Previous/next through keyset-paged tables, shared by list states.

A state mixes this in and defines ``_reload`` (load ``rows`` after the cursor
``self._cursor()``); ``_cursor_of(row)`` is the row's ``id`` unless the list
is ordered by something else. Its page loader calls ``_open_page()``.
"""

from __future__ import annotations

import reflex as rx

from state.session import handles_errors
from state.session_boundary import page_key


class KeysetPager(rx.State, mixin=True):
    rows: list[dict] = []
    cursor_stack: list[str] = []
    has_next: bool = False
    # The page (path?query) these rows were opened on.
    _shown_page: str = ""

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

    def _open_page(self) -> None:
        """The page loader's start: the first page, except when the tab's socket
        reconnected on this very list (a network blip, or its app worker died and
        another one took the tab over): then the page it was showing, reloaded."""
        page = page_key(self.router.url)
        resuming = getattr(self, "_resuming_page", "")
        if resuming and resuming == page == self._shown_page and self.cursor_stack:
            self._reload()
        else:
            self._first_page()
        self._shown_page = page

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
