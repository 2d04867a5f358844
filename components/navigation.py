"""Sidebar and mobile navigation, grouped by what a person does, filtered by role."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

import reflex as rx

from components.native_form import native_form

from state import routes
from state.session import SessionState

# Sidebar sections, top to bottom. An empty heading draws no title.
DAILY_WORK, MONEY, SET_UP, RECORDS, SUPPORT = "Daily work", "Money", "Set-up", "Records", "Support"
PLATFORM, MY_WORK, ACCOUNT = "Platform", "My work", "Account"
GROUPS: tuple[str, ...] = (MY_WORK, DAILY_WORK, MONEY, SET_UP, RECORDS, PLATFORM, SUPPORT,
                           ACCOUNT)
_UNTITLED = {SUPPORT, ACCOUNT}


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    icon: str
    audience: str  # "staff", "financials", "admin", "operator", "account", "technician"
    group: str = DAILY_WORK
    # A count next to the label (e.g. unread conversations): its text, when it shows,
    # and the event that loads it and keeps it current (fired once per page).
    badge: Any = None
    badge_shown: Any = None
    on_mount: Any = None


NAV_ITEMS: list[NavItem] = [
    NavItem("Dashboard", routes.DASHBOARD, "layout-dashboard", "staff", DAILY_WORK),
    NavItem("Users", routes.USERS, "users", "admin", SET_UP),
    NavItem("Company settings", routes.SETTINGS, "settings", "admin", SET_UP),
    NavItem("Audit log", routes.AUDIT, "scroll-text", "admin", RECORDS),
    NavItem("Companies", routes.OPERATOR, "building-2", "operator", PLATFORM),
    NavItem("Email outbox", routes.OPERATOR_OUTBOX, "mail", "operator", PLATFORM),
    NavItem("My jobs", routes.TECH_HOME, "smartphone", "technician", MY_WORK),
    NavItem("My profile", routes.PROFILE, "user", "account", ACCOUNT),
]


def register_nav_item(item: NavItem, *, before: str = "My profile") -> None:
    """Let a feature's pages add their entry (keeps this module closed).

    Entries show under their ``group``; inside a group they keep the order
    they were registered in, ``before`` placing one ahead of another.
    """
    if item.group not in GROUPS:
        raise ValueError(f"Unknown navigation group {item.group!r}; use one of {GROUPS}.")
    labels = [i.label for i in NAV_ITEMS]
    NAV_ITEMS.insert(labels.index(before) if before in labels else len(NAV_ITEMS), item)


def grouped_items() -> list[tuple[str, list[NavItem]]]:
    """The registered entries by section, in sidebar order (empty sections left out)."""
    sections = [(group, [i for i in NAV_ITEMS if i.group == group]) for group in GROUPS]
    return [(group, items) for group, items in sections if items]


def _visible(audience: str) -> rx.Var:
    return {
        "staff": SessionState.is_company_staff,
        "financials": SessionState.can_see_financials,
        "admin": SessionState.is_admin,
        "operator": SessionState.is_operator,
        "account": SessionState.has_account,
        "technician": SessionState.is_technician,
    }[audience]


def _any_visible(items: list[NavItem]) -> rx.Var:
    """True when the signed-in role sees at least one of ``items``."""
    audiences = list(dict.fromkeys(i.audience for i in items))
    return reduce(lambda shown, audience: shown | _visible(audience), audiences[1:],
                  _visible(audiences[0]))


def _badge(item: NavItem) -> list[rx.Component]:
    if item.badge is None:
        return []
    return [rx.cond(item.badge_shown, rx.badge(item.badge, color_scheme="red", radius="full",
                                               aria_label=f"{item.label}: unread"))]


def _link(item: NavItem) -> rx.Component:
    return rx.cond(
        _visible(item.audience),
        rx.link(
            rx.hstack(rx.icon(item.icon, size=17), rx.text(item.label, size="2"),
                      *_badge(item), align="center", spacing="3"),
            href=item.route, underline="none", color_scheme="gray", high_contrast=True,
            padding_y="0.35em", padding_x="0.75em", border_radius="8px", width="100%",
            _hover={"background": rx.color("accent", 3)},
        ),
    )


def _section(group: str, items: list[NavItem]) -> rx.Component:
    heading = [] if group in _UNTITLED else [
        rx.text(group, size="1", weight="bold", color_scheme="gray", padding_x="0.75em",
                padding_top="0.75em", text_transform="uppercase", letter_spacing="0.05em")]
    return rx.cond(_any_visible(items),
                   rx.vstack(*heading, *[_link(item) for item in items],
                             spacing="0", width="100%", role="group", aria_label=group))


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
        *[_section(group, items) for group, items in grouped_items()],
        rx.spacer(),
        rx.text(SessionState.user_name, " · ", SessionState.role_label, size="1",
                color_scheme="gray", padding_x="0.75em"),
        logout_form(),
        # taller than a laptop screen with every section: it scrolls on its own
        on_mount=[i.on_mount for i in NAV_ITEMS if i.on_mount is not None],
        width="15em", height="100vh", overflow_y="auto", padding="1em", spacing="1",
        border_right=f"1px solid {rx.color('gray', 5)}",
        display=["none", "none", "flex"], position="sticky", top="0",
    )


def _menu_section(group: str, items: list[NavItem]) -> rx.Component:
    heading = [rx.menu.separator()] if group in _UNTITLED else [
        rx.text(group, size="1", weight="bold", color_scheme="gray", padding_x="0.75em",
                padding_top="0.5em", text_transform="uppercase", aria_hidden="true")]
    return rx.cond(_any_visible(items), rx.fragment(
        *heading,
        *[rx.cond(_visible(i.audience), rx.menu.item(i.label, *_badge(i),
                                                     on_click=rx.redirect(i.route)))
          for i in items]))


def mobile_bar() -> rx.Component:
    return rx.hstack(
        rx.heading("iProDash", size="4"),
        rx.spacer(),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("menu"), "Menu", variant="soft", size="3")),
            rx.menu.content(*[_menu_section(group, items)
                              for group, items in grouped_items()]),
        ),
        native_form(
            rx.button(rx.icon("log-out", size=16), "Log out", type="submit", variant="soft",
                      color_scheme="gray", size="3", white_space="nowrap"),
            action=routes.API_LOGOUT, method="post",
        ),
        width="100%", padding="0.75em", align="center",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        display=["flex", "flex", "none"],
    )
