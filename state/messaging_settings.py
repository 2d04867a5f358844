"""Messaging settings page: sending number, profile, templates with live preview, reminders."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import messaging_settings
from iprodash.services.actor import Actor
from iprodash.services.sms_templates import EDITABLE_KINDS, KIND_LABELS, VARIABLES
from state.session import SessionState, as_form, as_text, handles_errors, loads_page


def _counter(preview) -> str:
    unit = "characters" if preview.encoding == "GSM-7" else "UCS-2 units"
    plural = "" if preview.segments == 1 else "s"
    return f"{preview.encoding} · {preview.chars} {unit} · {preview.segments} segment{plural}"


class MessagingSettingsState(SessionState):
    sending_number: str = ""
    messaging_profile_id: str = ""
    reminder_hours: str = ""
    optin_url: str = ""
    provider: str = ""
    templates: dict[str, str] = {}
    previews: dict[str, str] = {}
    counters: dict[str, str] = {}
    error: str = ""
    form_key: int = 0

    def _show(self, view: messaging_settings.MessagingSettings, actor: Actor) -> None:
        self.sending_number = view.sending_number
        self.messaging_profile_id = view.messaging_profile_id
        self.reminder_hours = view.reminder_hours
        self.optin_url, self.provider = view.optin_url, view.provider
        self.templates = dict(view.templates)
        for kind, text in view.templates.items():
            self._preview(kind, text, actor)
        self.form_key += 1

    def _preview(self, kind: str, text: str, actor: Actor) -> None:
        try:
            result = messaging_settings.preview_template(actor=actor, template=text)
            self.previews = {**self.previews, kind: result.text}
            self.counters = {**self.counters, kind: _counter(result)}
        except ValidationError as exc:
            self.previews = {**self.previews, kind: ""}
            self.counters = {**self.counters, kind: exc.message}

    @rx.event
    @loads_page
    def load(self):
        self.error = ""
        actor = self._actor()
        self._show(messaging_settings.get_messaging_settings(get_db(), actor=actor), actor)

    @rx.event
    @handles_errors
    def edit_template(self, kind: str, text: str):
        kind = as_text(kind, 320)
        text = as_text(text, 5000)
        if kind not in EDITABLE_KINDS:
            return
        actor = self._actor()
        self.templates = {**self.templates, kind: str(text)[:600]}
        self._preview(kind, self.templates[kind], actor)

    @rx.event
    @handles_errors
    def save(self, form: dict):
        form = as_form(form)
        actor = self._actor()
        try:
            view = messaging_settings.update_messaging_settings(
                get_db(), actor=actor,
                sending_number=str(form.get("sending_number", "")),
                messaging_profile_id=str(form.get("messaging_profile_id", "")),
                reminder_hours_text=str(form.get("reminder_hours", "")),
                templates=dict(self.templates))
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.error = ""
        self._show(view, actor)
        return rx.toast.success("Texting set-up saved.")

    @rx.event
    @handles_errors
    def new_optin_link(self):
        """Replace the public opt-in link (the old one stops working at once)."""
        actor = self._actor()
        view = messaging_settings.regenerate_optin_code(get_db(), actor=actor)
        self.optin_url = view.optin_url
        return rx.toast.success("The opt-in page has a new link; the old one no longer works.")

    @rx.var
    def template_rows(self) -> list[dict[str, str]]:
        return [{"kind": kind, "label": KIND_LABELS[kind], "text": self.templates.get(kind, ""),
                 "preview": self.previews.get(kind, ""), "counter": self.counters.get(kind, "")}
                for kind in EDITABLE_KINDS if kind in self.templates]

    @rx.var
    def variables_text(self) -> str:
        return " ".join(f"{{{name}}}" for name in VARIABLES)

    @rx.var
    def local_mode(self) -> bool:
        return self.provider == "local"
