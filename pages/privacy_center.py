"""Privacy center: export, correction, deletion, restriction (docs/PRIVACY.md)."""

from __future__ import annotations

import reflex as rx

from components.downloads import download_link
from components.forms import error_callout, field
from components.layout import app_page
from components.navigation import RECORDS, NavItem, register_nav_item
from components.tables import data_table, status_badge
from iprodash.domain.statuses import EXPORT_STATUS_LABELS
from state import routes
from state.privacy import PrivacyState
from state.session import SessionState

STAFF = ("company_admin", "user")


def _export_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["kind"]),
        rx.table.cell(row["created"]),
        rx.table.cell(status_badge(row["status"], EXPORT_STATUS_LABELS)),
        rx.table.cell(rx.vstack(rx.progress(value=row["percent"], max=100, width="8em"),
                                rx.text(row["stage"], size="1", color_scheme="gray"),
                                spacing="1")),
        rx.table.cell(rx.cond(
            row["download_url"] != "",
            rx.vstack(download_link("Download ZIP (", row["size"], ")", href=row["download_url"]),
                      rx.text("Link expires ", row["expires"], " UTC", size="1",
                              color_scheme="gray"), spacing="1"),
            rx.text("-"))),
    )


def _exports_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Export (access and portability)", size="4"),
        rx.text("A ZIP with one JSON and one CSV file per kind of record, plus stored files. "
                "It is built in the background; the download link works for you only and "
                "expires.", size="2"),
        rx.hstack(
            rx.button("Export my personal data", loading=PrivacyState.building,
                      on_click=PrivacyState.start_export("personal")),
            rx.cond(SessionState.is_admin,
                    rx.button("Export the whole company", variant="soft",
                              loading=PrivacyState.building,
                              on_click=PrivacyState.start_export("company"))),
            rx.button(rx.icon("refresh-cw", size=16), "Refresh", variant="ghost",
                      on_click=PrivacyState.refresh),
            wrap="wrap"),
        data_table(["Kind", "Requested (UTC)", "Status", "Progress", "File"],
                   PrivacyState.exports, _export_row, empty_text="No exports yet."),
        spacing="3", width="100%"), width="100%")


def _correction_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Correction", size="4"),
        rx.text("Correct your name and password on ", rx.link("My profile", href=routes.PROFILE),
                ". Company admins correct client records on each client's page; every "
                "change is in the audit log.", size="2"),
        rx.heading("Restriction and objection", size="4"),
        rx.text("Clients who reply STOP get no more texts until they reply START. Each client "
                "can also be marked \"no SMS\" or \"no marketing\" on their page.", size="2"),
        spacing="2", width="100%"), width="100%")


def _deletion_card() -> rx.Component:
    pending = rx.callout(
        rx.vstack(
            rx.text("Deletion requested by ", PrivacyState.deletion_requested_by,
                    ". The company is read-only; all its data is deleted on ",
                    PrivacyState.deletion_due, "."),
            rx.button("Cancel the deletion", color_scheme="green",
                      on_click=PrivacyState.cancel_deletion),
            spacing="2"),
        icon="triangle-alert", color_scheme="red", width="100%")
    form = rx.form(rx.vstack(
        rx.text("The company becomes read-only at once. After the grace period every job, "
                "client, technician, message, file and user account is deleted; only an "
                "anonymous billing and audit record is kept (see the privacy policy). Export "
                "your data first.", size="2"),
        error_callout(PrivacyState.delete_error),
        field("Your password", "password", type_="password", required=True),
        rx.checkbox("I understand that this deletes the company's data for good.",
                    name="understood"),
        rx.button("Delete the company", type="submit", color_scheme="red",
                  loading=PrivacyState.deleting),
        spacing="3", width="100%", max_width="32em"), on_submit=PrivacyState.request_deletion)
    return rx.cond(SessionState.is_admin, rx.card(rx.vstack(
        rx.heading("Delete the company", size="4"),
        rx.cond(PrivacyState.deletion_pending, pending, form),
        spacing="3", width="100%"), width="100%"))


def _confirm_erase(title: str, description: str, on_erase) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Erase", size="1", color_scheme="red",
                                          variant="soft")),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep", variant="soft")),
                      rx.alert_dialog.action(rx.button("Erase", color_scheme="red",
                                                       on_click=on_erase)),
                      justify="end", spacing="2")))


def _erase_match(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(row["name"], " · ", row["phone"], " · ", row["email"], " · ", row["address"],
                size="2"),
        _confirm_erase("Erase this client for good?",
                       "Their name, phone, email and address leave every job, message, photo "
                       "and receipt; the jobs' money stays for your totals, under \"Erased "
                       "client\". This cannot be undone.",
                       PrivacyState.erase_client(row["id"])),
        align="center", wrap="wrap", spacing="3")


def _erase_number() -> rx.Component:
    return rx.hstack(
        rx.text("No client has ", PrivacyState.erase_number_display, ", but its texts or "
                "opt-in record are stored.", size="2"),
        _confirm_erase("Erase this number for good?",
                       "Its opt-in record, the texts it sent and the texts sent to it are "
                       "deleted. If it replied STOP, only a coded form of the number stays "
                       "so it is never texted again.",
                       PrivacyState.erase_number),
        align="center", wrap="wrap", spacing="3")


def _erase_client_card() -> rx.Component:
    nothing = (PrivacyState.erase_searched & (PrivacyState.erase_matches.length() == 0)
               & (PrivacyState.erase_number_display == ""))
    return rx.cond(SessionState.is_admin, rx.card(rx.vstack(
        rx.heading("Erase one client", size="4"),
        rx.text("When a client asks to be forgotten: find them by name, phone or email, then "
                "erase. A phone number that opted in to texts but is no client's can be "
                "erased too.", size="2"),
        rx.form(rx.hstack(rx.input(name="query", placeholder="Name, phone or email",
                                   required=True, max_length=120),
                          rx.button("Find", type="submit", variant="soft")),
                on_submit=PrivacyState.find_client_to_erase),
        rx.foreach(PrivacyState.erase_matches, _erase_match),
        rx.cond(PrivacyState.erase_number_display != "", _erase_number()),
        rx.cond(nothing, rx.text("No client or stored number matches.", size="2",
                                 color_scheme="gray")),
        spacing="3", width="100%"), width="100%"))


@app_page(routes.PRIVACY_CENTER, "Privacy center", roles=STAFF, on_load=[PrivacyState.load])
def privacy_center_page() -> rx.Component:
    return rx.vstack(_exports_card(), _correction_card(), _erase_client_card(), _deletion_card(),
                     width="100%", spacing="4")


register_nav_item(NavItem("Privacy center", routes.PRIVACY_CENTER, "shield-check", "staff",
                          RECORDS), before="Sent messages")
