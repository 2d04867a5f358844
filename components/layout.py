"""One decorator owns a page's route, title, access guard, ``on_load`` and frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import reflex as rx

from components.navigation import mobile_bar, sidebar


@dataclass
class PageSpec:
    """One registered page; the browser sweep test walks these."""

    route: str
    title: str
    component: Callable[[], rx.Component]
    on_load: list = field(default_factory=list)
    roles: tuple[str, ...] = ()
    public: bool = False
    wide: bool = False


PAGES: list[PageSpec] = []


def policy_footer() -> rx.Component:
    """The three policies, at the foot of every page."""
    from state import routes

    return rx.el.footer(
        rx.hstack(
            rx.link("Privacy policy", href=routes.PRIVACY, size="1", color_scheme="gray"),
            rx.link("Terms of service", href=routes.TERMS, size="1", color_scheme="gray"),
            rx.link("Data processing terms", href=routes.DATA_PROCESSING, size="1",
                    color_scheme="gray"),
            spacing="4", wrap="wrap", justify="center",
        ),
        aria_label="Policies", width="100%", padding="1.5em 1em",
    )


def _signed_in_frame(content: rx.Component) -> rx.Component:
    return rx.hstack(
        sidebar(),
        rx.vstack(mobile_bar(),
                  rx.box(content, padding=["0.75em", "1em", "1.5em"], width="100%",
                         max_width="1200px"),
                  policy_footer(),
                  width="100%", spacing="0", min_width="0"),
        spacing="0", width="100%", align="start",
    )


def _plan_banner(message: rx.Var) -> rx.Component:
    """The plan notice (past due, read-only, trial ending), set by the page's guard."""
    return rx.cond(message != "", rx.callout(message, icon="credit-card", color_scheme="amber",
                                             role="status", width="100%"))


def _public_frame(content: rx.Component, *, wide: bool = False) -> rx.Component:
    return rx.center(
        rx.vstack(rx.link(rx.heading("iProDash", size="6"), href="/login", underline="none"),
                  rx.card(content, width="100%", size="3"),
                  policy_footer(),
                  width="100%", max_width="52em" if wide else "30em", padding="1em",
                  spacing="4", min_width="0"),
        min_height="90vh",
    )


def app_page(route: str, title: str, *, roles: tuple[str, ...] = (), public: bool = False,
             on_load: list | None = None, wide: bool = False):
    """Register ``content`` as a page.

    Args:
        route: the URL (from ``state.routes``).
        title: shown in the browser tab and as the page heading.
        roles: roles that may open it (empty: any signed-in role).
        public: no sign-in needed; a simple centered frame.
        on_load: the page's own loaders, run after the access guard.
        wide: a public page of long text (the policies): a wider frame.
    """
    from state.session import SessionState

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            if public:
                return _public_frame(content(), wide=wide)
            return _signed_in_frame(rx.vstack(_plan_banner(SessionState.plan_banner),
                                              rx.heading(title, size="6"), content(),
                                              width="100%", spacing="4"))

        loads = [] if public else [SessionState.guard(list(roles))]
        PAGES.append(PageSpec(route=route, title=f"{title} · iProDash", component=page,
                              on_load=loads + list(on_load or []), roles=tuple(roles),
                              public=public, wide=wide))
        return page

    return decorator
