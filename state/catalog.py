"""Shared parts of the office's list-and-dialog pages (technicians, lead
sources, clients): pages through rows ordered by name, an add/edit dialog,
and the active/inactive/all filter.
"""

from __future__ import annotations

import json

import reflex as rx

from state.paging import KeysetPager
from state.session import as_flag, as_text, handles_errors, loads_page

SHOW = {"active": True, "inactive": False, "all": None}


class NameKeysetPager(KeysetPager, mixin=True):
    """Keyset paging on ``(name, id)``; ``_after()`` is the service's ``after``."""

    def _cursor_of(self, row: dict) -> str:
        return json.dumps([row["name"], row["id"]])

    def _after(self) -> tuple[str, str] | None:
        cursor = self._cursor()
        return tuple(json.loads(cursor)) if cursor else None


class EditDialog(rx.State, mixin=True):
    """An add/edit dialog over a paged list: which row is edited, the error and a key
    to reset the form; ``load`` is the list page's loader."""

    dialog_open: bool = False
    editing_id: str = ""
    form_error: str = ""
    form_key: int = 0

    def _show_dialog(self, editing_id: str) -> None:
        self.editing_id, self.form_error = editing_id, ""
        self.form_key += 1
        self.dialog_open = True

    def _saved(self, name: str):
        """Close the dialog, reload the list and say what was saved."""
        self.dialog_open = False
        self._reload()
        return rx.toast.success(f"{name.strip()} saved.")

    @rx.event
    @loads_page
    def load(self):
        """The dialog closed and the page of rows the tab was showing (page 1 on a fresh load)."""
        self.dialog_open = False
        self._open_page()

    @rx.event
    @handles_errors
    def set_dialog_open(self, value: bool):
        value = as_flag(value)
        self.dialog_open = bool(value)


class ActiveFilter(rx.State, mixin=True):
    """Show active, inactive or all rows."""

    show: str = "active"

    def _active_only(self) -> bool | None:
        return SHOW.get(self.show, True)

    @staticmethod
    def _with_status(rows) -> list[dict]:
        """Service rows as the table shows them, each with its status badge's code."""
        return [{**row.__dict__, "status": "active" if row.active else "deactivated"}
                for row in rows]

    @rx.event
    @handles_errors
    def set_show(self, value: str):
        value = as_text(value, 320)
        self.show = value if value in SHOW else "active"
        self._first_page()
