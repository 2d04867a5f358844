"""Every loader of a signed-in page answers a signed-out visitor quietly, so the
page's guard sends them to log in instead of to "session ended".

The loaders are found, not listed: each signed-in page's ``on_load`` from the page
registry (``components.layout.PAGES``) and each ``on_mount`` in the components the
page is built from (the approval queue, the invoice editor, the sidebar's unread
count). A new page or panel is checked without anyone editing this test. Public
pages are left out: their visitors have no session and their loaders say what
went wrong on the page itself.
"""

from __future__ import annotations

import functools
import inspect

import reflex as rx
from reflex_base.components.component import BaseComponent
from reflex_base.event import EventChain, EventSpec

from components.layout import PAGES
from state.session import SessionState, handles_errors, loads_page
from tests.integration.tabs import Tab, call

_EXAMPLE_ID = "64b7f0c2a1b2c3d4e5f60718"  # any id: a signed-out loader never reads it


def _components(component, seen: set[int]):
    """``component`` and everything inside it: children and components held in props."""
    if id(component) in seen:
        return
    seen.add(id(component))
    yield component
    inner = list(getattr(component, "children", None) or [])
    if hasattr(component, "_get_components_in_props"):
        inner += list(component._get_components_in_props())
    for child in inner:
        if isinstance(child, BaseComponent):
            yield from _components(child, seen)


def _mounted(spec) -> list:
    """The handlers of every ``on_mount`` in the page's component tree."""
    handlers = []
    for component in _components(spec.component(), set()):
        trigger = (getattr(component, "event_triggers", None) or {}).get("on_mount")
        if isinstance(trigger, EventChain):
            handlers += [event.handler for event in trigger.events if isinstance(event, EventSpec)]
    return handlers


@functools.cache
def page_loaders() -> dict[str, tuple[type, str, object]]:
    """``State.handler`` -> (its state class, an example URL of a page it loads,
    its ``EventHandler``)."""
    found: dict[str, tuple[type, str, object]] = {}
    for spec in PAGES:
        if spec.public:
            continue
        url = spec.route.split("[", 1)[0] + _EXAMPLE_ID if "[" in spec.route else spec.route
        loaders = [getattr(event, "handler", event) for event in spec.on_load] + _mounted(spec)
        for handler in loaders:
            if handler.fn.__qualname__ == SessionState.guard.fn.__qualname__:
                continue  # the guard is what sends the visitor to log in
            state_cls = rx.State.get_class_substate(handler.state_full_name)
            found.setdefault(f"{state_cls.__name__}.{handler.fn.__name__}",
                             (state_cls, url, handler))
    return found


def not_page_loaders(functions) -> list[str]:
    """The names of the functions that ``@loads_page`` does not wrap."""
    return [fn.__qualname__ for fn in functions if not getattr(fn, "is_page_loader", False)]


def _drain(result):
    """What a handler returned, run to the end (a generator's updates, listed)."""
    return list(result) if inspect.isgenerator(result) else result


def test_the_check_tells_a_page_loader_from_a_plain_or_ordinary_handler():
    def load(self):
        raise AssertionError("never called")

    missing = not_page_loaders([load, handles_errors(load), loads_page(load)])
    assert [name.rsplit(".", 1)[-1] for name in missing] == ["load", "load"]


def test_loaders_are_found_in_the_registry_and_in_mounted_components():
    found = set(page_loaders())
    assert {"JobsState.load", "ProfileState.load", "TextingChipState.load_client_from_path",
            "JobDetailState.load", "ApprovalQueueState.load",
            "UnreadState.start"} <= found
    assert len(found) >= 40
    assert not any(name.endswith(".guard") or "PolicyPageState" in name for name in found)


def test_every_page_loader_is_wrapped_by_loads_page():
    assert not_page_loaders(handler.fn for _, _, handler in page_loaders().values()) == []


def test_a_signed_out_visitor_is_never_told_the_session_ended(db):
    """Each loader in a tab with no session cookie: it raises nothing and answers
    nothing (no "session ended" redirect, no toast); the guard before it redirects."""
    answers = {}
    for name, (state_cls, url, handler) in page_loaders().items():
        try:
            answer = _drain(call(Tab().at(state_cls, url), handler.fn.__name__))
        except Exception as exc:  # noqa: BLE001 - listed with the loader's name
            answer = f"raised {type(exc).__name__}: {exc}"
        if answer:
            answers[name] = repr(answer)[:200]
    assert answers == {}
