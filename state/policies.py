"""Policy pages: the public texts, the admin's acceptance page, the operator's publishing."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.words import pluralize
from iprodash.policies import KINDS, policy_text
from iprodash.services import policies
from state import routes
from state.paging import KeysetPager
from state.session import SessionState, as_form, handles_errors, loads_page


def _file_versions() -> dict[str, str]:
    return {kind: f"Version {policy_text(kind).version} · {policy_text(kind).date}"
            for kind in KINDS}


class PolicyPageState(rx.State):
    """The version line of the public policy pages (the version in force)."""

    version_lines: dict[str, str] = _file_versions()

    @rx.event
    def load(self):
        """Public: reads only the published version numbers and dates."""
        self.version_lines = {kind: f"Version {v.version} · {v.date}"
                              for kind, v in policies.versions_in_force(get_db()).items()}


class PolicyAcceptState(SessionState):
    """A company admin accepts the policy versions published since they last did."""

    pending: list[dict] = []
    error: str = ""

    @rx.event
    @loads_page
    def load(self):
        actor = self._actor_with_role("company_admin")
        self.error = ""
        self.pending = [{"kind": v.kind, "title": v.title, "version": v.version, "date": v.date,
                         "path": policies.PATHS[v.kind]}
                        for v in policies.pending_acceptance(get_db(), actor=actor)]

    @rx.event
    @handles_errors
    def accept(self, form_data: dict):
        form_data = as_form(form_data)
        actor = self._actor_with_role("company_admin")
        if form_data.get("agree") != "on":
            self.error = "Tick the box to confirm you read and accept the new versions."
            return None
        shown = {row["kind"]: row["version"] for row in self.pending}
        policies.accept_policies(get_db(), actor=actor, versions=shown)
        self.pending = []
        self.error = ""
        return [rx.redirect(routes.HOME), rx.toast.success("Thank you, accepted.")]


class OperatorPoliciesState(KeysetPager, SessionState):
    """The operator publishes a new version of a policy; admins are emailed.
    ``rows`` are the published versions, newest first."""

    in_force: list[dict] = []
    error: str = ""
    notice: str = ""

    def _reload(self) -> None:
        actor = self._actor_with_role("operator")
        db = get_db()
        self.in_force = [{"kind": v.kind, "title": v.title, "version": v.version,
                          "date": v.date, "source": "published" if v.published else "as shipped"}
                         for v in policies.versions_in_force(db).values()]
        self.rows = policies.published_versions(db, actor=actor, before=self._cursor())
        self.has_next = len(self.rows) == policies.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        self.error = self.notice = ""
        self._open_page()

    @rx.event
    @handles_errors
    def publish(self, form_data: dict):
        form_data = as_form(form_data)
        actor = self._actor_with_role("operator")
        self.error = self.notice = ""
        kind = str(form_data.get("kind") or "")
        try:
            emailed = policies.publish_version(
                get_db(), actor=actor, kind=kind, version=str(form_data.get("version") or ""),
                summary=str(form_data.get("summary") or ""))
        except (ValidationError, Conflict) as exc:
            self.error = exc.message
            return None
        self._first_page()
        title = policy_text(kind).title
        self.notice = (f"Published. {pluralize(emailed, 'company admin')} will be emailed "
                       f"and asked to accept the new {title} at their next login.")
        return None
