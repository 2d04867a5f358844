"""Texting set-up page: the review-request setting (on/off, review link, channel)."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import review_requests
from iprodash.services.actor import COMPANY_ADMIN
from state.session import SessionState, as_choice, as_flag, as_form, handles_errors, loads_page


class ReviewSettingsState(SessionState):
    enabled: bool = False
    link: str = ""
    channel: str = review_requests.TEXT_OR_EMAIL
    error: str = ""
    form_key: int = 0

    def _show(self, setting: review_requests.ReviewSettings) -> None:
        self.enabled, self.link, self.channel = setting.enabled, setting.link, setting.channel
        self.form_key += 1

    @rx.event
    @loads_page
    def load(self):
        self.error = ""
        actor = self._actor_with_role(COMPANY_ADMIN)
        self._show(review_requests.get_review_settings(get_db(), actor=actor))

    @rx.event
    @handles_errors
    def set_enabled(self, value: bool):
        self.enabled = as_flag(value)

    @rx.event
    @handles_errors
    def set_channel(self, value: str):
        self.channel = as_choice(value, tuple(review_requests.CHANNELS))

    @rx.event
    @handles_errors
    def save(self, form: dict):
        form = as_form(form)
        actor = self._actor_with_role(COMPANY_ADMIN)
        try:
            setting = review_requests.update_review_settings(
                get_db(), actor=actor, enabled=self.enabled,
                link=form.get("review_link", ""), channel=self.channel)
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.error = ""
        self._show(setting)
        return rx.toast.success("Review requests are on." if setting.enabled
                                else "Review requests are off.")
