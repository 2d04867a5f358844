"""Company-admin pages: users, company settings, audit log."""

from __future__ import annotations

import reflex as rx

from components.delete_person import delete_person_button
from components.forms import error_callout, field, keyset_pager, submit_button
from components.layout import app_page
from components.labels import code_label, code_select, filter_select
from components.tables import data_table, status_badge
from iprodash.domain.audit_words import ACTION_AREAS, TARGET_LABELS
from iprodash.domain.roles import ROLE_LABELS
from iprodash.domain.statuses import BADGE_LABELS
from state import routes
from pages.public_auth import COMMON_TIMEZONES
from state.audit import AuditState
from state.company_settings import CompanySettingsState
from state.users import UsersState

ADMIN = ("company_admin",)


def _user_actions(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(row["status"] == "pending", rx.hstack(
            rx.button("Approve", size="1", on_click=UsersState.approve(row["id"], True)),
            rx.button("Reject", size="1", color_scheme="red", variant="soft",
                      on_click=UsersState.approve(row["id"], False)))),
        rx.cond(row["status"] == "active", rx.hstack(
            code_select({r: ROLE_LABELS[r] for r in ("company_admin", "user")}, row["role"],
                        lambda role: UsersState.set_role(row["id"], role), "Role", size="1"),
            rx.cond(row["role"] == "user",
                    rx.tooltip(rx.checkbox("Financials", checked=row["view_financials"],
                                           on_change=lambda v: UsersState.toggle_financials(
                                               row["id"], v)),
                               content="May see profit figures and reports")),
            rx.button("Deactivate", size="1", color_scheme="red", variant="soft",
                      on_click=UsersState.set_active(row["id"], False)))),
        rx.cond(row["status"] == "deactivated",
                rx.button("Reactivate", size="1", variant="soft",
                          on_click=UsersState.set_active(row["id"], True))),
        delete_person_button(row["name"], UsersState.delete_user(row["id"])),
        spacing="2", wrap="wrap",
    )


@app_page(routes.USERS, "Users", roles=ADMIN, on_load=[UsersState.load])
def users_page() -> rx.Component:
    return rx.vstack(
        rx.card(rx.vstack(
            rx.heading("Invite someone", size="3"),
            rx.hstack(rx.input(placeholder="name@example.com", type="email", size="3",
                               value=UsersState.invite_email,
                               on_change=UsersState.set_invite_email, width="100%"),
                      rx.button("Send invite", size="3", on_click=UsersState.invite),
                      width="100%"),
            rx.text("Or share the company code ", rx.code(UsersState.company_code),
                    " with the join page. New members wait for your approval.", size="2"),
            width="100%"), width="100%"),
        rx.hstack(rx.text("Show"),
                  filter_select("Everyone", {s: BADGE_LABELS[s] for s in (
                      "pending", "active", "deactivated", "rejected")},
                      UsersState.set_status_filter, "Status"),
                  align="center"),
        data_table(["Name", "Email", "Role", "Status", "Actions"], UsersState.rows,
                   lambda row: rx.table.row(
                       rx.table.cell(row["name"]), rx.table.cell(row["email"]),
                       rx.table.cell(code_label(row["role"], ROLE_LABELS)),
                       rx.table.cell(status_badge(row["status"])),
                       rx.table.cell(_user_actions(row))),
                   empty_text="No members match."),
        keyset_pager(UsersState),
        width="100%", spacing="4",
    )


def _checkbox(name: str, checked: rx.Var, label: str) -> rx.Component:
    """A native checkbox, so the form's data carries it ("on" when ticked)."""
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, default_checked=checked, id=name,
                    style={"width": "1.1em", "height": "1.1em", "margin_top": "0.15em"}),
        rx.text(label, size="2"), html_for=name,
        style={"display": "flex", "gap": "0.5em", "align_items": "flex-start",
               "cursor": "pointer"})


@app_page(routes.SETTINGS, "Company settings", roles=ADMIN, on_load=[CompanySettingsState.load])
def settings_page() -> rx.Component:
    s = CompanySettingsState
    return rx.vstack(
        rx.cond(~s.loaded, rx.hstack(rx.spinner(), rx.text("Loading settings…", size="2"))),
        rx.card(rx.form(rx.vstack(
            error_callout(s.error),
            field("Company name", "name", default_value=s.name, required=True),
            field("Phone", "phone", type_="tel", default_value=s.phone, required=True),
            field("Admin email", "admin_email", type_="email", default_value=s.admin_email,
                  required=True),
            rx.vstack(rx.text("Time zone", size="2", weight="medium"),
                      rx.select(COMMON_TIMEZONES, name="timezone", default_value=s.timezone,
                                size="3", width="100%"), width="100%", spacing="1"),
            field("Card processing fee %", "card_fee_percent", default_value=s.card_fee_percent,
                  required=True),
            _checkbox("show_tech_commission", s.show_tech_commission,
                      "Technicians see the commission each job earns them and their earnings"),
            _checkbox("keep_photo_location", s.keep_photo_location,
                      "Keep the GPS location stored in job photos (removed by default)"),
            submit_button("Save settings"), spacing="3", width="100%"),
            on_submit=s.save, key=s.form_key), width="100%", max_width="36em",
            display=rx.cond(s.loaded, "block", "none")),
        rx.card(rx.vstack(
            rx.heading("Company code", size="3"),
            rx.text("Staff join with this code: ", rx.code(s.code, size="4")),
            rx.button("Make a new code", variant="soft", on_click=s.regenerate_code),
            spacing="2"), width="100%", max_width="36em"),
        width="100%", spacing="4",
    )


@app_page(routes.AUDIT, "Audit log", roles=ADMIN, on_load=[AuditState.load])
def audit_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            filter_select("Any action", ACTION_AREAS, AuditState.set_action_filter,
                          "What was done"),
            rx.select.root(
                rx.select.trigger(placeholder="Anyone"),
                rx.select.content(
                    rx.select.item("Anyone", value="all"),
                    rx.foreach(AuditState.people,
                               lambda p: rx.select.item(p["name"], value=p["id"]))),
                default_value="all", on_change=AuditState.set_who_filter),
            filter_select("Any time", {"1": "Last day", "7": "Last 7 days", "30": "Last 30 days",
                                 "90": "Last 90 days"}, AuditState.set_days, "How far back"),
            rx.text("from", size="2"),
            rx.input(type="date", on_change=AuditState.set_date_from, aria_label="From date"),
            rx.text("to", size="2"),
            rx.input(type="date", on_change=AuditState.set_date_to, aria_label="To date"),
            filter_select("Any record", TARGET_LABELS, AuditState.set_target_type,
                          "Kind of record"),
            rx.input(placeholder="Record id", on_blur=AuditState.set_target_id,
                     aria_label="Record id"),
            rx.button("Verify integrity", variant="soft", on_click=AuditState.verify),
            wrap="wrap", align="center"),
        rx.cond(AuditState.verify_message != "", rx.callout(AuditState.verify_message)),
        data_table(["#", "When (UTC)", "Who", "What", "Record", "Changes", "Reason", "IP"],
                   AuditState.rows,
                   lambda r: rx.table.row(*[rx.table.cell(r[k]) for k in (
                       "seq", "when", "who", "action_label", "target")],
                       rx.table.cell(rx.text(r["changes"], size="2", max_width="32em")),
                       *[rx.table.cell(r[k]) for k in ("reason", "ip")]),
                   empty_text="No audit entries match."),
        keyset_pager(AuditState),
        width="100%", spacing="4",
    )
