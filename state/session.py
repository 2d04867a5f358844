"""The session every page state inherits: who is logged in, checked again
on every event.

The HttpOnly session cookie travels with the websocket handshake; handlers
read it from the connection headers, never from a client-set variable.
"""

from __future__ import annotations

import functools
import inspect
import re

import reflex as rx

from iprodash.db import get_db
from iprodash.services.event_scope import event_scope, remember_in_event
from iprodash.domain.errors import (DomainError, NotAuthenticated, PermissionDenied,
                                     ValidationError)
from iprodash.services import auth, plan_access, policies
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR, ROLE_LABELS, TECHNICIAN, USER, Actor
from iprodash.services.company_settings import company_name
from state import routes
from state.handler_threads import off_the_loop
from state.session_boundary import binding_of, reset_page_states, session_cookie


# What a handler answers when the browser sent something it never sends.
NOT_UNDERSTOOD = "That request was not understood. Please reload the page and try again."
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")


class BadArgument(ValidationError):
    """A handler argument of the wrong type or out of range (a crafted event)."""

    def __init__(self, message: str = NOT_UNDERSTOOD):
        super().__init__(message)


def as_text(value: object, max_len: int = 200) -> str:
    """A text argument, cut to ``max_len`` characters; anything but text is refused."""
    if not isinstance(value, str):
        raise BadArgument()
    return value[:max_len]


def as_int(value: object, lo: int, hi: int) -> int:
    """A whole number between ``lo`` and ``hi`` (digits as text too); else refused."""
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadArgument()
    return value


def as_flag(value: object) -> bool:
    """A yes/no argument: only ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise BadArgument()
    return value


def as_choice(value: object, choices) -> str:
    """One of ``choices`` (text); anything else is refused."""
    if not isinstance(value, str) or value not in choices:
        raise BadArgument()
    return value


def as_form(value: object, max_len: int = 5000) -> dict[str, str]:
    """A submitted form: a dict of text. Numbers and yes/no become text, other
    values (lists, dicts, None) are dropped, each text is cut to ``max_len``."""
    if not isinstance(value, dict):
        raise BadArgument()
    form: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "on" if item else ""
        elif isinstance(item, (int, float)) and abs(item) < 10**15:
            item = str(item)
        if isinstance(key, str) and isinstance(item, str):
            form[key] = item[:max_len]
    return form


def as_uploads(value: object) -> list:
    """The files of an upload event: a list of ``rx.UploadFile``; else refused."""
    if not isinstance(value, list) or not all(isinstance(f, rx.UploadFile) for f in value):
        raise BadArgument()
    return value


def handles_errors(handler):
    """Turn service errors into a toast, and a lost session into a redirect.

    Works for plain, generator, coroutine and async-generator handlers (the
    last two are background events). A plain handler runs off the event loop
    (:func:`off_the_loop`), inside one event scope."""

    def answer(exc: Exception):
        if isinstance(exc, NotAuthenticated):
            return rx.redirect(routes.SESSION_EXPIRED)
        return rx.toast.error(exc.message)

    if inspect.isasyncgenfunction(handler):
        @functools.wraps(handler)
        async def agen_wrapper(self, *args, **kwargs):
            try:
                async for update in handler(self, *args, **kwargs):
                    yield update
            except DomainError as exc:
                yield answer(exc)
        return agen_wrapper

    if inspect.iscoroutinefunction(handler):
        @functools.wraps(handler)
        async def async_wrapper(self, *args, **kwargs):
            try:
                return await handler(self, *args, **kwargs)
            except DomainError as exc:
                return answer(exc)
        return async_wrapper

    if inspect.isgeneratorfunction(handler):
        @functools.wraps(handler)
        def gen_wrapper(self, *args, **kwargs):
            try:
                yield from handler(self, *args, **kwargs)
            except DomainError as exc:
                yield answer(exc)
        return gen_wrapper

    def run(self, args, kwargs):  # in the event scope off_the_loop opens
        try:
            return handler(self, *args, **kwargs)
        except DomainError as exc:
            return answer(exc)

    @functools.wraps(handler)
    async def wrapper(self, *args, **kwargs):
        return await off_the_loop(run, self, args, kwargs)

    return wrapper


class SessionState(rx.State):
    """Current user, role and company for the page chrome."""

    user_name: str = ""
    role: str = ""
    company: str = ""
    can_see_financials: bool = False
    # The plan notice above every signed-in page (past due, read-only, trial),
    # set by ``guard``: one on_load event fewer per page than a loader of its own.
    plan_banner: str = ""
    signed_in: bool = False
    # Hash of the session cookie this tab's state was built for ("" for none);
    # see state/session_boundary.py.
    _session_binding: str = ""
    # True once this session's admin has accepted every published policy version.
    _policies_current: bool = False
    # The page (path?query) the tab's socket reconnected on, set by the session
    # boundary at hydrate; ``guard`` hands it to the page's loaders as
    # ``_resuming_page`` (see ``KeysetPager._open_page``).
    _reconnected_to: str = ""
    _resuming_page: str = ""

    def _actor(self) -> Actor:
        """Authenticate this event's caller from the session cookie.

        The state is reset first when it was built for another session, so a
        handler never sees what an earlier session of this tab left behind.

        Raises:
            NotAuthenticated: no live session.
        """
        # Read here, not via a helper: subclasses have used ``_session_token``
        # as a field name of their own.
        router = self.router  # composed anew on every access
        token = session_cookie(router.headers.cookie or "")
        ip = router.session.client_ip
        try:
            # Checked once per event: a plain handler (handles_errors, loads_page,
            # guard) and a live-refresh loop's check run in an event scope.
            actor = remember_in_event(("actor", token, ip), lambda: auth.authenticate(
                get_db(), token=token, ip=ip))
        except NotAuthenticated:
            self._bind_to("")
            raise
        self._bind_to(binding_of(token))
        return actor

    def _assign(self, **values) -> bool:
        """Set each var whose value changed: an unchanged one is not sent to the
        browser again (Reflex sends every var assigned during an event). True
        when one changed."""
        changed = False
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed = True
        return changed

    def _bind_to(self, binding: str) -> None:
        """Reset every page state of the tab when ``binding`` is a new session."""
        if self._session_binding != binding:
            reset_page_states(self._get_root_state())
            self._session_binding = binding

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
    async def guard(self, roles: list[str]):
        """``on_load`` of every signed-in page: redirect when not allowed."""
        return await off_the_loop(self._guard, roles)  # one event scope

    def _guard(self, roles: list[str]):
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            return rx.toast.error(NOT_UNDERSTOOD)
        # Every signed-in page's loaders run right after this guard: they resume
        # the page only when this load follows a reconnect on it.
        self._resuming_page, self._reconnected_to = self._reconnected_to, ""
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
        self.plan_banner = (plan_access.plan_banner(get_db(), actor=actor)
                            if actor.role in (COMPANY_ADMIN, USER) else "")
        return self._ask_for_policy_acceptance(actor)

    def _ask_for_policy_acceptance(self, actor: Actor):
        """A company admin who has not accepted a newly published policy version
        sees only the acceptance page; checked once per session of the tab."""
        if self._policies_current or actor.role != COMPANY_ADMIN:
            return None
        if (self.router.url.path or "") == routes.ACCEPT_POLICIES:
            return None
        if policies.pending_acceptance(get_db(), actor=actor):
            return rx.redirect(routes.ACCEPT_POLICIES)
        self._policies_current = True
        return None

    @rx.event
    def go_home(self):
        """``/home``: send each role to its start page."""
        with event_scope():
            return self._go_home()

    def _go_home(self):
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
    runs first already redirects a caller without a session. A coroutine loader
    (one that fills other states through ``get_state``) runs in one event scope
    too."""

    if inspect.iscoroutinefunction(handler):
        @functools.wraps(handler)
        async def async_wrapper(self, *args, **kwargs):
            try:
                with event_scope():
                    return await handler(self, *args, **kwargs)
            except NotAuthenticated:
                return None
            except DomainError as exc:
                return rx.toast.error(exc.message)

        async_wrapper.is_page_loader = True
        return async_wrapper

    def run(self, args, kwargs):  # in the event scope off_the_loop opens
        try:
            return handler(self, *args, **kwargs)
        except NotAuthenticated:
            return None
        except DomainError as exc:
            return rx.toast.error(exc.message)

    @functools.wraps(handler)
    async def wrapper(self, *args, **kwargs):  # off the event loop, like handles_errors
        return await off_the_loop(run, self, args, kwargs)

    wrapper.is_page_loader = True  # tests/integration/test_page_loaders.py looks for it
    return wrapper
