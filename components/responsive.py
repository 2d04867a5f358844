"""Show one layout on a desktop and another on a phone (under 600 px wide)."""

from __future__ import annotations

import reflex as rx

NARROW = "@media (max-width: 599px)"
WIDE = "@media (min-width: 600px)"


def wide_only(*children: rx.Component, **props) -> rx.Component:
    """Shown at 600 px and wider (tables, side-by-side lanes)."""
    return rx.box(*children, width="100%", style={NARROW: {"display": "none"}}, **props)


def narrow_only(*children: rx.Component, **props) -> rx.Component:
    """Shown under 600 px (cards, stacked lanes)."""
    return rx.box(*children, width="100%", style={WIDE: {"display": "none"}}, **props)
