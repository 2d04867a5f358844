"""API keys (company-admin): create, copy once, revoke; link to the API docs."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, field, keyset_pager
from components.layout import app_page
from components.navigation import SET_UP, NavItem, register_nav_item
from components.tables import data_table
from state import routes
from state.api_keys import SCOPE_CHOICES, SECRET_FIELD_ID, ApiKeysState

API_DOCS = "/api/v1/docs"


def _new_secret() -> rx.Component:
    """The new key, written into a read-only field by the browser only.

    The field is always rendered (hidden until a key is created) so the
    event that fills it always finds it.
    """
    # callout.root, not rx.callout(...): the shorthand wraps children in a <p>, and a
    # <div> inside a <p> breaks the pre-rendered page's hydration (React error 418).
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(
            rx.text("Key \"", ApiKeysState.new_name, "\": copy it now. It is stored only as "
                    "a hash and cannot be shown again.", weight="medium"),
            rx.input(id=SECRET_FIELD_ID, read_only=True, default_value="", width="100%",
                     font_family="monospace", aria_label="New API key"),
            rx.hstack(
                rx.button(rx.icon("copy", size=16), "Copy", on_click=rx.call_script(
                    f"navigator.clipboard.writeText(document.getElementById('{SECRET_FIELD_ID}')"
                    ".value)")),
                rx.button("I stored it", variant="soft", on_click=ApiKeysState.forget_secret)),
            spacing="2", width="100%"),
        color_scheme="amber", width="100%",
        display=rx.cond(ApiKeysState.secret_shown, "flex", "none"))


def _key_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]), rx.table.cell(rx.code(row["prefix"])),
        rx.table.cell(row["scopes"]), rx.table.cell(row["created"]),
        rx.table.cell(row["created_by"]), rx.table.cell(row["last_used"]),
        rx.table.cell(rx.cond(
            row["revoked"], rx.badge("revoked", color_scheme="gray"),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button("Revoke", size="1", color_scheme="red",
                                                  variant="soft")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Revoke this key?"),
                    rx.alert_dialog.description(
                        "Programs using it stop working at once. This cannot be undone."),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                        rx.alert_dialog.action(rx.button(
                            "Revoke", color_scheme="red",
                            on_click=ApiKeysState.revoke(row["id"]))),
                        justify="end", spacing="2"))))),
    )


@app_page(routes.API_KEYS, "API keys", roles=("company_admin",), on_load=[ApiKeysState.load])
def api_keys_page() -> rx.Component:
    return rx.vstack(
        rx.text("Programs use a key to call the REST API for this company: ",
                rx.el.a("API documentation", href=API_DOCS, target="_blank"),
                ". Send it as \"Authorization: Bearer <key>\".", size="2"),
        _new_secret(),
        rx.card(rx.form(rx.vstack(
            error_callout(ApiKeysState.error),
            field("Key name", "name", placeholder="e.g. Zapier", required=True),
            rx.vstack(rx.text("Scopes", size="2", weight="medium"),
                      rx.select(list(SCOPE_CHOICES), name="scopes", default_value="read",
                                size="3"), spacing="1"),
            rx.button("Create key", type="submit", size="3"),
            spacing="3", width="100%"), on_submit=ApiKeysState.create, reset_on_submit=True,
            key=ApiKeysState.form_key), width="100%", max_width="32em"),
        data_table(["Name", "Key", "Scopes", "Created", "By", "Last used", ""],
                   ApiKeysState.rows, _key_row, empty_text="No API keys yet."),
        keyset_pager(ApiKeysState),
        width="100%", spacing="4",
    )


register_nav_item(NavItem("API keys", routes.API_KEYS, "key-round", "admin", SET_UP))
