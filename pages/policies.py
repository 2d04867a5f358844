"""The policies: privacy policy, terms, data processing terms (public, from
``iprodash/policies``), the admin's acceptance of a new version, and the
operator's "Publish new version"."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, field, info_callout, keyset_pager, submit_button
from components.layout import app_page
from components.navigation import PLATFORM, NavItem, register_nav_item
from components.tables import data_table
from iprodash.policies import DPA, KINDS, PRIVACY, TERMS, policy_text
from state import routes
from state.policies import OperatorPoliciesState as Op
from state.policies import PolicyAcceptState as Accept
from state.policies import PolicyPageState

register_nav_item(NavItem("Policies", routes.OPERATOR_POLICIES, "scroll-text", "operator",
                          PLATFORM))

# Tables of the texts scroll inside the page on a phone instead of widening it.
_MARKDOWN_STYLE = {"& table": {"display": "block", "overflow_x": "auto", "max_width": "100%"},
                   "& td, & th": {"padding": "0.3em 0.6em", "vertical_align": "top",
                                  "border_bottom": "1px solid var(--gray-5)"},
                   "overflow_wrap": "anywhere"}


def _policy(kind: str) -> rx.Component:
    text = policy_text(kind)
    return rx.vstack(
        rx.heading(text.title, size="6", as_="h1"),
        rx.text(PolicyPageState.version_lines[kind], size="2", color_scheme="gray"),
        rx.box(rx.markdown(text.body), width="100%", style=_MARKDOWN_STYLE),
        spacing="3", width="100%", min_width="0",
    )


@app_page(routes.PRIVACY, "Privacy policy", public=True, wide=True,
          on_load=[PolicyPageState.load])
def privacy_page() -> rx.Component:
    return _policy(PRIVACY)


@app_page(routes.TERMS, "Terms of service", public=True, wide=True,
          on_load=[PolicyPageState.load])
def terms_page() -> rx.Component:
    return _policy(TERMS)


@app_page(routes.DATA_PROCESSING, "Data processing terms", public=True, wide=True,
          on_load=[PolicyPageState.load])
def data_processing_page() -> rx.Component:
    return _policy(DPA)


def _pending_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("scroll-text", size=18),
        rx.vstack(rx.text(row["title"], weight="bold"),
                  rx.text("Version ", row["version"], " · ", row["date"], size="2",
                          color_scheme="gray"), spacing="0"),
        rx.spacer(),
        rx.link("Read it", href=row["path"], is_external=True),
        align="center", width="100%", wrap="wrap",
    )


@app_page(routes.ACCEPT_POLICIES, "New policy versions to accept", roles=("company_admin",),
          on_load=[Accept.load])
def accept_policies_page() -> rx.Component:
    return rx.cond(
        Accept.pending.length() > 0,
        rx.card(rx.form(rx.vstack(
            rx.text("We published new versions of the policies your company uses iProDash "
                    "under. Read them, then accept to continue."),
            rx.foreach(Accept.pending, _pending_row),
            error_callout(Accept.error),
            rx.el.label(rx.hstack(rx.checkbox(name="agree"),
                                  rx.text("I have read the new versions and accept them for "
                                          "my company.", size="2"), align="center"),
                        width="100%"),
            submit_button("Accept and continue"),
            spacing="4", width="100%"), on_submit=Accept.accept, reset_on_submit=False),
            width="100%", max_width="40em"),
        rx.callout("Nothing to accept: you have accepted every version in force. When we "
                   "publish a new one, it shows here at your next login.", icon="circle-check",
                   color_scheme="green"),
    )


def _publish_form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("Publish new version", size="4"),
        rx.text("Edit the text in iprodash/policies and deploy it first. Publishing emails "
                "every company admin and asks them to accept it at their next login.",
                size="2", color_scheme="gray"),
        error_callout(Op.error), info_callout(Op.notice),
        rx.vstack(rx.el.label("Policy", html_for="kind", font_size="14px", font_weight="500"),
                  rx.select.root(rx.select.trigger(id="kind", width="100%"),
                                 rx.select.content(*[rx.select.item(policy_text(k).title, value=k)
                                                     for k in KINDS]),
                                 name="kind", default_value=TERMS, size="3"),
                  spacing="1", width="100%"),
        field("New version", "version", placeholder="1.1", required=True,
              hint="A number no earlier version of this policy used."),
        rx.vstack(rx.el.label("What changed", html_for="summary", font_size="14px",
                              font_weight="500"),
                  rx.text_area(id="summary", name="summary", required=True, rows="4",
                               width="100%", max_length=600,
                               placeholder="One or two sentences admins read in the email."),
                  spacing="1", width="100%"),
        submit_button("Publish new version"),
        spacing="3", width="100%"), on_submit=Op.publish, reset_on_submit=True),
        width="100%", max_width="36em")


@app_page(routes.OPERATOR_POLICIES, "Policies", roles=("operator",), on_load=[Op.load])
def operator_policies_page() -> rx.Component:
    return rx.vstack(
        data_table(["Policy", "Version in force", "Since", "Source"], Op.in_force,
                   lambda r: rx.table.row(
                       rx.table.cell(rx.link(r["title"], href=rx.match(
                           r["kind"], (TERMS, routes.TERMS), (PRIVACY, routes.PRIVACY),
                           routes.DATA_PROCESSING), is_external=True)),
                       rx.table.cell(r["version"]), rx.table.cell(r["date"]),
                       rx.table.cell(r["source"]))),
        _publish_form(),
        rx.heading("Published versions", size="4"),
        data_table(["Policy", "Version", "Previous", "Effective", "What changed"], Op.rows,
                   lambda r: rx.table.row(
                       rx.table.cell(r["policy"]), rx.table.cell(r["version"]),
                       rx.table.cell(r["previous"]), rx.table.cell(r["effective"]),
                       rx.table.cell(rx.text(r["summary"], size="2"))),
                   empty_text="No version published yet: each policy is in force as shipped. "
                              "Publish the first new version with the form above."),
        keyset_pager(Op),
        width="100%", spacing="4",
    )
