"""The session every page state inherits: who is logged in, checked again
on every event.

The HttpOnly session cookie travels with the websocket handshake; handlers
read it from the connection headers, never from a client-set variable.
"""

from __future__ import annotations

import functools
from http.cookies import SimpleCookie

import reflex as rx

from iprodash.api.security import SESSION_COOKIE
from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated, PermissionDenied
from iprodash.services import auth
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR, ROLE_LABELS, TECHNICIAN, USER, Actor
from iprodash.services.company_settings import company_name
from state import routes


def handles_errors(handler):
    """Turn service errors into a toast, and a lost session into a redirect."""

    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except NotAuthenticated:
            return rx.redirect(routes.SESSION_EXPIRED)
        except DomainError as exc:
            return rx.toast.error(exc.message)

    return wrapper


class SessionState(rx.State):
    """Current user, role and company for the page chrome."""

    user_name: str = ""
    role: str = ""
    company: str = ""
    can_see_financials: bool = False
    signed_in: bool = False

    def _session_token(self) -> str | None:
        header = self.router.headers.cookie or ""
        cookies = SimpleCookie()
        try:
            cookies.load(header)
        except Exception:  # noqa: BLE001 - a malformed header means no session
            return None
        morsel = cookies.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    def _actor(self) -> Actor:
        """Authenticate this event's caller from the session cookie.

        Raises:
            NotAuthenticated: no live session.
        """
        return auth.authenticate(get_db(), token=self._session_token(),
                                 ip=self.router.session.client_ip)

    def _actor_with_role(self, *roles: str) -> Actor:
        actor = self._actor()
        if roles and actor.role not in roles:
            raise PermissionDenied("Your role does not allow this page.")
        return actor

    def _remember(self, actor: Actor) -> None:
        self.user_name = actor.name
        self.role = actor.role
        self.can_see_financials = actor.can_see_financials
        self.company = (company_name(get_db(), actor=actor)
                        if actor.company_id and actor.role != TECHNICIAN else "iProDash")
        self.signed_in = True

    @rx.event
    def guard(self, roles: list[str]):
        """``on_load`` of every signed-in page: redirect when not allowed."""
        try:
            actor = self._actor()
        except NotAuthenticated:
            self.signed_in = False
            return rx.redirect(routes.login_with_next(self.router.url.path or routes.HOME))
        self._remember(actor)
        if actor.role == TECHNICIAN and TECHNICIAN not in roles:
            return rx.redirect(routes.TECH_HOME)
        if roles and actor.role not in roles:
            return [rx.redirect(routes.HOME),
                    rx.toast.error("That page is not available for your role.")]
        return None

    @rx.event
    def go_home(self):
        """``/home``: send each role to its start page."""
        try:
            actor = self._actor()
        except NotAuthenticated:
            return rx.redirect(routes.LOGIN)
        self._remember(actor)
        start = {OPERATOR: routes.OPERATOR, TECHNICIAN: routes.TECH_HOME}
        return rx.redirect(start.get(actor.role, routes.DASHBOARD))

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "")

    @rx.var
    def is_admin(self) -> bool:
        return self.role == COMPANY_ADMIN

    @rx.var
    def is_operator(self) -> bool:
        return self.role == OPERATOR

    @rx.var
    def is_company_staff(self) -> bool:
        return self.role in (COMPANY_ADMIN, USER)

    @rx.var
    def is_technician(self) -> bool:
        return self.role == TECHNICIAN

    @rx.var
    def has_account(self) -> bool:
        """Office users and operators (technicians have no password or profile)."""
        return self.role in (COMPANY_ADMIN, USER, OPERATOR)


def loads_page(handler):
    """Like :func:`handles_errors`, for ``on_load`` loaders: the guard that
    runs first already redirects a caller without a session."""

    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except NotAuthenticated:
            return None
        except DomainError as exc:
            return rx.toast.error(exc.message)

    return wrapper
