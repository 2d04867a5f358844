"""Codes shown as words in the browser: labelled cells, badges and filter menus.

The label maps live in ``iprodash.domain``; these only render them, so a
status or kind never reaches the screen as ``snake_case``.
"""

from __future__ import annotations

from collections.abc import Mapping

import reflex as rx

from iprodash.domain.statuses import BADGE_LABELS
from iprodash.domain.words import humanize


def code_label(code: rx.Var, labels: Mapping[str, str]) -> rx.Var:
    """The label of a state value, worked out in the browser."""
    return rx.match(code, *labels.items(), code)


def status_badge(status: rx.Var, labels: Mapping[str, str] = BADGE_LABELS) -> rx.Component:
    """A record's status (account, company, message, export, ticket) as a coloured word."""
    return rx.badge(code_label(status, labels), color_scheme=rx.match(
        status, ("active", "green"), ("pending", "amber"), ("unconfirmed", "gray"),
        ("rejected", "red"), ("suspended", "red"), ("deactivated", "gray"),
        ("inactive", "gray"), ("sent", "green"), ("queued", "amber"), ("dead", "red"),
        ("ready", "green"), ("failed", "red"), ("expired", "gray"), ("open", "amber"),
        ("answered", "blue"), ("closed", "gray"), "blue"))


def filter_select(anything: str, options: Mapping[str, str], on_change, name: str,
                  **props) -> rx.Component:
    """A filter menu: ``anything`` (value "all") first, then each option's label;
    the handler gets the option's code."""
    return rx.select.root(
        rx.select.trigger(placeholder=anything, aria_label=name),
        rx.select.content(rx.select.item(anything, value="all"),
                          *[rx.select.item(text, value=code) for code, text in options.items()]),
        default_value=props.pop("default_value", "all"), on_change=on_change, **props)


def code_select(codes: Mapping[str, str] | list[str], value: rx.Var, on_change,
                name: str, **props) -> rx.Component:
    """A menu whose items show words and whose value is the code."""
    labels = codes if isinstance(codes, Mapping) else {code: humanize(code) for code in codes}
    return rx.select.root(
        rx.select.trigger(aria_label=name),
        rx.select.content(*[rx.select.item(text, value=code) for code, text in labels.items()]),
        value=value, on_change=on_change, **props)
