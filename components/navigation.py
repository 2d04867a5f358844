"""Sidebar and mobile navigation, filtered by role."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from components.native_form import native_form

from state import routes
from state.session import SessionState


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    icon: str
    audience: str  # "staff", "financials", "admin", "operator", "account", "technician"


NAV_ITEMS: list[NavItem] = [
    NavItem("Dashboard", routes.DASHBOARD, "layout-dashboard", "staff"),
    NavItem("Users", routes.USERS, "users", "admin"),
    NavItem("Settings", routes.SETTINGS, "settings", "admin"),
    NavItem("Audit log", routes.AUDIT, "scroll-text", "admin"),
    NavItem("Companies", routes.OPERATOR, "building-2", "operator"),
    NavItem("Email outbox", routes.OPERATOR_OUTBOX, "mail", "operator"),
    NavItem("My jobs", routes.TECH_HOME, "smartphone", "technician"),
    NavItem("My profile", routes.PROFILE, "user", "account"),
]


def register_nav_item(item: NavItem, *, before: str = "My profile") -> None:
    """Let a feature's pages add their entry (keeps this module closed)."""
    labels = [i.label for i in NAV_ITEMS]
    NAV_ITEMS.insert(labels.index(before) if before in labels else len(NAV_ITEMS), item)


def _visible(audience: str) -> rx.Var:
    return {
        "staff": SessionState.is_company_staff,
        "financials": SessionState.can_see_financials,
        "admin": SessionState.is_admin,
        "operator": SessionState.is_operator,
        "account": SessionState.has_account,
        "technician": SessionState.is_technician,
    }[audience]


def _link(item: NavItem) -> rx.Component:
    return rx.cond(
        _visible(item.audience),
        rx.link(
            rx.hstack(rx.icon(item.icon, size=18), rx.text(item.label, size="3"),
                      align="center", spacing="3"),
            href=item.route, underline="none", color_scheme="gray", high_contrast=True,
            padding_y="0.5em", padding_x="0.75em", border_radius="8px", width="100%",
            _hover={"background": rx.color("accent", 3)},
        ),
    )


def logout_form(label: str = "Log out") -> rx.Component:
    """A real form post, so the server can clear the HttpOnly cookie."""
    return native_form(
        rx.button(rx.icon("log-out", size=16), label, type="submit", variant="soft",
                  color_scheme="gray", width="100%"),
        action=routes.API_LOGOUT, method="post", width="100%",
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        rx.heading("iProDash", size="5", padding_x="0.75em"),
        rx.text(SessionState.company, size="2", color_scheme="gray", padding_x="0.75em"),
        rx.divider(),
        *[_link(item) for item in NAV_ITEMS],
        rx.spacer(),
        rx.text(SessionState.user_name, " · ", SessionState.role_label, size="1",
                color_scheme="gray", padding_x="0.75em"),
        logout_form(),
        width="15em", min_height="100vh", padding="1em", spacing="1",
        border_right=f"1px solid {rx.color('gray', 5)}",
        display=["none", "none", "flex"], position="sticky", top="0",
    )


def mobile_bar() -> rx.Component:
    return rx.hstack(
        rx.heading("iProDash", size="4"),
        rx.spacer(),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("menu"), "Menu", variant="soft", size="3")),
            rx.menu.content(
                *[rx.cond(_visible(i.audience),
                          rx.menu.item(i.label, on_click=rx.redirect(i.route)))
                  for i in NAV_ITEMS],
            ),
        ),
        native_form(
            rx.button(rx.icon("log-out", size=16), "Log out", type="submit", variant="soft",
                      color_scheme="gray", size="3"),
            action=routes.API_LOGOUT, method="post",
        ),
        width="100%", padding="0.75em", align="center",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        display=["flex", "flex", "none"],
    )
