"""Users page: members, approvals, roles, invitations."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import people_deletion, users
from iprodash.services.company_settings import get_company_settings
from state.catalog import NameKeysetPager
from state.session import SessionState, as_flag, as_text, handles_errors, loads_page


class UsersState(NameKeysetPager, SessionState):
    status_filter: str = ""
    company_code: str = ""
    invite_email: str = ""

    def _reload(self) -> None:
        actor = self._actor()
        page = users.list_users(get_db(), actor=actor, status=self.status_filter,
                                after=self._after())
        self.rows = [{**row.__dict__} for row in page]
        self.has_next = len(page) == users.PAGE_SIZE
        self.company_code = get_company_settings(get_db(), actor=actor).code

    @rx.event
    @loads_page
    def load(self):
        self._open_page()

    @rx.event
    @handles_errors
    def set_status_filter(self, value: str):
        value = as_text(value, 320)
        self.status_filter = "" if value == "all" else value
        self._first_page()

    @rx.event
    @handles_errors
    def set_invite_email(self, value: str):
        value = as_text(value, 320)
        self.invite_email = value[:254]

    @rx.event
    @handles_errors
    def invite(self):
        users.invite_user(get_db(), actor=self._actor(), email=self.invite_email)
        sent_to, self.invite_email = self.invite_email, ""
        return rx.toast.success(f"Invitation sent to {sent_to}.")

    @rx.event
    @handles_errors
    def approve(self, user_id: str, approve: bool):
        user_id = as_text(user_id, 40)
        approve = as_flag(approve)
        users.approve_user(get_db(), actor=self._actor(), user_id=user_id, approve=approve)
        self._reload()
        return rx.toast.success("Member approved." if approve else "Request rejected.")

    @rx.event
    @handles_errors
    def set_role(self, user_id: str, role: str):
        user_id = as_text(user_id, 40)
        role = as_text(role, 320)
        row = next((r for r in self.rows if r["id"] == user_id), None)
        financials = bool(row and row["view_financials"])
        users.set_role(get_db(), actor=self._actor(), user_id=user_id, role=role,
                       view_financials=financials)
        self._reload()
        return rx.toast.success("Role changed.")

    @rx.event
    @handles_errors
    def toggle_financials(self, user_id: str, allowed: bool):
        user_id = as_text(user_id, 40)
        allowed = as_flag(allowed)
        users.set_role(get_db(), actor=self._actor(), user_id=user_id, role="user",
                       view_financials=allowed)
        self._reload()
        return rx.toast.success("Permission saved.")

    @rx.event
    @handles_errors
    def set_active(self, user_id: str, active: bool):
        user_id = as_text(user_id, 40)
        active = as_flag(active)
        users.set_active(get_db(), actor=self._actor(), user_id=user_id, active=active)
        self._reload()
        return rx.toast.success("Member reactivated." if active else "Member deactivated.")

    @rx.event
    @handles_errors
    def delete_user(self, user_id: str):
        shown_as = people_deletion.delete_user(get_db(), actor=self._actor(),
                                               user_id=str(user_id))
        self._reload()
        return rx.toast.success(f"Deleted. Their jobs now show \"{shown_as}\".")
