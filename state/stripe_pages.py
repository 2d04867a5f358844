"""Send the browser to a page Stripe made (Checkout, billing portal, onboarding, dashboard)."""

from __future__ import annotations

import asyncio
from typing import Callable

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services.actor import Actor
from state import routes


async def open_stripe_page(state, actor_of: Callable[[], Actor], call, **kwargs):
    """Ask Stripe off the event loop (``state.redirecting`` shows progress meanwhile), then
    send the same tab to its page; a lost session goes to log in, a refusal is a toast."""
    try:
        actor = actor_of()
        state.redirecting = True
        yield
        url = await asyncio.to_thread(call, get_db(), actor=actor, **kwargs)
    except NotAuthenticated:
        state.redirecting = False
        yield rx.redirect(routes.SESSION_EXPIRED)
        return
    except DomainError as exc:
        state.redirecting = False
        yield rx.toast.error(exc.message)
        return
    yield rx.redirect(url)  # another host: the same tab goes to Stripe
